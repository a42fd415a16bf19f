import { Observable, type OperatorFunction, type Subscriber } from 'rxjs';
import { stepSubscriber } from './step-subscriber';

/**
 * An operator whose state belongs to each subscription, in one step: `setup` runs when a subscriber arrives, holds
 * that subscriber's state in its closure and returns what to do with each value (`out` passes a result on). Errors and
 * completion pass straight through.
 *
 * Why not `filter` + `map` with state in the enclosing function: that state would be shared by every subscriber of
 * the piped stream (a second subscriber would see the first one's ids and states), and each of those operators is
 * one more step for every frame on the hottest path of the client (bench/client-pipeline.ts).
 */
export function perSubscription<T, R>(setup: (out: Subscriber<R>) => (value: T) => void): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((subscriber) => {
      const next = setup(subscriber);
      return source.subscribe(stepSubscriber<T>(subscriber, next));
    });
}
