import type { ConnectToAgentItem, MessageResponseLike, StartChatOptionsLike } from '../hosts/host-types';

/** The assistant's `connect_to_agent` item in the response that asked for an agent. */
export function findConnectItem(m: MessageResponseLike | undefined): ConnectToAgentItem | undefined {
  return m?.output?.generic?.find((g) => g.response_type === 'connect_to_agent');
}

/**
 * What the agent reads first: why the customer asked, and the assistant's summary. The topic is not repeated: the
 * agent sees it as a custom field of its own (`customFieldsFor`).
 */
export function summaryForAgent(item: ConnectToAgentItem | undefined): string | undefined {
  if (!item) return undefined;
  const lines: string[] = [];
  if (item.message_to_human_agent) lines.push(item.message_to_human_agent);
  for (const s of item.transfer_info?.summary_message_to_agent ?? []) {
    const text = typeof s === 'string' ? s : s.text;
    if (text) lines.push(text);
  }
  return lines.join('\n').trim() || undefined;
}

/** The chat's custom fields: the site's, plus the session history key and the topic of this hand-off. */
export function customFieldsFor(
  site: Record<string, string> | undefined,
  item: ConnectToAgentItem | undefined,
  startOptions: StartChatOptionsLike | undefined,
): Record<string, string> {
  const sessionHistoryKey = startOptions?.agentAppInfo?.sessionHistoryKey ?? item?.transfer_info?.session_history_key;
  return {
    ...site,
    ...(sessionHistoryKey ? { sessionHistoryKey } : {}),
    ...(item?.topic ? { topic: item.topic } : {}),
  };
}
