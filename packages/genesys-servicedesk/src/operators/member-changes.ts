import { filter, map, type OperatorFunction } from 'rxjs';
import type { EnrichedFrame, MemberEvent } from './types';

const CHANGE = { ALERTING: 'alerting', CONNECTED: 'joined', DISCONNECTED: 'left' } as const;

/**
 * Member state transitions. Genesys repeats CONNECTED when an agent switches focus or holds (pitfall 5): a member's
 * event is emitted only when its state actually changes. State lives in the subscription's closure.
 */
export function memberChanges(selfId: string): OperatorFunction<EnrichedFrame, MemberEvent> {
  return (source) => {
    const states = new Map<string, string>();
    return source.pipe(
      filter((f): f is Extract<EnrichedFrame, { kind: 'member-change' }> => f.kind === 'member-change'),
      filter((f) => {
        if (states.get(f.memberId) === f.state) return false;
        states.set(f.memberId, f.state);
        return true;
      }),
      map((f): MemberEvent => ({ change: CHANGE[f.state], member: f.member, self: f.memberId === selfId })),
    );
  };
}
