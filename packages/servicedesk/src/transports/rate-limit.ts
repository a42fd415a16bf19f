import type { SchedulerLike } from 'rxjs';
import { ServiceDeskError } from '../errors';
import { wait } from '../streams/wait';

/**
 * How often a request Genesys refused with 429 is sent again, each time after the wait Genesys named (`retryAfter`,
 * 1 s when it named none). The one layer that retries a rate limit, on both channels: the outbox and `retryTransient`
 * take a 429 that got through as final, so one message is sent at most `1 + RATE_LIMIT_RETRIES` times.
 */
export const RATE_LIMIT_RETRIES = 3;

/** The longest `retryAfter` waited for: a message Genesys wants held longer fails now rather than hang unseen. */
export const MAX_RETRY_AFTER_MS = 10_000;

/** Genesys refused for its rate limit (429). */
export function isRateLimited(e: unknown): e is ServiceDeskError {
  return e instanceof ServiceDeskError && e.status === 429;
}

/**
 * Runs `run`, and again after Genesys' `retryAfter` while it is refused with 429, at most `RATE_LIMIT_RETRIES` times
 * and never after a wait longer than `MAX_RETRY_AFTER_MS`.
 */
export async function retryRateLimited<T>(run: () => Promise<T>, scheduler: SchedulerLike): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await run();
    } catch (e) {
      const ms = isRateLimited(e) ? (e.retryAfterMs ?? 1000) : Number.POSITIVE_INFINITY;
      if (attempt >= RATE_LIMIT_RETRIES || ms > MAX_RETRY_AFTER_MS) throw e;
      await wait(ms, scheduler);
    }
  }
}
