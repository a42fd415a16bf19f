import { isObservable, type OperatorFunction, type Subscription } from 'rxjs';
import { perSubscription } from './per-subscription';

export interface InOrderHandler<T> {
  /**
   * Handles one value. A returned promise holds the next value back until it settles; so does a returned observable,
   * until it completes (at once, synchronously, if it completes while subscribed to).
   */
  handle: (value: T) => unknown;
  /**
   * Values that waited in the backlog and may be handled in one go: a run of values at the head of the backlog of
   * which each `joins` the first (at most `max`) goes to `handle` together, once. Their `handled` or `failed` is told
   * for each, in order. A value that did not wait (nothing pending before it) is always handled alone.
   */
  together?: {
    joins: (value: T, first: T) => boolean;
    max: number;
    handle: (values: readonly T[]) => unknown;
  };
  /** The handler returned, or its promise resolved. */
  handled?: (value: T) => void;
  /**
   * After values were handled (one, or several `together`): a promise that holds the next value back until it
   * settles, or nothing. What arrives meanwhile waits in the backlog, where `together` may join it.
   */
  pauseAfter?: (values: readonly T[]) => PromiseLike<unknown> | undefined;
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

    const resolved = (values: readonly T[]) => {
      pending = false;
      if (out.closed) return;
      succeeded(values);
      drain();
    };
    /** Tells `handled`, then holds the next value back for as long as `pauseAfter` asks. */
    const succeeded = (values: readonly T[]) => {
      for (const v of values) h.handled?.(v);
      const pause = h.pauseAfter?.(values);
      if (!pause) return;
      pending = true;
      pause.then(
        guard(() => {
          pending = false;
          drain();
        }),
        guard(() => {
          pending = false;
          drain();
        }),
      );
    };
    const rejected = (values: readonly T[], e: unknown) => {
      pending = false;
      if (!out.closed) for (const v of values) h.failed(v, e);
      drain();
    };
    /** Runs the handler of one value, or of several values together. */
    const run = (values: readonly T[], handle: () => unknown) => {
      let r: unknown;
      try {
        r = handle();
      } catch (e) {
        for (const v of values) h.failed(v, e);
        return;
      }
      if (isPromiseLike(r)) {
        pending = true;
        r.then(
          guard(() => resolved(values)),
          guard((e: unknown) => rejected(values, e)),
        );
      } else if (isObservable(r)) {
        pending = true;
        inner = r.subscribe({
          complete: guard(() => resolved(values)),
          error: guard((e: unknown) => rejected(values, e)),
        });
      } else {
        succeeded(values);
      }
    };
    /** The values at the head of the backlog that are handled together with the first (just the first without `together`). */
    const takeRun = (): T[] => {
      const first = queue[head] as T;
      const values = [first];
      queue[head++] = undefined as T; // handled values are not kept
      const t = h.together;
      while (t && values.length < t.max && head < queue.length && t.joins(queue[head] as T, first)) {
        values.push(queue[head] as T);
        queue[head++] = undefined as T;
      }
      return values;
    };
    /** Handles what is queued, until the queue is empty or a value is pending; then tells `idle`. */
    const drain = () => {
      if (draining) return; // a handler gave the source a value: the loop below takes it
      draining = true;
      try {
        while (!pending && head < queue.length && !out.closed) {
          const values = takeRun();
          const together = h.together;
          if (values.length > 1 && together) run(values, () => together.handle(values));
          else run(values, () => h.handle(values[0] as T));
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
