import type { OperatorFunction } from 'rxjs';
import type { ChatEventOf } from '../../../chat-event';
import { perSubscription } from '../../../streams/per-subscription';
import type { Resolved } from './types';

type PresenceEvent = ChatEventOf<'agentJoined'> | ChatEventOf<'transferStarted'>;

/** `agentJoined` for a new agent; a transfer is `transferStarted` to the new agent, then its `agentJoined`. */
export function agentPresence(): OperatorFunction<Resolved, PresenceEvent> {
  return perSubscription<Resolved, PresenceEvent>((out) => (r) => {
    const agent = r.agent;
    if (!r.change || !agent) return;
    if (r.change === 'transferred') out.next({ type: 'transferStarted', to: agent });
    out.next({ type: 'agentJoined', agent });
  });
}
