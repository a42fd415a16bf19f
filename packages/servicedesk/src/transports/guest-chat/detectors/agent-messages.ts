import type { OperatorFunction } from 'rxjs';
import type { ChatEventOf } from '../../../chat-event';
import { agentInfo } from './agent-info';
import { perSubscription } from '../../../streams/per-subscription';
import type { EnrichedFrame } from './types';

type Out = ChatEventOf<'agentMessage'> | ChatEventOf<'systemMessage'>;

/**
 * Text for the customer: standard and notice messages of everyone but the guest itself (its own messages come back
 * as echoes: docs/guest-chat-protocol.md, "Echoes"). Messages of the flow or the queue become system messages; every
 * other sender, including a second agent or one whose lookup failed, is shown as an agent, never silently dropped.
 */
export function agentMessages(selfId: string): OperatorFunction<EnrichedFrame, Out> {
  return perSubscription<EnrichedFrame, Out>((out) => {
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
      out.next({ type: 'agentMessage', id: f.id, agent: agentInfo(sender), text: f.body, timestamp: f.timestamp });
    };
  });
}
