import { Redis } from 'ioredis';
import type { RedisConfig } from '../config';
import type { Metrics, RedisState, SharedUse } from '../metrics/metrics';

/** The few log methods used here (a pino/Fastify logger fits). */
export interface SharedStateLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface SharedStateOptions extends RedisConfig {
  /** Part of every key after the prefix: several organizations may share one Redis. */
  namespace: string;
  logger: SharedStateLogger;
  metrics: Pick<Metrics, 'setRedisState' | 'sharedFallback'>;
  /** How often a degraded (too slow) Redis is asked again. @default 1000 */
  probeIntervalMs?: number;
}

/**
 * The connection to Redis and whether it may be used right now. Every user of shared state goes through
 * {@link SharedState.use}: while Redis is not `connected` (down, or answering slower than `commandTimeoutMs`) the
 * caller gets `undefined` at once and answers from its own memory; nothing waits for Redis longer than one command
 * timeout, and nothing throws because of it. ioredis reconnects by itself; a slow Redis is probed with PING until
 * it answers in time again.
 */
export class SharedState {
  /** Commands. Fails fast while disconnected (no offline queue) and after `commandTimeoutMs`. */
  readonly redis: Redis;
  /** Pub/sub needs a connection of its own; subscriptions are renewed after every reconnect. */
  private readonly subscriber: Redis;
  private readonly listeners = new Map<string, Array<(message: string) => void>>();
  private current: RedisState = 'disconnected';
  private probe: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly prefix: string;

  constructor(private readonly options: SharedStateOptions) {
    this.prefix = `${options.keyPrefix}${options.namespace}:`;
    const common = {
      commandTimeout: options.commandTimeoutMs,
      connectTimeout: Math.max(1000, 4 * options.commandTimeoutMs),
      // Reconnect for ever, at most every 2 s: Redis coming back is noticed within that.
      retryStrategy: (times: number) => Math.min(100 * times, 2000),
      // Commands sent while the connection is down fail at once instead of waiting in a queue.
      maxRetriesPerRequest: 0,
      lazyConnect: true,
    };
    // ioredis emits 'error' on every failed (re)connection attempt; without a listener that would crash the process.
    this.redis = new Redis(options.url, { ...common, enableOfflineQueue: false, enableAutoPipelining: true });
    this.subscriber = new Redis(options.url, { ...common, enableOfflineQueue: true, maxRetriesPerRequest: null });
    // Usable when both connections are: an instance that cannot hear invalidations must not use the shared token.
    for (const connection of [this.redis, this.subscriber]) {
      connection.on('error', (e: Error) => this.setState('disconnected', e));
      connection.on('close', () => this.setState('disconnected'));
      connection.on('ready', () => {
        if (this.redis.status === 'ready' && this.subscriber.status === 'ready') this.setState('connected');
      });
    }
    this.subscriber.on('message', (channel: string, message: string) => {
      for (const listener of this.listeners.get(channel) ?? []) listener(message);
    });
    options.metrics.setRedisState(this.current);
  }

  /** Connects, waiting at most `waitMs`; the instance starts (answering from memory) whether Redis is there or not. */
  async connect(waitMs: number): Promise<void> {
    const connected = Promise.all([this.redis.connect(), this.subscriber.connect()]).then(
      () => true,
      () => false,
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((ok) => (timer = setTimeout(() => ok(false), waitMs)));
    const ok = await Promise.race([connected, timeout]);
    clearTimeout(timer);
    if (!ok)
      this.options.logger.warn(
        { redis: this.current },
        'Redis is not reachable at start; answering from this instance’s memory until it is',
      );
  }

  get state(): RedisState {
    return this.current;
  }

  /** The full key for `name` (prefix, namespace, name). */
  key(name: string): string {
    return `${this.prefix}${name}`;
  }

  /**
   * Runs `fn` with Redis when it is usable; `undefined` when it is not, or when the command fails or times out
   * (then Redis is marked unusable until it answers in time again). `use` names the fallback in the metrics.
   */
  async use<T>(use: SharedUse, fn: (redis: Redis) => Promise<T>): Promise<T | undefined> {
    if (!this.usable(use)) return undefined;
    try {
      return await fn(this.redis);
    } catch (e) {
      this.failed(use, e);
      return undefined;
    }
  }

  /** True when Redis may be used now; false counts a fallback to memory for `use`. */
  usable(use: SharedUse): boolean {
    if (this.current === 'connected') return true;
    this.options.metrics.sharedFallback(use);
    return false;
  }

  /**
   * A command for `use` failed and the caller answers from memory: a timeout makes Redis `degraded` until a PING
   * answers in time, a lost connection `disconnected` until ioredis reconnects.
   */
  failed(use: SharedUse, e: unknown): void {
    this.options.metrics.sharedFallback(use);
    const timedOut = e instanceof Error && e.message === 'Command timed out';
    if (timedOut) this.setState('degraded', e);
    else if (this.redis.status !== 'ready') this.setState('disconnected', e);
    else this.options.logger.warn({ err: describe(e), use }, 'Redis command failed; answering from memory');
  }

  /** Calls `listener` with every message published on `channel` (by any instance, this one included). */
  subscribe(channel: string, listener: (message: string) => void): void {
    const name = this.key(channel);
    const list = this.listeners.get(name);
    if (list) list.push(listener);
    else {
      this.listeners.set(name, [listener]);
      this.subscriber.subscribe(name).catch(() => undefined);
    }
  }

  /** Publishes to every instance; false when Redis is unusable (nobody else hears it). */
  async publish(use: SharedUse, channel: string, message: string): Promise<boolean> {
    return (await this.use(use, (r) => r.publish(this.key(channel), message))) !== undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.probe);
    this.probe = undefined;
    await Promise.all(
      [this.redis, this.subscriber].map((r) =>
        r.status === 'ready'
          ? r.quit().then(
              () => undefined,
              () => r.disconnect(),
            )
          : r.disconnect(),
      ),
    );
  }

  private setState(next: RedisState, cause?: unknown): void {
    if (this.closed) return;
    const previous = this.current;
    // A slow Redis stays degraded until the probe says otherwise, even if the connection is still up.
    if (next === 'connected' && previous === 'degraded' && cause === undefined && this.probe) return;
    if (next === previous) return;
    this.current = next;
    this.options.metrics.setRedisState(next);
    if (next === 'connected') {
      clearInterval(this.probe);
      this.probe = undefined;
      this.options.logger.info({ redis: next, was: previous }, 'Redis is usable; sharing state again');
      return;
    }
    this.options.logger.warn(
      { redis: next, was: previous, err: describe(cause) },
      'Redis is not usable; answering from this instance’s memory',
    );
    if (next === 'degraded' && !this.probe) {
      this.probe = setInterval(() => {
        this.redis.ping().then(
          () => {
            clearInterval(this.probe);
            this.probe = undefined;
            if (this.current === 'degraded') this.setState('connected');
          },
          () => undefined,
        );
      }, this.options.probeIntervalMs ?? 1000);
      this.probe.unref();
    }
  }
}

/** What a log line may say about a Redis error: its message and code, never the URL (it may carry the password). */
function describe(e: unknown): Record<string, unknown> | undefined {
  if (e === undefined) return undefined;
  if (!(e instanceof Error)) return { message: String(e) };
  const code = (e as { code?: unknown }).code;
  return { message: e.message, ...(typeof code === 'string' ? { code } : {}) };
}
