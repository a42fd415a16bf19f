/**
 * Deadlines are points on the monotonic clock (`performance.now()`, ms), not on the wall clock: a request's time
 * budget must not stretch or shrink when the system clock is adjusted, nor follow the clock tests move for cache ages.
 */

/** The deadline `ms` from now. */
export function deadlineAfter(ms: number): number {
  return performance.now() + ms;
}

/** Milliseconds left until `deadline` (negative once it has passed). */
export function timeLeft(deadline: number): number {
  return deadline - performance.now();
}

/**
 * Settles like `work`, or rejects with `expired()` when `deadline` comes first. `work` is not cancelled (the SDK
 * takes no signal); it ends by its own request timeout, and its outcome is then ignored.
 */
export function beforeDeadline<T>(work: Promise<T>, deadline: number, expired: () => Error): Promise<T> {
  const left = timeLeft(deadline);
  if (left <= 0) {
    work.catch(() => undefined);
    return Promise.reject(expired());
  }
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      work.catch(() => undefined);
      reject(expired());
    }, left);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
