import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Where Redis stands for this instance (see `fleet/shared-state.ts`). */
export type RedisState = 'connected' | 'degraded' | 'disconnected';

/** What shared state an instance kept in its own memory because Redis could not be used. */
export type SharedUse = 'token' | 'rate-limit' | 'availability';

/** Outcome of one upstream request: `ok`, or the failure's kind (`upstream-error.ts`). */
export type UpstreamOutcome =
  'ok' | 'rate-limited' | 'timeout' | 'unavailable' | 'unauthorized' | 'not-found' | 'rejected' | 'malformed';

/** How a token was obtained: a login of this instance, or one another instance stored in Redis. */
export type TokenSource = 'login' | 'shared';

const REDIS_STATES: RedisState[] = ['connected', 'degraded', 'disconnected'];

/**
 * Every Prometheus metric the middleware exports, in a registry of its own (never prom-client's global one, so
 * several apps in one process, as in the tests, do not mix). Names follow Prometheus conventions: base units
 * (seconds), `_total` for counters.
 */
export class Metrics {
  readonly registry = new Registry();

  private readonly requests = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Requests by route, method and status code, with their duration',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  private readonly upstream = new Counter({
    name: 'genesys_upstream_requests_total',
    help: 'Requests to Genesys Cloud by operation and outcome (every attempt, retries included)',
    labelNames: ['operation', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly retryAfterWaits = new Counter({
    name: 'genesys_retry_after_waits_total',
    help: 'Times Genesys answered 429 and this instance waited for its Retry-After (in a request, or by pausing refreshes)',
    labelNames: ['where'] as const,
    registers: [this.registry],
  });

  private readonly retryAfterSeconds = new Counter({
    name: 'genesys_retry_after_wait_seconds_total',
    help: 'Seconds of Retry-After waited for, summed',
    labelNames: ['where'] as const,
    registers: [this.registry],
  });

  private readonly tokens = new Counter({
    name: 'genesys_token_renewals_total',
    help: 'Access tokens taken into use: logged in by this instance or adopted from Redis; failed logins',
    labelNames: ['source', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly paced = new Counter({
    name: 'genesys_logins_paced_total',
    help: 'Logins not attempted because the login pace held them back (a pause after a failed login, or 3 in 10 s)',
    registers: [this.registry],
  });

  private readonly redis = new Gauge({
    name: 'redis_state',
    help: 'Redis as this instance sees it: 1 for the current state (connected, degraded = too slow, disconnected)',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  private readonly fallbacks = new Counter({
    name: 'shared_state_fallbacks_total',
    help: 'Operations answered from this instance’s memory because Redis was unavailable or too slow',
    labelNames: ['use'] as const,
    registers: [this.registry],
  });

  /** Children of the request histogram by method, route and status (prom-client hashes the labels otherwise). */
  private readonly requestSeries = new Map<string, { observe(seconds: number): void }>();

  /** Queue ages, from the availability provider (built after the metrics). */
  cacheAgeSource: (() => Iterable<{ queue: string; ageSeconds: number }>) | undefined;

  /** Seconds until this instance may try a login again, from the token manager (built after the metrics). */
  loginPauseSource: (() => number) | undefined;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const source = () => this.cacheAgeSource?.() ?? [];
    new Gauge({
      name: 'availability_cache_age_seconds',
      help: 'Age of the oldest value in each queue’s availability snapshot, when scraped',
      labelNames: ['queue'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { queue, ageSeconds } of source()) this.set({ queue }, ageSeconds);
      },
    });
    const pause = () => this.loginPauseSource?.() ?? 0;
    new Gauge({
      name: 'genesys_login_pause_seconds',
      help: 'Seconds until a login may be tried again (0: now), as this instance knows the login pace when scraped',
      registers: [this.registry],
      collect() {
        this.set(pause());
      },
    });
    this.setRedisState(null);
  }

  request(method: string, route: string, statusCode: number, seconds: number): void {
    const key = `${method} ${statusCode} ${route}`;
    let series = this.requestSeries.get(key);
    if (series === undefined) {
      series = this.requests.labels(method, route, String(statusCode));
      this.requestSeries.set(key, series);
    }
    series.observe(seconds);
  }

  upstreamRequest(operation: string, outcome: UpstreamOutcome): void {
    this.upstream.inc({ operation, outcome });
  }

  retryAfterWait(where: 'request' | 'refresh', ms: number): void {
    this.retryAfterWaits.inc({ where });
    this.retryAfterSeconds.inc({ where }, ms / 1000);
  }

  loginPaced(): void {
    this.paced.inc();
  }

  tokenRenewal(source: TokenSource, outcome: 'ok' | 'failed'): void {
    this.tokens.inc({ source, outcome });
  }

  /** null: no Redis configured (the gauge stays empty). */
  setRedisState(state: RedisState | null): void {
    for (const s of REDIS_STATES) {
      if (state === null) this.redis.remove({ state: s });
      else this.redis.set({ state: s }, s === state ? 1 : 0);
    }
  }

  sharedFallback(use: SharedUse): void {
    this.fallbacks.inc({ use });
  }

  /** The exposition text and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
