import { Observable, type OperatorFunction, type Subscriber } from 'rxjs';
import { stepObserver, type StepHandlers } from './step-observer';

/** What an operator does with its source, set up for one subscriber. */
export interface OperatorSteps<T> extends StepHandlers<T> {
  /** Runs once the source is subscribed (a timer that must come after the source's own values due at that moment). */
  subscribed?: () => void;
  /** Runs when the subscription ends, however it ends: let go of timers and inner subscriptions here. */
  finalize?: () => void;
}

/**
 * Wraps a callback the operator runs itself (a timer, a promise's settle handler) so that a throw from it errors the
 * stream, as a throw from a step does.
 */
export type Guard = <A extends unknown[]>(fn: (...args: A) => void) => (...args: A) => void;

/**
 * The one way the client writes a stateful operator. `setup` runs once per subscriber and keeps that subscriber's
 * state in its closure (two subscribers of the same stream never share it); it returns what to do with each value
 * (`out` passes results on), and optionally on the source's error or completion and at the end. A step that throws
 * errors the stream with what it threw and lets go of the source, instead of reaching RxJS's unhandled-error reporter
 * while the stream goes on; so does a callback wrapped in `guard`. Errors and completion pass straight through unless
 * handled.
 *
 * Why not `filter` + `map` with state in the enclosing function: that state would be shared by every subscriber of
 * the piped stream. Why a step observer: see `stepObserver`.
 */
export function perSubscription<T, R>(
  setup: (out: Subscriber<R>, guard: Guard) => OperatorSteps<T> | ((value: T) => void),
): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((subscriber) => {
      const guard: Guard =
        (fn) =>
        (...args) => {
          try {
            fn(...args);
          } catch (e) {
            subscriber.error(e);
          }
        };
      const steps = setup(subscriber, guard);
      const handlers = typeof steps === 'function' ? { next: steps } : steps;
      const upstream = source.subscribe(stepObserver<T>(subscriber, handlers));
      if (handlers.subscribed && !subscriber.closed) guard(handlers.subscribed)();
      const finalize = handlers.finalize;
      if (!finalize) return upstream;
      return () => {
        finalize();
        upstream.unsubscribe();
      };
    });
}
