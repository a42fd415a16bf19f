import type { OperatorFunction } from 'rxjs';
import type { AgentInfo, ChatEventOf } from '../../../chat-event';
import { perSubscription } from '../../../streams/per-subscription';
import type { Resolved } from './types';

type PresenceEvent = ChatEventOf<'agentJoined'> | ChatEventOf<'transferStarted'> | ChatEventOf<'agentLeft'>;

/**
 * `agentJoined` for a new agent. A transfer is told as on guest chat: `transferStarted` to the new agent, `agentLeft`
 * for the agent who was there (the customer reads who left, not the newcomer's name twice), then the new agent's
 * `agentJoined`.
 */
export function agentPresence(): OperatorFunction<Resolved, PresenceEvent> {
  return perSubscription<Resolved, PresenceEvent>((out) => {
    let present: AgentInfo | undefined;
    return (r) => {
      const agent = r.agent;
      if (!r.change || !agent) return;
      if (r.change === 'transferred') {
        out.next({ type: 'transferStarted', to: agent });
        if (present) out.next({ type: 'agentLeft', agent: present });
      }
      present = agent;
      out.next({ type: 'agentJoined', agent });
    };
  });
}
