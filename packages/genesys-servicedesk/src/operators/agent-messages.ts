import { filter, map, type OperatorFunction } from 'rxjs';
import type { ChatEventOf } from '../chat-event';
import { agentInfo } from './agent-info';
import type { EnrichedFrame } from './types';

type Out = ChatEventOf<'agentMessage'> | ChatEventOf<'systemMessage'>;

/**
 * Text for the customer: standard and notice messages of everyone but the guest itself (its own messages come back
 * as echoes, pitfall 6). Messages of the flow or the queue become system messages; every other sender, including
 * a second agent or one whose lookup failed, is shown as an agent — never silently dropped.
 */
export function agentMessages(selfId: string): OperatorFunction<EnrichedFrame, Out> {
  return (source) =>
    source.pipe(
      filter((f): f is Extract<EnrichedFrame, { kind: 'message' }> => f.kind === 'message'),
      filter((f) => (f.bodyType === 'standard' || f.bodyType === 'notice') && f.senderId !== selfId && f.body.trim() !== ''),
      map((f): Out => {
        const role = f.sender.role;
        if (role === 'WORKFLOW' || role === 'ACD') return { type: 'systemMessage', id: f.id, role, text: f.body, timestamp: f.timestamp };
        return { type: 'agentMessage', id: f.id, agent: agentInfo(f.sender), text: f.body, timestamp: f.timestamp };
      }),
    );
}
