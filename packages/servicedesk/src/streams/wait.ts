import type { SchedulerLike, Subscription } from 'rxjs';

/**
 * Waits `ms` on the scheduler (virtual time in tests), or less when `wake` is called; resolves true when woken. The
 * one way the client's async code pauses: a retry's backoff, a rate limit's `retryAfter`, the outbox's wait for the
 * connection.
 */
export function wait(ms: number, scheduler: SchedulerLike, onWakeable?: (wake: () => void) => void): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    let timer: Subscription | undefined = undefined;
    let done = false;
    const finish = (woken: boolean) => {
      if (done) return;
      done = true;
      timer?.unsubscribe();
      resolve(woken);
    };
    onWakeable?.(() => finish(true));
    if (!done) timer = scheduler.schedule(() => finish(false), ms);
  });
}
