import { createHash, randomBytes } from 'node:crypto';
import type { SharedState } from './shared-state';

/** A token as the fleet shares it (times in ms since the epoch). */
export interface StoredToken {
  token: string;
  refreshAt: number;
  expiresAt: number;
}

/**
 * The fleet's one client-credentials token in Redis. `undefined` from any method means "Redis is not usable right
 * now": the caller then does what a single instance does.
 */
export interface SharedTokenStore {
  read(): Promise<StoredToken | null | undefined>;
  /** True: this instance logs in for everyone (for at most `ms`); false: another instance is logging in. */
  claimRenewal(ms: number): Promise<boolean | undefined>;
  /** Stores a new token and lets go of the renewal claim. */
  write(token: StoredToken): Promise<void>;
  /** Lets go of the renewal claim without a token (the login failed). */
  releaseRenewal(): Promise<void>;
  /** Drops `token` for every instance, if it is still the stored one, and tells them all. */
  invalidate(token: string): Promise<void>;
  /** Called with the fingerprint of every token some instance invalidated. */
  onInvalidated(listener: (fingerprint: string) => void): void;
}

/** Compares without the token itself travelling over pub/sub. */
export const tokenFingerprint = (token: string) => createHash('sha256').update(token).digest('base64url').slice(0, 22);

const CHANNEL = 'token-invalidated';

// Deletes the token only if it is still the one that failed: an instance whose request raced a renewal must not
// throw away the new token.
const COMPARE_AND_DELETE = `
if redis.call('HGET', KEYS[1], 'token') == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/** The token under `<prefix><org>:token:<client id>` (a hash expiring with the token), the claim beside it. */
export function redisTokenStore(shared: SharedState, clientId: string): SharedTokenStore {
  const key = shared.key(`token:${clientId}`);
  const claimKey = shared.key(`token:${clientId}:renewing`);
  // Identifies this instance's claim, so that it only ever deletes its own.
  const owner = randomBytes(9).toString('base64url');

  return {
    read: () =>
      shared.use('token', async (redis) => {
        const h = await redis.hgetall(key);
        const refreshAt = Number(h['refreshAt']);
        const expiresAt = Number(h['expiresAt']);
        if (!h['token'] || !Number.isFinite(refreshAt) || !Number.isFinite(expiresAt)) return null;
        return { token: h['token'], refreshAt, expiresAt };
      }),

    claimRenewal: (ms) =>
      shared.use('token', async (redis) => (await redis.set(claimKey, owner, 'PX', ms, 'NX')) === 'OK'),

    async write(t) {
      await shared.use('token', async (redis) => {
        await redis
          .multi()
          .hset(key, { token: t.token, refreshAt: String(t.refreshAt), expiresAt: String(t.expiresAt) })
          .pexpireat(key, t.expiresAt)
          .eval(RELEASE, 1, claimKey, owner)
          .exec();
      });
    },

    async releaseRenewal() {
      await shared.use('token', (redis) => redis.eval(RELEASE, 1, claimKey, owner));
    },

    async invalidate(token) {
      await shared.use('token', (redis) => redis.eval(COMPARE_AND_DELETE, 1, key, token));
      await shared.publish('token', CHANNEL, tokenFingerprint(token));
    },

    onInvalidated(listener) {
      shared.subscribe(CHANNEL, listener);
    },
  };
}
