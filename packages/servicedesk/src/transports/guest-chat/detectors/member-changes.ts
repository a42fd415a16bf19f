import type { OperatorFunction } from 'rxjs';
import { perSubscription } from '../../../streams/per-subscription';
import type { EnrichedFrame, MemberEvent } from './types';

const CHANGE = { ALERTING: 'alerting', CONNECTED: 'joined', DISCONNECTED: 'left' } as const;

/**
 * Member state transitions. Genesys repeats CONNECTED when an agent switches focus or holds: a member's
 * event is emitted only when its state actually changes. State lives in the subscription's closure.
 */
export function memberChanges(selfId: string): OperatorFunction<EnrichedFrame, MemberEvent> {
  return perSubscription<EnrichedFrame, MemberEvent>((out) => {
    const states = new Map<string, string>();
    return (f) => {
      if (f.kind !== 'member-change' || states.get(f.memberId) === f.state) return;
      states.set(f.memberId, f.state);
      out.next({ change: CHANGE[f.state], member: f.member, self: f.memberId === selfId });
    };
  });
}
