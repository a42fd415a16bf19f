import type { AgentInfo, EarlierMessage } from '../../chat-event';
import { messageExtras, showsSomething } from './detectors/message-extras';
import { agentFrom, publicInfo } from './detectors/resolve-agents';
import { isSaying, type Incoming } from './detectors/types';

/**
 * After a reload, what the customer had seen, from the history the reattached chat fetched (oldest first): up to the
 * resume point (the messages `fetchHistory` marks as replayed) the agents', the flow's and the customer's own
 * messages; after it only the customer's own (the host showed them when they were sent; their echoes never are), as
 * the rest is shown as it arrives. The hand-off summary (the customer's first message of the session, sent for the
 * agent) is left out by its id. An agent message without a name belongs to the agent before it, as on the live
 * stream (`resolveAgents`).
 */
export function earlierMessages(history: Incoming[], summaryId: string | undefined): EarlierMessage[] {
  const out: EarlierMessage[] = [];
  let agent: (AgentInfo & { named: boolean }) | undefined;
  for (const m of history) {
    if (!isSaying(m) || !showsSomething(m) || m.id === summaryId) continue;
    const timestamp = m.time ?? '';
    if (m.direction === 'Inbound') {
      const { files } = messageExtras(m);
      out.push({ from: 'customer', id: m.id, text: m.text, timestamp, ...(files ? { files } : {}) });
    } else if (!m.replayed) continue;
    else if (m.originatingEntity === 'Human') {
      const seen = agentFrom(m.from);
      if (!agent || seen.named) agent = seen;
      out.push({ from: 'agent', id: m.id, agent: publicInfo(agent), text: m.text, timestamp, ...messageExtras(m) });
    } else out.push({ from: 'system', id: m.id, text: m.text, timestamp, ...messageExtras(m) });
  }
  return out;
}
