import { TimeoutError } from 'rxjs';
import { heartbeatWatchdog } from '../../src/streams/heartbeat-watchdog';
import { testScheduler } from '../marbles';

describe('heartbeatWatchdog', () => {
  test('errors with TimeoutError: never before timeoutMs of silence after the last value, always by one look more', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      // Looks every 12 ms (96 / 8). b comes at 51 and c at 151 (100 ms apart: more than the timeout, and yet in time,
      // as the silence counts from the look at 60 that saw b, not from b). The look at 156 sees c; silence counts from
      // there: the error comes at 252, 101 ms after c (at least 96, less than 108).
      const source = cold('a 50ms b 99ms c 150ms d');
      expectObservable(source.pipe(heartbeatWatchdog({ timeoutMs: 96 }))).toBe(
        'a 50ms b 99ms c 100ms #',
        undefined,
        expect.any(TimeoutError),
      );
    });
  });

  test('a value at every look or between them keeps it quiet; one look with nothing does not fire it', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      // timeoutMs 100 looked at every 25 ms: gaps of 60 ms (more than a look, less than the timeout) never fire it.
      expectObservable(
        cold('a 59ms b 59ms c 59ms d 59ms |').pipe(heartbeatWatchdog({ timeoutMs: 100, checksPerTimeout: 4 })),
      ).toBe('a 59ms b 59ms c 59ms d 59ms |');
    });
  });

  test('silent from the start: errors after exactly the timeout; a completing source completes', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('200ms a').pipe(heartbeatWatchdog({ timeoutMs: 100 }))).toBe(
        '100ms #',
        undefined,
        expect.any(TimeoutError),
      );
      expectObservable(cold('a 10ms |').pipe(heartbeatWatchdog({ timeoutMs: 100 }))).toBe('a 10ms |');
    });
  });

  test('with completeAs, a completing source is an error (a socket closed cleanly is a dropped socket)', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const closed = new Error('closed');
      expectObservable(cold('a 10ms |').pipe(heartbeatWatchdog({ timeoutMs: 100, completeAs: () => closed }))).toBe(
        'a 10ms #',
        undefined,
        closed,
      );
    });
  });

  test('lets go of the source when it fires (the dead socket is closed)', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      // Looks every 25 ms: the one at 25 sees a, so the silence counts from 25 and the error comes at 125.
      const source = cold('a 300ms b');
      expectObservable(source.pipe(heartbeatWatchdog({ timeoutMs: 100, checksPerTimeout: 4 }))).toBe(
        'a 124ms #',
        undefined,
        expect.any(TimeoutError),
      );
      expectSubscriptions(source.subscriptions).toBe('^ 124ms !');
    });
  });

  test('refuses a timeout or a look count that cannot work', () => {
    expect(() => heartbeatWatchdog({ timeoutMs: 0 })).toThrow(/timeoutMs > 0/);
    expect(() => heartbeatWatchdog({ timeoutMs: 100, checksPerTimeout: 0 })).toThrow(/checksPerTimeout/);
  });
});
