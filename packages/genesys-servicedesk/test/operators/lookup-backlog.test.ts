import { Subject, TimeoutError, firstValueFrom, toArray } from 'rxjs';
import type { EventFrame } from '../../src/genesys/frames';
import { heartbeatWatchdog } from '../../src/operators/heartbeat-watchdog';
import { lookupMembers } from '../../src/operators/lookup-members';
import type { MemberInfo } from '../../src/operators/types';
import { SELF, raw, testScheduler } from './marbles';

describe('lookupMembers under a backlog', () => {
  // Regression: with concatMap, frames queued behind a lookup in flight were drained recursively, one stack frame
  // each; a few hundred overflowed the stack, the error was swallowed and the chat's events stopped (found by the
  // pipeline benchmark: of 1,000 queued frames 487 came through).
  test('5,000 frames queued behind one slow lookup all come through, in order, and the stream completes', async () => {
    let release!: (m: MemberInfo) => void;
    const lookups: string[] = [];
    const frames$ = new Subject<EventFrame>();
    const out = firstValueFrom(
      frames$.pipe(
        lookupMembers({
          selfId: SELF,
          lookup: (id) => {
            lookups.push(id);
            return new Promise<MemberInfo>((resolve) => (release = resolve));
          },
        }),
        toArray(),
      ),
    );
    frames$.next(raw.change('agent-a', 'CONNECTED'));
    for (let i = 0; i < 5000; i++) frames$.next(raw.message(`m${i}`, 'agent-a', `text ${i}`));
    frames$.complete();
    release({ id: 'agent-a', role: 'AGENT', displayName: 'Alex' });
    const got = await out;
    expect(got).toHaveLength(5001);
    expect(got.slice(1).map((f) => (f.kind === 'message' ? f.id : '?'))).toEqual(Array.from({ length: 5000 }, (_, i) => `m${i}`));
    expect(lookups).toEqual(['agent-a']);
  });
});

describe('heartbeatWatchdog', () => {
  test('errors with TimeoutError after the given silence, counted from the last value', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a 50ms b 99ms c 150ms d');
      expectObservable(source.pipe(heartbeatWatchdog({ timeoutMs: 100 }))).toBe('a 50ms b 99ms c 99ms #', undefined, expect.any(TimeoutError));
    });
  });

  test('silent from the start: errors after the timeout; a completing source completes', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('200ms a').pipe(heartbeatWatchdog({ timeoutMs: 100 }))).toBe('100ms #', undefined, expect.any(TimeoutError));
      expectObservable(cold('a 10ms |').pipe(heartbeatWatchdog({ timeoutMs: 100 }))).toBe('a 10ms |');
    });
  });

  test('with completeAs, a completing source is an error (a socket closed cleanly is a dropped socket)', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const closed = new Error('closed');
      expectObservable(cold('a 10ms |').pipe(heartbeatWatchdog({ timeoutMs: 100, completeAs: () => closed }))).toBe('a 10ms #', undefined, closed);
    });
  });

  test('lets go of the source when it fires (the dead socket is closed)', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a 300ms b');
      expectObservable(source.pipe(heartbeatWatchdog({ timeoutMs: 100 }))).toBe('a 99ms #', undefined, expect.any(TimeoutError));
      expectSubscriptions(source.subscriptions).toBe('^ 99ms !');
    });
  });
});
