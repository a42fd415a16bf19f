import type { EarlierMessage } from '../../chat-event';
import { agentInfo } from './detectors/agent-info';
import type { MemberInfo } from './detectors/types';
import type { MessageFrame } from './frames';

export interface ReloadedHistory {
  /** What the customer had seen: shown again as it was, before anything else. */
  earlier: EarlierMessage[];
  /** What came after the resume point: handled as the backfill after any reconnect (shown once, as it arrives). */
  missed: MessageFrame[];
}

/**
 * After a reload, the conversation's messages (oldest first) split at the resume point, the last message the host had
 * shown. Up to it, every message the customer could read is shown again: the agents' and the flow's, and the
 * customer's own, but not the guest's notices (the hand-off summary is a notice for the agent). The customer's own
 * messages after it were on screen too (the host shows what the customer sends at once; its echo never is), so they
 * are shown again as well. A resume point that is not in the history (a conversation longer than one backfill reads)
 * leaves nothing to tell apart: all of it is shown as earlier, so that nothing is shown twice.
 *
 * @param members the conversation's members by id, departed ones included (who wrote what)
 */
export function splitAtResumePoint(
  messages: MessageFrame[],
  resumeAfter: string | undefined,
  selfId: string,
  members: ReadonlyMap<string, MemberInfo>,
): ReloadedHistory {
  const at = resumeAfter === undefined ? -1 : messages.findIndex((m) => m.id === resumeAfter);
  const end = resumeAfter !== undefined && at < 0 ? messages.length : at + 1;
  const earlier: EarlierMessage[] = [];
  messages.forEach((m, i) => {
    const shown = i < end ? earlierMessage(m, selfId, members) : ownMessage(m, selfId);
    if (shown) earlier.push(shown);
  });
  return { earlier, missed: messages.slice(end) };
}

function ownMessage(m: MessageFrame, selfId: string): EarlierMessage | undefined {
  if (m.senderId !== selfId || m.bodyType !== 'standard' || m.body.trim() === '') return undefined;
  return { from: 'customer', id: m.id, text: m.body, timestamp: m.timestamp };
}

/** As the live stream shows a message (`agentMessages`), plus the customer's own. */
function earlierMessage(
  m: MessageFrame,
  selfId: string,
  members: ReadonlyMap<string, MemberInfo>,
): EarlierMessage | undefined {
  if (m.senderId === selfId) return ownMessage(m, selfId);
  if ((m.bodyType !== 'standard' && m.bodyType !== 'notice') || m.body.trim() === '') return undefined;
  const sender = members.get(m.senderId) ?? { id: m.senderId, role: 'UNKNOWN' };
  if (sender.role === 'WORKFLOW' || sender.role === 'ACD')
    return { from: 'system', id: m.id, text: m.body, timestamp: m.timestamp };
  return { from: 'agent', id: m.id, agent: agentInfo(sender), text: m.body, timestamp: m.timestamp };
}
