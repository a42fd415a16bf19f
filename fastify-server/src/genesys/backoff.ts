export interface BackoffOptions {
  /** Delay before the first retry (ms). */
  baseMs: number;
  /** Upper bound of any delay (ms). @default 5000 */
  capMs?: number;
}

/**
 * Capped exponential backoff with "equal jitter": half the delay is fixed, half random, so retries from several
 * processes spread out but never collapse to zero. `attempt` counts from 0 (the first retry).
 */
export function backoffDelay(
  attempt: number,
  { baseMs, capMs = 5000 }: BackoffOptions,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
