import { Observable, type OperatorFunction } from 'rxjs';

export interface InOrderHandler<T> {
  /** Handles one value; a returned promise holds the next value back until it settles. */
  handle: (value: T) => unknown;
  /** The handler returned, or its promise resolved. */
  handled?: (value: T) => void;
  /** The handler threw or its promise rejected: that value is given up, the next one is handled. */
  failed: (value: T, error: unknown) => void;
  /** Every value received so far has been handled (called once each time the backlog empties). */
  idle?: () => void;
}

function isThenable(r: unknown): r is PromiseLike<unknown> {
  return r !== null && (typeof r === 'object' || typeof r === 'function') && typeof (r as { then?: unknown }).then === 'function';
}

/**
 * Handles the values of the source one at a time and in order, with a handler that may return a promise: what
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
      const run = (value: T) => {
        let r: unknown;
        try {
          r = h.handle(value);
        } catch (e) {
          h.failed(value, e);
          return;
        }
        if (!isThenable(r)) {
          h.handled?.(value);
          return;
        }
        pending = true;
        current = value;
        r.then(resolved, rejected);
      };
      const drain = () => {
        if (draining || subscriber.closed) return;
        draining = true;
        try {
          while (!pending && head < queue.length && !subscriber.closed) {
            const value = queue[head] as T;
            queue[head++] = undefined as T;
            run(value);
          }
        } finally {
          draining = false;
        }
        if (pending || subscriber.closed) return;
        queue.length = 0;
        head = 0;
        h.idle?.();
        if (sourceDone) subscriber.complete();
      };

      const sub = source.subscribe({
        next: (value) => {
          queue.push(value);
          drain();
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => {
          sourceDone = true;
          drain();
        },
      });
      return () => {
        sub.unsubscribe();
        queue.length = 0;
      };
    });
}
