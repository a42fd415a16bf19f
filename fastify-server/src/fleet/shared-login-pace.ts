import { randomBytes } from 'node:crypto';
import {
  LOGIN_ATTEMPTS_PER_WINDOW,
  LOGIN_WINDOW_MS,
  loginPauseMs,
  type LoginAdmission,
  type LoginPaceStore,
} from '../genesys/login-pace';
import type { UpstreamFailure } from '../genesys/upstream-error';
import type { SharedState } from './shared-state';

// KEYS: attempts (sorted set of attempt times), pause (hash: until, failures, failure).
// ARGV: now, window (ms), limit, member. Returns {admitted, retry in ms, last failure JSON}.
const ADMIT = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local pausedUntil = tonumber(redis.call('HGET', KEYS[2], 'until') or '0') or 0
local failure = redis.call('HGET', KEYS[2], 'failure') or ''
if now < pausedUntil then return {0, tostring(pausedUntil - now), failure} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, tostring(tonumber(oldest[2]) + window - now), failure}
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], window)
return {1, '0', ''}`;

// KEYS: pause. ARGV: until, failure JSON, key lifetime (ms). The pause is only ever moved later.
const PAUSE = `
local pausedUntil = tonumber(redis.call('HGET', KEYS[1], 'until') or '0') or 0
if tonumber(ARGV[1]) > pausedUntil then redis.call('HSET', KEYS[1], 'until', ARGV[1]) end
redis.call('HSET', KEYS[1], 'failure', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;

/**
 * The login pace of every instance sharing one OAuth client, under `<prefix><org>:login-pace:<client id>:*`. The
 * failures in a row are counted in Redis too, so the pause grows with the fleet's failures, not each instance's.
 * The keys expire a minute after the last pause ends, so a healed fleet leaves nothing behind.
 */
export function redisLoginPace(shared: SharedState, clientId: string): LoginPaceStore {
  const attemptsKey = shared.key(`login-pace:${clientId}:attempts`);
  const pauseKey = shared.key(`login-pace:${clientId}:pause`);
  const owner = randomBytes(6).toString('base64url');
  let sequence = 0;

  return {
    admit: (now) =>
      shared.use('token', async (redis): Promise<LoginAdmission> => {
        sequence += 1;
        const [admitted, retryIn, failure] = (await redis.eval(
          ADMIT,
          2,
          attemptsKey,
          pauseKey,
          String(Math.floor(now)),
          String(LOGIN_WINDOW_MS),
          String(LOGIN_ATTEMPTS_PER_WINDOW),
          `${owner}:${sequence}`,
        )) as [number, string, string];
        if (admitted === 1) return { admitted: true };
        return { admitted: false, retryInMs: Math.max(0, Number(retryIn)), failure: parseFailure(failure) };
      }),

    failed: (now, failure) =>
      shared.use('token', async (redis) => {
        const failures = await redis.hincrby(pauseKey, 'failures', 1);
        const pause = loginPauseMs(failures, failure);
        await redis.eval(PAUSE, 1, pauseKey, String(Math.ceil(now + pause)), JSON.stringify(failure), pause + 60_000);
        return pause;
      }),

    async succeeded() {
      await shared.use('token', (redis) => redis.del(pauseKey));
    },
  };
}

/** A stored failure, or undefined when there is none or it is not one (another version's format). */
function parseFailure(json: string): UpstreamFailure | undefined {
  if (json === '') return undefined;
  try {
    const f = JSON.parse(json) as UpstreamFailure;
    return typeof f === 'object' && f !== null && typeof f.kind === 'string' ? f : undefined;
  } catch {
    return undefined;
  }
}
