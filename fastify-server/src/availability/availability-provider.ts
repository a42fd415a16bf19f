import type { MediaType } from '../config';
import { Errors } from '../errors';
import type { CallOptions, GenesysPlatform, PlatformLogger } from '../genesys/platform-client';
import { UpstreamError } from '../genesys/upstream-error';
import { summarizeObservations, type ObservationSummary } from './observation-summary';
import type { QueueDirectory } from './queue-directory';
import { pickWaitSeconds } from './wait-time';

export interface AvailabilityProviderOptions {
  platform: Pick<GenesysPlatform, 'queueObservations' | 'estimatedWaitTime'>;
  directory: QueueDirectory;
  mediaType: MediaType;
  /**
   * Pace of upstream calls per queue: on average one call per interval, so at most 60 000 / interval calls a
   * minute (12 at the default) however many customers ask. @default 5000
   */
  refreshIntervalMs: number;
  /** How old a value may get while refreshes fail before callers get the error instead. @default 60000 */
  maxStalenessMs: number;
  logger: PlatformLogger;
  now?: () => number;
}

/** What `/availability` is computed from. */
export interface QueueSnapshot {
  observations: ObservationSummary;
  /** Null when unknown (no estimate, or the estimate could not be refreshed for too long). */
  waitSeconds: number | null;
  /** When the oldest value in the snapshot was fetched (ms since the epoch). */
  updatedAt: number;
}

interface Timed<T> {
  value: T;
  at: number;
}

type Part = 'observations' | 'waitTime';

interface QueueState {
  queueId: string;
  /** The last snapshot handed out, reused while its parts are the same (callers may cache per snapshot). */
  composed?: {
    observations: Timed<ObservationSummary>;
    waitTime: Timed<number | null> | undefined;
    snapshot: QueueSnapshot;
  };
  observations?: Timed<ObservationSummary>;
  waitTime?: Timed<number | null>;
  /** Start of the last upstream attempt (success or not). */
  lastAttemptAt: number;
  /** No new attempt before this: one interval per upstream call made, or a Retry-After. */
  nextAttemptAt: number;
  inflight?: Promise<void>;
  lastError?: UpstreamError;
}

/**
 * Queue statistics shared by every caller, refreshed lazily and coalesced (see README "Coalescing").
 *
 * - Cold (first ask, or nobody asked for a while): one fill fetches observations and wait time together; every
 *   concurrent caller awaits that same fill (single flight).
 * - Warm: callers get the cached values at once. When the last attempt is an interval old, one background refresh
 *   makes ONE upstream call, for whichever value is older, so the two alternate and each is at most about two
 *   intervals old. Upstream calls are paced at one per interval per queue whatever the load.
 * - Failures: the last good values are served for up to `maxStalenessMs`; after that observations failures reach
 *   the caller (mapped to 502/503/504) and an unrefreshable wait time becomes null. Nothing refreshes while nobody asks.
 */
export class AvailabilityProvider {
  private readonly queues = new Map<string, QueueState>();
  private readonly now: () => number;
  /** After this long without an attempt, the cache is cold again: nobody was asking, so values are not current. */
  private readonly idleAfterMs: number;

  constructor(private readonly options: AvailabilityProviderOptions) {
    this.now = options.now ?? Date.now;
    this.idleAfterMs = 3 * options.refreshIntervalMs;
  }

  async snapshot(queueName: string): Promise<QueueSnapshot> {
    const queueId = await this.options.directory.resolve(queueName);
    if (queueId === null) throw new Errors.QueueNotFound();
    let s = this.queues.get(queueId);
    if (!s) {
      s = { queueId, lastAttemptAt: Number.NEGATIVE_INFINITY, nextAttemptAt: Number.NEGATIVE_INFINITY };
      this.queues.set(queueId, s);
    }
    const t = this.now();
    const cold = !s.observations || t - s.lastAttemptAt > this.idleAfterMs;
    if (!s.inflight && t >= s.nextAttemptAt) {
      const state = s;
      state.inflight = (cold ? this.fill(state) : this.refreshOne(state)).finally(() => {
        state.inflight = undefined;
      });
    }
    // Cold callers, and callers whose cached observations are too old to serve, wait for the upstream call in
    // flight; everyone else is answered from the cache while it runs.
    if (s.inflight && (cold || !this.servable(s.observations, t))) await s.inflight;

    if (s.lastError?.failure.kind === 'not-found') {
      // The queue was deleted or renamed since its id was cached: look it up again next time.
      this.queues.delete(queueId);
      this.options.directory.forget(queueName);
      throw new Errors.QueueNotFound();
    }
    return this.serve(s);
  }

