import { connectionState } from '../../src/streams/connection-state';
import { dedupeById } from '../../src/streams/dedupe-by-id';
import { testScheduler } from '../marbles';

interface Item {
  id?: string;
  n: number;
}
const idOf = (v: Item) => v.id;

describe('dedupeById', () => {
  test('drops values whose id was seen; values without an id pass', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const values: Record<string, Item> = {
        a: { id: 'm1', n: 1 },
        b: { id: 'm1', n: 2 },
        c: { id: 't1', n: 3 },
        d: { id: 't1', n: 4 },
        e: { n: 5 },
        f: { n: 5 },
        g: { id: 'm2', n: 6 },
      };
      expectObservable(cold('abcdefg|', values).pipe(dedupeById(idOf))).toBe('a-c-efg|', values);
    });
  });

  test('remembers at least the last `capacity` ids and at most twice as many', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const values: Record<string, Item> = {
        a: { id: '1', n: 1 },
        b: { id: '2', n: 2 },
        c: { id: '3', n: 3 },
        d: { id: '4', n: 4 },
        e: { id: '5', n: 5 },
      };
      // Room for 2: "1" and "2" fill a generation; "3" starts the next, so "1" and "2" are still known.
      expectObservable(cold('abcab|', values).pipe(dedupeById(idOf, 2))).toBe('abc--|', values);
      // "3" and "4" fill the second generation; "5" starts a third: "1" is forgotten, "3" is still known.
      expectObservable(cold('abcdeac|', values).pipe(dedupeById(idOf, 2))).toBe('abcdea-|', values);
    });
  });

  test('remembers per subscription: a second subscriber to the same stream sees every value once too', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const values: Record<string, Item> = { a: { id: 'm1', n: 1 }, b: { id: 'm1', n: 2 }, c: { id: 't1', n: 3 } };
      const deduped = cold('abc|', values).pipe(dedupeById(idOf));
      expectObservable(deduped).toBe('a-c|', values);
      expectObservable(deduped).toBe('a-c|', values);
    });
  });
});

describe('connectionState', () => {
  test('silent while first connecting; then disconnected / connected once each; the chat’s own close is not a drop', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const out = cold('cor-ro-rroc|', { c: 'connecting', o: 'open', r: 'reconnecting' } as const).pipe(
        connectionState(),
      );
      expectObservable(out).toBe('--d--u-d-u-|', {
        d: { type: 'connection', state: 'disconnected' },
        u: { type: 'connection', state: 'connected' },
      });
    });
  });
});
