import type { EarlierMessage } from '../chat-event';
import { hostMessage } from './agent-content';
import type { HostAdapter } from './host-adapter';

/**
 * The messages of an agent chat shown again after a page reload, through the host instance's
 * `messaging.insertHistory` (Carbon AI Chat 1.x): the host keeps no transcript of an agent chat across a reload, so
 * without them the reloaded window shows only what comes after. They go in as the host's own history items: the
 * customer's as their messages, the agent's under the agent's name and picture, the flow's as the host shows a
 * message with no agent. History items are shown as they are, without a new-message announcement, and before
 * everything the window shows already.
 */
export type ShowEarlier = (messages: EarlierMessage[]) => Promise<void>;

interface HistoryInstance {
  messaging: { insertHistory(items: unknown[]): Promise<void> | void };
}

function hasHistory(instance: unknown): instance is HistoryInstance {
  const messaging = (instance as { messaging?: { insertHistory?: unknown } } | null | undefined)?.messaging;
  return typeof messaging?.insertHistory === 'function';
}

/** For a host instance that takes history items; undefined for one that does not. */
export function earlierMessagesShower(instance: unknown, adapter: HostAdapter): ShowEarlier | undefined {
  if (!hasHistory(instance)) return undefined;
  return async (messages) => {
    if (messages.length === 0) return;
    await instance.messaging.insertHistory(historyItems(messages, adapter));
  };
}

/** The host's marks of who a message in an agent chat is from (its `HumanAgentMessageType`). */
const FROM_USER = 'from_user';
const FROM_AGENT = 'from_agent';

/** The items of the host's `insertHistory`, oldest first; an item's time is the message's at Genesys. */
export function historyItems(messages: EarlierMessage[], adapter: HostAdapter): object[] {
  return messages.map((m) => ({ message: historyMessage(m, adapter), time: timeOf(m.timestamp) }));
}

function historyMessage(m: EarlierMessage, adapter: HostAdapter): object {
  const id = `genesys-${m.id}`;
  if (m.from === 'customer') {
    const names = (m.files ?? []).map((f) => f.name);
    const text = [m.text, ...names].filter((t) => t !== '').join('\n');
    return { id, thread_id: 'main', input: { text, message_type: 'text', agent_message_type: FROM_USER } };
  }
  // Past quick replies are shown as text: choosing one now would answer a question the conversation has moved past.
  const shown = hostMessage(m.text, m, 'text');
  const generic = typeof shown === 'string' ? [{ response_type: 'text', text: shown }] : shown.output.generic;
  return {
    id,
    thread_id: 'main',
    output: { generic: generic.map((item) => ({ ...item, agent_message_type: FROM_AGENT })) },
    ...(m.from === 'agent' ? { message_options: { response_user_profile: adapter.profile(m.agent) } } : {}),
  };
}

/** An ISO time the host can read; now when Genesys gave none or one that does not parse. */
function timeOf(timestamp: string): string {
  const ms = Date.parse(timestamp);
  return new Date(Number.isNaN(ms) ? Date.now() : ms).toISOString();
}