  /** Resolves when no refresh is running (graceful shutdown, tests). */
  async idle(): Promise<void> {
    await Promise.all([...this.queues.values()].map((s) => s.inflight));
  }

  private servable<T>(v: Timed<T> | undefined, t: number): v is Timed<T> {
    return v !== undefined && t - v.at <= this.options.maxStalenessMs;
  }

  private serve(s: QueueState): QueueSnapshot {
    const t = this.now();
    const { observations, waitTime } = s;
    if (!this.servable(observations, t)) {
      if (observations && !s.lastError) return this.compose(s, observations, waitTime);
      throw s.lastError ?? new UpstreamError('queue observations', { kind: 'unavailable' });
    }
    return this.compose(s, observations, this.servable(waitTime, t) ? waitTime : undefined);
  }

  private compose(
    s: QueueState,
    observations: Timed<ObservationSummary>,
    waitTime: Timed<number | null> | undefined,
  ): QueueSnapshot {
    const c = s.composed;
    if (c && c.observations === observations && c.waitTime === waitTime) return c.snapshot;
    const snapshot: QueueSnapshot = {
      observations: observations.value,
      waitSeconds: waitTime ? waitTime.value : null,
      updatedAt: waitTime ? Math.min(observations.at, waitTime.at) : observations.at,
    };
    s.composed = { observations, waitTime, snapshot };
    return snapshot;
  }

  /**
   * Both values at once (cold start); the retries of the platform client apply, as a caller is waiting. The values
   * are stored together when both calls are done, so no caller sees half a fill.
   */
  private async fill(s: QueueState): Promise<void> {
    const started = this.begin(s);
    let calls = 0;
    const onAttempt = () => {
      calls += 1;
    };
    const [observations, waitTime] = await Promise.allSettled([
      this.fetchObservations(s, { onAttempt }),
      this.fetchWaitTime(s, { onAttempt }),
    ]);
    if (observations.status === 'fulfilled') s.observations = observations.value;
    if (waitTime.status === 'fulfilled') s.waitTime = waitTime.value;
    const failed = [observations, waitTime].find((r): r is PromiseRejectedResult => r.status === 'rejected');
    this.end(s, started, calls, failed?.reason);
  }

  /** One upstream call for the older value; no retries (the next interval is the retry, the cache covers the gap). */
  private async refreshOne(s: QueueState): Promise<void> {
    const started = this.begin(s);
    const t = this.now();
    // Observations first when they are about to become unservable; otherwise the missing or older value.
    const part: Part = !this.servable(s.observations, t + this.options.refreshIntervalMs)
      ? 'observations'
      : !s.waitTime || s.waitTime.at < s.observations.at
        ? 'waitTime'
        : 'observations';
    let calls = 0;
    const options = { retries: 0, onAttempt: () => (calls += 1) };
    try {
      if (part === 'observations') s.observations = await this.fetchObservations(s, options);
      else s.waitTime = await this.fetchWaitTime(s, options);
      this.end(s, started, calls, undefined);
    } catch (e) {
      this.end(s, started, calls, e);
    }
  }

  private begin(s: QueueState): number {
    const started = this.now();
    s.lastAttemptAt = started;
    return started;
  }

  private end(s: QueueState, started: number, calls: number, error: unknown): void {
    s.nextAttemptAt = started + Math.max(1, calls) * this.options.refreshIntervalMs;
    if (error === undefined) {
      s.lastError = undefined;
      return;
    }
    const upstream =
      error instanceof UpstreamError ? error : new UpstreamError('availability refresh', { kind: 'rejected' });
    s.lastError = upstream;
    // Genesys asked us to back off: do not come back before it says so.
    if (upstream.failure.kind === 'rate-limited')
      s.nextAttemptAt = Math.max(s.nextAttemptAt, this.now() + upstream.failure.retryAfterMs);
    this.options.logger.warn(
      { queueId: s.queueId, ...upstream.toLog() },
      'queue availability refresh failed; serving the last values while they are fresh enough',
    );
  }

  private async fetchObservations(s: QueueState, callOptions: CallOptions): Promise<Timed<ObservationSummary>> {
    const at = this.now();
    const response = await this.options.platform.queueObservations(s.queueId, callOptions);
    return { value: summarizeObservations(response, s.queueId, this.options.mediaType), at };
  }

  private async fetchWaitTime(s: QueueState, callOptions: CallOptions): Promise<Timed<number | null>> {
    const at = this.now();
    const predictions = await this.options.platform.estimatedWaitTime(s.queueId, callOptions);
    return { value: pickWaitSeconds(predictions, this.options.mediaType), at };
  }
}
