import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { ServiceDeskError } from '../errors';
import { backoffDelay, type BackoffConfig } from '../streams/backoff';
import { wait } from '../streams/wait';
import { isRateLimited } from './rate-limit';

export interface TransientRetryConfig {
  /** Tries in all, the first included. @default 4 */
  attempts?: number | undefined;
  backoff?: BackoffConfig | undefined;
  scheduler?: SchedulerLike | undefined;
}

/**
 * A failure that may pass by itself: Genesys unavailable (5xx, no answer) or the socket away for a moment. Not a rate
 * limit (429): the transport already waited Genesys' `retryAfter` and tried again (`rate-limit.ts`), and a second
 * layer of retries would multiply the sends.
 */
export function isTransient(e: unknown): boolean {
  return (
    e instanceof ServiceDeskError &&
    (e.code === 'GENESYS_UNAVAILABLE' || e.code === 'SOCKET_FAILED') &&
    !isRateLimited(e)
  );
}

/**
 * Runs `run`, and again after a backoff while it fails transiently, a few times; a refusal, or the last transient
 * failure, rejects. For the calls a chat cannot do without (the summary the agent reads first).
 */
export async function retryTransient<T>(run: () => Promise<T>, config: TransientRetryConfig = {}): Promise<T> {
  const attempts = Math.max(1, config.attempts ?? 4);
  const scheduler = config.scheduler ?? asyncScheduler;
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (e) {
      if (attempt >= attempts || !isTransient(e)) throw e;
      await wait(backoffDelay(attempt, config.backoff), scheduler);
    }
  }
}
