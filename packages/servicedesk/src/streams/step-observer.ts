import type { Observer, Subscriber } from 'rxjs';

export interface StepHandlers<T> {
  next: (value: T) => void;
  /** Instead of passing the error on to the destination. */
  error?: (err: unknown) => void;
  /** Instead of passing completion on to the destination. */
  complete?: () => void;
}

/**
 * The observer an operator subscribes to its source with: every value goes to `next`, and a throw from it (or from the
 * error or completion handler) errors the destination, as a throwing `map` does; errors and completion pass on to the
 * destination unless handled here. Without the `try`, a throw from an observer goes to RxJS's unhandled-error reporter
 * while the stream goes on. The caller returns the source's subscription from its `Observable` constructor, so
 * unsubscribing downstream lets go of the source; RxJS's own subscriber for this observer ignores anything the source
 * sends after it errored or completed.
 */
export function stepObserver<T>(
  destination: Subscriber<never>,
  handlers: StepHandlers<T> | ((value: T) => void),
): Observer<T> {
  const h = typeof handlers === 'function' ? { next: handlers } : handlers;
  const step = h.next;
  const onError = h.error;
  const onComplete = h.complete;
  return {
    next: (value) => {
      try {
        step(value);
      } catch (err) {
        destination.error(err);
      }
    },
    error: (err: unknown) => {
      if (!onError) return destination.error(err);
      try {
        onError(err);
      } catch (thrown) {
        destination.error(thrown);
      }
    },
    complete: () => {
      if (!onComplete) return destination.complete();
      try {
        onComplete();
      } catch (thrown) {
        destination.error(thrown);
      }
    },
  };
}
