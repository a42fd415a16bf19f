import { Observable, isObservable, type OperatorFunction, type Subscription } from 'rxjs';
import { stepSubscriber } from './step-subscriber';

export interface InOrderHandler<T> {
  /**
   * Handles one value. A returned promise holds the next value back until it settles; so does a returned observable,
   * until it completes (at once, synchronously, if it completes while subscribed to).
   */
  handle: (value: T) => unknown;
  /** The handler returned, or its promise resolved. */
  handled?: (value: T) => void;
  /** The handler threw or its promise rejected: that value is given up, the next one is handled. */
  failed: (value: T, error: unknown) => void;
  /** Every value received so far has been handled (called once each time the backlog empties). */
  idle?: () => void;
}

function isThenable(r: unknown): r is PromiseLike<unknown> {
  // A native promise (what hosts return) first: one prototype check instead of a property lookup.
  if (r instanceof Promise) return true;
  return (
    r !== null &&
    (typeof r === 'object' || typeof r === 'function') &&
    typeof (r as { then?: unknown }).then === 'function'
  );
}

/**
 * Handles the values of the source one at a time and in order, with a handler that may return a promise (or an
 * observable): what
 * `concatMap(v => defer(() => from(handle(v))).pipe(catchError(...)))` does, without an inner subscription, a
 * promise and a microtask for every value. A value whose handler returns synchronously costs one call; while a
 * returned promise is pending, later values wait in a queue that is drained in a loop. A failing handler never stops
 * the stream. Emits nothing; completes when the source has completed and every value was handled; a source error
 * is passed on at once (as `concatMap` does). Unsubscribing drops whatever still waits.
 */
export function handleInOrder<T>(h: InOrderHandler<T>): OperatorFunction<T, never> {
  return (source) =>
    new Observable<never>((subscriber) => {
      const queue: T[] = [];
      let head = 0;
      let pending = false;
      let draining = false;
      let sourceDone = false;

      // One value is pending at a time: its settle handlers are made once, not for every value.
      let current: T | undefined;
      const resolved = () => {
        if (!subscriber.closed) h.handled?.(current as T);
        pending = false;
        drain();
      };
      const rejected = (e: unknown) => {
        if (!subscriber.closed) h.failed(current as T, e);
        pending = false;
        drain();
      };
      let inner: Subscription | undefined;
      const run = (value: T) => {
        let r: unknown;
        try {
          r = h.handle(value);
        } catch (e) {
          h.failed(value, e);
          return;
        }
        if (isThenable(r)) {
          pending = true;
          current = value;
          r.then(resolved, rejected);
        } else if (isObservable(r)) {
          pending = true;
          current = value;
          inner = r.subscribe({ error: rejected, complete: resolved });
        } else {
          h.handled?.(value);
        }
      };
      /** Handles `value` first when `now` (it did not need to wait), then what is queued, until empty or pending. */
      const drain = (now = false, value?: T) => {
        if (draining || subscriber.closed) return;
        draining = true;
        try {
          if (now) run(value as T);
          while (!pending && head < queue.length && !subscriber.closed) {
            const next = queue[head] as T;
            queue[head++] = undefined as T;
            run(next);
          }
        } finally {
          draining = false;
        }
        if (pending || subscriber.closed) return;
        if (head > 0) {
          queue.length = 0;
          head = 0;
        }
        h.idle?.();
        if (sourceDone) subscriber.complete();
      };

      const sub = source.subscribe(
        stepSubscriber<T>(subscriber, {
          next: (value) => {
            // Nothing waits and nothing is being handled: this value goes first, without a trip through the queue.
            if (!pending && !draining && head === queue.length) drain(true, value);
            else {
              queue.push(value);
              drain();
            }
          },
          complete: () => {
            sourceDone = true;
            drain();
          },
        }),
      );
      return () => {
        inner?.unsubscribe();
        sub.unsubscribe();
        queue.length = 0;
      };
    });
}
