import type { CallOptions, GenesysPlatform } from '../genesys/platform-client';

export interface QueueDirectoryOptions {
  platform: Pick<GenesysPlatform, 'findQueueIdByName'>;
  /** How long a name → id answer is kept. @default 600000 (10 min) */
  ttlMs: number;
  /** How long "no such queue" is kept. @default 60000 */
  notFoundTtlMs?: number;
  now?: () => number;
}

/**
 * Queue name → id, looked up once and cached (queues are rarely renamed; docs/platform-api.md, "Queues"). Concurrent
 * lookups of one name share a single upstream search.
 */
export class QueueDirectory {
  private readonly cache = new Map<string, { id: string | null; expiresAt: number }>();
  private readonly inflight = new Map<string, Promise<string | null>>();
  private readonly now: () => number;

  constructor(private readonly options: QueueDirectoryOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The queue's id, or null when Genesys has no queue of exactly that name. */
  resolve(name: string, callOptions?: CallOptions): Promise<string | null> {
    const hit = this.cache.get(name);
    if (hit && this.now() < hit.expiresAt) return Promise.resolve(hit.id);
    const running = this.inflight.get(name);
    if (running) return running;
    const lookup = this.options.platform
      .findQueueIdByName(name, callOptions)
      .then((id) => {
        const ttl =
          id === null ? Math.min(this.options.ttlMs, this.options.notFoundTtlMs ?? 60_000) : this.options.ttlMs;
        this.cache.set(name, { id, expiresAt: this.now() + ttl });
        return id;
      })
      .finally(() => this.inflight.delete(name));
    this.inflight.set(name, lookup);
    return lookup;
  }

  /** Takes an id another instance looked up (shared state), as if this one had. */
  remember(name: string, id: string): void {
    this.cache.set(name, { id, expiresAt: this.now() + this.options.ttlMs });
  }

  /** Drops a cached answer (the queue answered 404: deleted or renamed). */
  forget(name: string): void {
    this.cache.delete(name);
  }
}
