import { Observable, Subject, type OperatorFunction } from 'rxjs';
import { perSubscription } from '../../src/streams/per-subscription';
import { stepObserver } from '../../src/streams/step-observer';
import { testScheduler } from '../marbles';

/** Doubles every number; throws on 3 (a bug in an operator's step, for the tests). */
const doubling = perSubscription<number, number>((out) => (n) => {
  if (n === 3) throw new Error('three is not allowed');
  out.next(n * 2);
});

/** Counts values and, on the source's completion, emits the count before completing (a custom `complete`). */
const counting: OperatorFunction<number, number> = (source) =>
  new Observable<number>((subscriber) => {
    let n = 0;
    return source.subscribe(
      stepObserver<number>(subscriber, {
        next: () => void n++,
        complete: () => {
          subscriber.next(n);
          subscriber.complete();
        },
      }),
    );
  });

describe('stepObserver (how operators subscribe to their source)', () => {
  test('values go through the step; errors and completion pass on', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const ok = cold('a b |', { a: 1, b: 2 });
      expectObservable(ok.pipe(doubling)).toBe('a b |', { a: 2, b: 4 });
      const failing = cold('a #', { a: 1 }, new Error('socket gone'));
      expectObservable(failing.pipe(doubling)).toBe('a #', { a: 2 }, new Error('socket gone'));
      expectSubscriptions(failing.subscriptions).toBe('^ !');
    });
  });

  test('a step that throws errors the stream with what it threw and lets go of the source (not an unhandled error thrown later while the stream goes on)', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a b c d |', { a: 1, b: 2, c: 3, d: 4 });
      expectObservable(source.pipe(doubling)).toBe('a b #', { a: 2, b: 4 }, new Error('three is not allowed'));
      expectSubscriptions(source.subscriptions).toBe('^ - !');
    });
  });

  test('unsubscribing downstream unsubscribes the source', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('a b c d', { a: 1, b: 2, c: 3, d: 4 });
      expectObservable(source.pipe(doubling), '^ - !').toBe('a b', { a: 2, b: 4 });
      expectSubscriptions(source.subscriptions).toBe('^ - !');
    });
  });

  test('a custom complete replaces passing completion on', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a b c |', { a: 5, b: 6, c: 7 }).pipe(counting)).toBe('- - - (n|)', { n: 3 });
    });
  });

  test('a step observer is closed after its source errored or completed, and values after that are ignored', () => {
    const source = new Subject<number>();
    const seen: string[] = [];
    const sub = source
      .pipe(doubling)
      .subscribe({ next: (v) => seen.push(`next ${v}`), complete: () => seen.push('complete') });
    source.next(1);
    source.complete();
    source.next(2);
    expect(seen).toEqual(['next 2', 'complete']);
    expect(sub.closed).toBe(true);
  });
});
