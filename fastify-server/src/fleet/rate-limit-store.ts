import type { FastifyRateLimitOptions, FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { SharedState } from './shared-state';

type Callback = Parameters<FastifyRateLimitStore['incr']>[1];
type StoreArgs = [continueExceeding: boolean, exponentialBackoff: boolean];
type ChildOptions = Parameters<FastifyRateLimitStore['child']>[0];
/** What the plugin passes a store's constructor (its merged parameters; the published type lists fewer). */
type StoreOptions = FastifyRateLimitOptions & {
  continueExceeding?: boolean;
  exponentialBackoff?: boolean;
  cache?: number;
};

// The plugin's own two stores, used as they are: its Redis store (one Lua script per hit, counted in Redis) and its
// in-memory LRU store. They are not exported from the package's entry point, hence the paths.
/* eslint-disable @typescript-eslint/no-require-imports */
const RedisStore = require('@fastify/rate-limit/store/RedisStore') as new (
  ...args: [...StoreArgs, redis: SharedState['redis'], key: string]
) => FastifyRateLimitStore;
const LocalStore = require('@fastify/rate-limit/store/LocalStore') as new (
  ...args: [...StoreArgs, cache?: number]
) => FastifyRateLimitStore;
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Rate-limit counts in Redis, shared by every instance, while Redis is usable; in this instance's memory while it is
 * not (down, or slower than the command timeout), so that a request never waits for Redis nor fails because of it.
 * During an outage each instance counts alone, so the fleet allows up to one limit per instance.
 */
export function sharedRateLimitStore(shared: SharedState, nameSpace: string): FastifyRateLimitStoreCtor {
  class SharedRateLimitStore implements FastifyRateLimitStore {
    constructor(
      options: StoreOptions,
      private readonly redis: FastifyRateLimitStore = new RedisStore(
        options.continueExceeding ?? false,
        options.exponentialBackoff ?? false,
        shared.redis,
        nameSpace,
      ),
      private readonly local: FastifyRateLimitStore = new LocalStore(
        options.continueExceeding ?? false,
        options.exponentialBackoff ?? false,
        options.cache,
      ),
    ) {}

    incr(key: string, callback: Callback, timeWindow: number, max: number): void {
      if (!shared.usable('rate-limit')) return this.local.incr(key, callback, timeWindow, max);
      this.redis.incr(
        key,
        (error, result) => {
          if (!error) return callback(null, result);
          shared.failed('rate-limit', error);
          this.local.incr(key, callback, timeWindow, max);
        },
        timeWindow,
        max,
      );
    }

    child(routeOptions: ChildOptions): FastifyRateLimitStore {
      const options = routeOptions as unknown as StoreOptions;
      return new SharedRateLimitStore(options, this.redis.child(routeOptions), this.local.child(routeOptions));
    }
  }
  return SharedRateLimitStore;
}
