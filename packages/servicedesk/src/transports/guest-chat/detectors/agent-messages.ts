import type { OperatorFunction } from 'rxjs';
import type { AgentInfo, ChatEventOf } from '../../../chat-event';
import { agentInfo } from './agent-info';
import { perSubscription } from '../../../streams/per-subscription';
import type { EnrichedFrame, MemberInfo } from './types';

type Out = ChatEventOf<'agentMessage'> | ChatEventOf<'systemMessage'>;

/**
 * Text for the customer: standard and notice messages of everyone but the guest itself (its own messages come back
 * as echoes, docs/guest-chat-protocol.md "Echoes"). Messages of the flow or the queue become system messages; every other sender, including
 * a second agent or one whose lookup failed, is shown as an agent — never silently dropped.
 */
export function agentMessages(selfId: string): OperatorFunction<EnrichedFrame, Out> {
  return perSubscription<EnrichedFrame, Out>((out) => {
    // Most messages come from the member who sent the previous one: its profile is made once, not per message.
    let lastSender: MemberInfo | undefined;
    let lastAgent: AgentInfo | undefined;
    return (f) => {
      if (
        f.kind !== 'message' ||
        (f.bodyType !== 'standard' && f.bodyType !== 'notice') ||
        f.senderId === selfId ||
        f.body.trim() === ''
      )
        return;
      const sender = f.sender;
      const role = sender.role;
      if (role === 'WORKFLOW' || role === 'ACD')
        return out.next({ type: 'systemMessage', id: f.id, role, text: f.body, timestamp: f.timestamp });
      if (sender !== lastSender || lastAgent === undefined) {
        lastSender = sender;
        lastAgent = agentInfo(sender);
      }
      out.next({ type: 'agentMessage', id: f.id, agent: lastAgent, text: f.body, timestamp: f.timestamp });
    };
  });
}
