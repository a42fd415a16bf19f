import { randomBytes } from 'node:crypto';
import type { UpstreamFailure } from '../genesys/upstream-error';
import type { SharedState } from './shared-state';

/** A queue's availability as the fleet shares it in Redis (times in ms since the epoch, by the instances' clocks). */
export interface SharedQueueState {
  observations?: { at: number; value: SharedObservations };
  waitTime?: { at: number; value: number | null };
  queueId?: string;
  missing?: boolean;
  lastAttemptAt: number;
  nextAttemptAt: number;
  lastError?: { operation: string; failure: UpstreamFailure; attempts: number };
}

/** An observation summary in JSON: positions as entries. */
export interface SharedObservations {
  onQueueAgents: number;
  agentsByStatus: Record<string, number>;
  waiting: number;
  positions: Array<[string, number]>;
  truncated: boolean;
}

export interface Lease {
  /** This instance refreshes the queue for the fleet now. */
  acquired: boolean;
  /** No instance starts another refresh before this. */
  until: number;
  /** The last state any instance stored, if any. */
  state: SharedQueueState | null;
}

/**
 * One upstream refresh per queue per interval across every instance. The lease is a gate in Redis holding the time
 * until which nobody else may refresh; the instance that opens it refreshes, stores the snapshot for the others and
 * extends the gate to its next allowed attempt (several calls made, or a Retry-After). The gate holds a time, not a
 * holder: an instance that dies mid-refresh leaves a gate that opens by itself after one interval.
 * `undefined` from either method means Redis is unusable: the caller acts as a single instance.
 */
export interface AvailabilityLease {
  acquire(queueName: string, now: number, until: number): Promise<Lease | undefined>;
  publish(queueName: string, state: SharedQueueState): Promise<void>;
}

// KEYS: gate, state. ARGV: now, until, owner, key lifetime (ms), latest gate end believed. The gate's value is
// "<until>:<owner>". A gate ending later than any pause allows (set by an instance that did not bound its pauses)
// counts as open.
const ACQUIRE = `
local gate = redis.call('GET', KEYS[1])
local gateUntil = 0
if gate then gateUntil = tonumber(string.match(gate, '^(%d+)')) or 0 end
local acquired = 0
if gateUntil <= tonumber(ARGV[1]) or gateUntil > tonumber(ARGV[5]) then
  redis.call('SET', KEYS[1], ARGV[2] .. ':' .. ARGV[3], 'PX', ARGV[4])
  acquired = 1
  gateUntil = tonumber(ARGV[2])
end
return {acquired, tostring(gateUntil), redis.call('GET', KEYS[2]) or ''}`;

// KEYS: gate, state. ARGV: state JSON, next attempt, owner, key lifetime (ms). The gate is only ever moved later.
const PUBLISH = `
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[4])
local gate = redis.call('GET', KEYS[1])
local gateUntil = 0
if gate then gateUntil = tonumber(string.match(gate, '^(%d+)')) or 0 end
if tonumber(ARGV[2]) > gateUntil then
  redis.call('SET', KEYS[1], ARGV[2] .. ':' .. ARGV[3], 'PX', ARGV[4])
end
return 1`;

/**
 * The lease and the snapshots under `<prefix><org>:availability:<queue name>:{gate,state}`. Keys expire after
 * `keyLifetimeMs` (longer than any value may be served), so a queue nobody asks for any more leaves nothing behind.
 */
export function redisAvailabilityLease(
  shared: SharedState,
  keyLifetimeMs: number,
  /** The furthest ahead a gate may be set: the longest pause (a capped Retry-After, a minute's calls) and an interval. */
  maxGateAheadMs: number,
): AvailabilityLease {
  const owner = randomBytes(6).toString('base64url');
  const keys = (queueName: string) => {
    const base = shared.key(`availability:${encodeURIComponent(queueName)}`);
    return [`${base}:gate`, `${base}:state`] as const;
  };
  return {
    acquire: (queueName, now, until) =>
      shared.use('availability', async (redis) => {
        const [gate, state] = keys(queueName);
        const [acquired, gateUntil, json] = (await redis.eval(
          ACQUIRE,
          2,
          gate,
          state,
          String(Math.floor(now)),
          String(Math.ceil(until)),
          owner,
          String(keyLifetimeMs),
          String(Math.ceil(now + maxGateAheadMs)),
        )) as [number, string, string];
        return { acquired: acquired === 1, until: Number(gateUntil), state: parseState(json) };
      }),

    async publish(queueName, state) {
      await shared.use('availability', (redis) => {
        const [gate, key] = keys(queueName);
        return redis.eval(
          PUBLISH,
          2,
          gate,
          key,
          JSON.stringify(state),
          String(Math.ceil(state.nextAttemptAt)),
          owner,
          String(keyLifetimeMs),
        );
      });
    },
  };
}

/** A stored state, or null when there is none or it is not one (another version's format): then it is ignored. */
function parseState(json: string): SharedQueueState | null {
  if (json === '') return null;
  try {
    const s = JSON.parse(json) as SharedQueueState;
    return typeof s.lastAttemptAt === 'number' && typeof s.nextAttemptAt === 'number' ? s : null;
  } catch {
    return null;
  }
}
