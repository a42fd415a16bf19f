import { isObservable, type OperatorFunction, type Subscription } from 'rxjs';
import { perSubscription } from './per-subscription';

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

const isPromiseLike = (r: unknown): r is PromiseLike<unknown> =>
  r !== null &&
  (typeof r === 'object' || typeof r === 'function') &&
  typeof (r as { then?: unknown }).then === 'function';

/**
 * Handles the values of the source one at a time and in order, with a handler that may return a promise (or an
 * observable): what `concatMap(v => defer(() => from(handle(v))).pipe(catchError(...)))` does. Not `concatMap`: it
 * drains a backlog of values whose inner observables complete at once by recursion, one stack frame per value, so a
 * few hundred values queued behind one pending promise overflow the stack (see lookupMembers). Here the backlog is a
 * loop. A value whose handler returns synchronously is handled at once; while a returned promise is pending, later
 * values wait in a queue. A failing handler never stops the stream. Emits nothing; completes when the source has
 * completed and every value was handled; a source error is passed on at once (as `concatMap` does). Unsubscribing
 * drops whatever still waits.
 */
export function handleInOrder<T>(h: InOrderHandler<T>): OperatorFunction<T, never> {
  return perSubscription<T, never>((out, guard) => {
    const queue: T[] = [];
    let head = 0;
    /** A value's promise or observable has not settled yet: the values behind it wait. */
    let pending = false;
    let draining = false;
    let sourceDone = false;
    let inner: Subscription | undefined;

    const resolved = (value: T) => {
      pending = false;
      if (!out.closed) h.handled?.(value);
      drain();
    };
    const rejected = (value: T, e: unknown) => {
      pending = false;
      if (!out.closed) h.failed(value, e);
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
      if (isPromiseLike(r)) {
        pending = true;
        r.then(
          guard(() => resolved(value)),
          guard((e: unknown) => rejected(value, e)),
        );
      } else if (isObservable(r)) {
        pending = true;
        inner = r.subscribe({
          complete: guard(() => resolved(value)),
          error: guard((e: unknown) => rejected(value, e)),
        });
      } else {
        h.handled?.(value);
      }
    };
    /** Handles what is queued, until the queue is empty or a value is pending; then tells `idle`. */
    const drain = () => {
      if (draining) return; // a handler gave the source a value: the loop below takes it
      draining = true;
      try {
        while (!pending && head < queue.length && !out.closed) {
          const value = queue[head] as T;
          queue[head++] = undefined as T; // handled values are not kept
          run(value);
        }
      } finally {
        draining = false;
      }
      if (pending || out.closed) return;
      queue.length = 0;
      head = 0;
      h.idle?.();
      if (sourceDone) out.complete();
    };

    return {
      next: (value) => {
        queue.push(value);
        drain();
      },
      complete: () => {
        sourceDone = true;
        drain();
      },
      finalize: () => {
        inner?.unsubscribe();
        queue.length = 0;
      },
    };
  });
}
