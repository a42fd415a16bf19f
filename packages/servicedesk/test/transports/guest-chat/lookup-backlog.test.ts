import { Subject, firstValueFrom, toArray } from 'rxjs';
import type { EventFrame } from '../../../src/transports/guest-chat/frames';
import { lookupMembers } from '../../../src/transports/guest-chat/detectors/lookup-members';
import type { MemberInfo } from '../../../src/transports/guest-chat/detectors/types';
import { SELF, raw } from './marbles';

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
    expect(got.slice(1).map((f) => (f.kind === 'message' ? f.id : '?'))).toEqual(
      Array.from({ length: 5000 }, (_, i) => `m${i}`),
    );
    expect(lookups).toEqual(['agent-a']);
  });
});
