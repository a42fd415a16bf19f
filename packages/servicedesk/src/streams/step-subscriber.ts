import { Subscriber } from 'rxjs';

export interface StepHandlers<T> {
  next: (value: T) => void;
  /** Instead of passing the error on to the destination (this subscriber is closed after it either way). */
  error?: (err: unknown) => void;
  /** Instead of passing completion on to the destination (this subscriber is closed after it either way). */
  complete?: () => void;
}

/**
 * The subscriber an operator subscribes to its source with: every value goes to `next` in one call, and a throw from
 * it (or from the error or completion handler) errors the destination, as a throwing `map` does; errors and
 * completion pass on to the destination unless handled here. It is added to the destination, so unsubscribing
 * downstream lets go of the source.
 *
 * Why not `source.subscribe({ next, error, complete })`: RxJS wraps such an observer in a `SafeSubscriber` and a
 * consumer observer, two more calls for every value at every step, and a throw from the observer goes to RxJS's
 * unhandled-error reporter while the stream goes on. RxJS's own operators subscribe with a subscriber of this kind
 * (its internal `OperatorSubscriber`). This extends RxJS's exported `Subscriber`, whose constructor RxJS marks as an
 * implementation detail to be made internal in v8; the client pins RxJS 7.8.2.
 */
class StepSubscriber<T> extends Subscriber<T> {
  private readonly step: (value: T) => void;
  private readonly onError: ((err: unknown) => void) | undefined;
  private readonly onComplete: (() => void) | undefined;

  constructor(destination: Subscriber<never>, h: StepHandlers<T>) {
    super(destination);
    this.step = h.next;
    this.onError = h.error;
    this.onComplete = h.complete;
  }

  protected override _next(value: T): void {
    try {
      this.step(value);
    } catch (err) {
      this.destination.error(err);
    }
  }

  protected override _error(err: unknown): void {
    if (!this.onError) return super._error(err);
    try {
      this.onError(err);
    } catch (thrown) {
      this.destination.error(thrown);
    } finally {
      this.unsubscribe();
    }
  }

  protected override _complete(): void {
    if (!this.onComplete) return super._complete();
    try {
      this.onComplete();
    } catch (thrown) {
      this.destination.error(thrown);
    } finally {
      this.unsubscribe();
    }
  }
}

/** A subscriber for `source.subscribe(...)` inside an operator whose output goes to `destination`: see {@link StepSubscriber}. */
export function stepSubscriber<T>(
  destination: Subscriber<never>,
  handlers: StepHandlers<T> | ((value: T) => void),
): Subscriber<T> {
  return new StepSubscriber<T>(destination, typeof handlers === 'function' ? { next: handlers } : handlers);
}
