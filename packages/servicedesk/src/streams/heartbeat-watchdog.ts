import {
  Observable,
  TimeoutError,
  asyncScheduler,
  type MonoTypeOperatorFunction,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import { stepSubscriber } from './step-subscriber';

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
 * one of `timeoutMs` plus one look's period always does (for the transport's 75 s: at some point from 75 to 84 s). (`timeout` replaces its timer on every
 * value, one timer set and cleared per frame; noting the time of every value instead cost a clock read per frame, a
 * measurable part of the client's whole per-frame cost, bench/client-pipeline.ts.)
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
  return (source) =>
    new Observable<T>((subscriber) => {
      let seen = 0;
      let seenAtLastLook = 0;
      /** When the silence began, as far as the looks can tell. */
      let silentSince = scheduler.now();
      let lastValue: T | null = null;
      let timer: Subscription | undefined;
      const look = () => {
        const now = scheduler.now();
        if (seen !== seenAtLastLook) {
          seenAtLastLook = seen;
          silentSince = now;
        } else if (now - silentSince >= config.timeoutMs) {
          // As `timeout` does: let go of the source (the dead socket) first, then report.
          sub.unsubscribe();
          subscriber.error(new TimeoutError({ meta: null, lastValue, seen }));
          return;
        }
        timer = scheduler.schedule(look, period);
      };
      const completeAs = config.completeAs;
      const sub = source.subscribe(
        stepSubscriber<T>(subscriber, {
          next: (v) => {
            seen++;
            lastValue = v;
            subscriber.next(v);
          },
          ...(completeAs ? { complete: () => subscriber.error(completeAs()) } : {}),
        }),
      );
      // Scheduled after subscribing, as `timeout` does: a value due at the very moment of a look comes first.
      if (!subscriber.closed) timer = scheduler.schedule(look, period);
      return () => {
        timer?.unsubscribe();
        sub.unsubscribe();
      };
    });
}
