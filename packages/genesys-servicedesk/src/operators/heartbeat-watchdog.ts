import { Observable, TimeoutError, asyncScheduler, type MonoTypeOperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';

export interface HeartbeatWatchdogConfig {
  /** No value for this long (from the subscription, then from each value) errors the stream. */
  timeoutMs: number;
  /**
   * For a source that should never end by itself (a socket): the error to fail with when it completes, so that a
   * clean close goes the same way as silence. Without it a completing source completes.
   */
  completeAs?: () => unknown;
  scheduler?: SchedulerLike;
}

/**
 * `timeout({ each })` for a busy stream: errors with rxjs's `TimeoutError` once no value came for `timeoutMs`. A value
 * only notes the time; the one timer, when it fires before the silence is long enough, waits for the rest. (`timeout`
 * replaces its timer on every value: one timer set and cleared per frame of the chat.)
 */
export function heartbeatWatchdog<T>(config: HeartbeatWatchdogConfig): MonoTypeOperatorFunction<T> {
  const scheduler = config.scheduler ?? asyncScheduler;
  return (source) =>
    new Observable<T>((subscriber) => {
      let lastAt = scheduler.now();
      let seen = 0;
      let lastValue: T | null = null;
      let timer: Subscription | undefined;
      const check = () => {
        const silent = scheduler.now() - lastAt;
        if (silent < config.timeoutMs) {
          timer = scheduler.schedule(check, config.timeoutMs - silent);
          return;
        }
        // As `timeout` does: let go of the source (the dead socket) first, then report.
        sub.unsubscribe();
        subscriber.error(new TimeoutError({ meta: null, lastValue, seen }));
      };
      const sub = source.subscribe({
        next: (v) => {
          lastAt = scheduler.now();
          seen++;
          lastValue = v;
          subscriber.next(v);
        },
        error: (err) => subscriber.error(err),
        complete: config.completeAs ? () => subscriber.error(config.completeAs!()) : () => subscriber.complete(),
      });
      // Scheduled after subscribing, as `timeout` does: a value due at the very moment of the deadline comes first.
      if (!subscriber.closed) timer = scheduler.schedule(check, config.timeoutMs);
      return () => {
        timer?.unsubscribe();
        sub.unsubscribe();
      };
    });
}
