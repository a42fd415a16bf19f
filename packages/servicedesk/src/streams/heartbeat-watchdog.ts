import {
  TimeoutError,
  asyncScheduler,
  type MonoTypeOperatorFunction,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import { perSubscription } from './per-subscription';

export interface HeartbeatWatchdogConfig {
  /**
   * No value for this long (from the subscription, then from each value) errors the stream; the silence is noticed
   * within `1 / checksPerTimeout` of this more.
   */
  timeoutMs: number;
  /** How often per `timeoutMs` the one timer looks whether values came. @default 8 */
  checksPerTimeout?: number;
  /**
   * For a source that should never end by itself (a socket): the error to fail with when it completes, so that a
   * clean close goes the same way as silence. Without it a completing source completes.
   */
  completeAs?: () => unknown;
  scheduler?: SchedulerLike;
}

/**
 * `timeout({ each })` for a busy stream: errors with rxjs's `TimeoutError` once no value came for `timeoutMs`. A value
 * is only counted: one timer looks every `timeoutMs / checksPerTimeout` whether the count moved, and the silence
 * counts from the first look after the last value. So a silence shorter than `timeoutMs` never errors the stream, and
 * one of `timeoutMs` plus one look's period always does (for the transport's 75 s: at some point from 75 to 84 s).
 * Not `timeout` itself: it sets and clears a timer for every value, and this runs for every frame of the socket
 * (BENCHMARKS.md, "Event pipeline: history").
 */
export function heartbeatWatchdog<T>(config: HeartbeatWatchdogConfig): MonoTypeOperatorFunction<T> {
  const scheduler = config.scheduler ?? asyncScheduler;
  const checks = config.checksPerTimeout ?? 8;
  if (!(config.timeoutMs > 0) || !Number.isInteger(checks) || checks < 1) {
    throw new RangeError(
      `heartbeatWatchdog needs timeoutMs > 0 and a positive integer checksPerTimeout (got ${config.timeoutMs}, ${checks})`,
    );
  }
  const period = config.timeoutMs / checks;
  const completeAs = config.completeAs;
  return perSubscription<T, T>((out, guard) => {
    let seen = 0;
    let seenAtLastLook = 0;
    /** When the silence began, as far as the looks can tell. */
    let silentSince = scheduler.now();
    let lastValue: T | null = null;
    let timer: Subscription | undefined;
    const look = guard(() => {
      const now = scheduler.now();
      if (seen !== seenAtLastLook) {
        seenAtLastLook = seen;
        silentSince = now;
      } else if (now - silentSince >= config.timeoutMs) {
        out.error(new TimeoutError({ meta: null, lastValue, seen }));
        return;
      }
      timer = scheduler.schedule(look, period);
    });
    return {
      next: (v) => {
        seen++;
        lastValue = v;
        out.next(v);
      },
      ...(completeAs ? { complete: () => out.error(completeAs()) } : {}),
      // After subscribing, as `timeout` does: a value due at the very moment of a look comes first.
      subscribed: () => (timer = scheduler.schedule(look, period)),
      finalize: () => timer?.unsubscribe(),
    };
  });
}
