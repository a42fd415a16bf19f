/**
 * The backoff convention shared with the middleware (docs/architecture.md, "Backoff"): the same shape, names and
 * formula as `fastify-server/src/genesys/backoff.ts`; each package keeps its own copy.
 */
export interface BackoffConfig {
  /** Delay before the first retry (ms). @default 500 */
  initialMs?: number;
  /** Cap (ms). @default 15000 */
  maxMs?: number;
  /** Share of the delay that is randomised, 0..1. @default 0.5 */
  jitter?: number;
}

/**
 * Capped exponential backoff with jitter: attempt 1 (the first retry) waits about `initialMs`, each next attempt twice
 * as long, never more than `maxMs`; up to `jitter` of it is random, so many clients dropped at once do not return at
 * once, and with a share below 1 no delay collapses to zero.
 */
export function backoffDelay(attempt: number, config: BackoffConfig = {}, random: () => number = Math.random): number {
  const initial = config.initialMs ?? 500;
  const max = config.maxMs ?? 15_000;
  const jitter = Math.min(1, Math.max(0, config.jitter ?? 0.5));
  const base = Math.min(max, initial * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (1 - jitter * random()));
}
