import type { ChatEndReason, ChatEvent } from '../chat-event';
import { hostMessage, type QuickReplyDisplay } from '../hosts/agent-content';
import type { ShowEarlier } from '../hosts/earlier-messages';
import type { EndingText } from '../hosts/ending-text';
import type { HostAdapter } from '../hosts/host-adapter';
import type { HostCallback } from '../hosts/host-types';
import type { ServiceDeskStrings } from './strings';
import { uploadCapabilities } from './upload-check';

/** The host side of a chat: its callback, its spellings, and what it shows. */
export interface HostSide {
  callback: HostCallback;
  adapter: HostAdapter;
  showSystemMessages: boolean;
  strings: ServiceDeskStrings;
  /**
   * Brings the newest line of the chat into view. Carbon AI Chat scrolls only to the customer's own messages (its list
   * pins the latest request to the top and lets answers flow below it): a message the agent sends on their own would
   * stay below the fold, behind a small arrow. Absent when the host cannot be told to scroll.
   */
  scrollToLatest?: (() => void) | undefined;
  /** Where the host lets us word its own ending message (Carbon); otherwise the desk tells the end itself. */
  endingText?: EndingText | undefined;
  /** Quick replies as option buttons when the desk hears the choice, else as text. @default 'text' */
  quickReplyDisplay?: QuickReplyDisplay | undefined;
  /**
   * Shows the messages of before a reload again, where the host keeps none itself and can be given them; absent: the
   * host is left to restore its own transcript.
   */
  showEarlier?: ShowEarlier | undefined;
}

/**
 * The host calls for one chat event: what they return (a promise, for Carbon, which the desk waits for before the next
 * event), or nothing. Pure apart from the calls themselves; the chat's own bookkeeping (queue polling, the end of the
 * scope) is the desk's.
 */
export function deliverToHost(e: ChatEvent, h: HostSide): unknown {
  const shown = showToHost(e, h);
  if (!h.scrollToLatest || e.type === 'queued' || e.type === 'agentTyping' || e.type === 'uploadPolicy') return shown;
  const scroll = h.scrollToLatest;
  return shown instanceof Promise ? shown.then(scroll) : (scroll(), shown);
}

function showToHost(e: ChatEvent, h: HostSide): unknown {
  const cb = h.callback;
  switch (e.type) {
    case 'queued':
      return undefined;
    case 'agentJoined':
      return cb.agentJoined(h.adapter.profile(e.agent));
    case 'transferStarted':
      // No profile: given one, both hosts make the new agent current at once, and the departure that follows would be
      // announced under the new agent's name ("Blair disconnected"). The new agent is named when they join.
      return cb.beginTransferToAnotherAgent();
    case 'agentLeft':
      return cb.agentLeftChat();
    case 'agentMessage':
      return cb.sendMessageToUser(hostMessage(e.text, e, h.quickReplyDisplay ?? 'text'), e.agent.id);
    case 'systemMessage':
      return h.showSystemMessages
        ? cb.sendMessageToUser(hostMessage(e.text, e, h.quickReplyDisplay ?? 'text'))
        : undefined;
    case 'uploadPolicy':
      return cb.updateCapabilities?.(uploadCapabilities(e.policy));
    case 'earlierMessages':
      return h.showEarlier?.(h.showSystemMessages ? e.messages : e.messages.filter((m) => m.from !== 'system'));
    case 'agentTyping':
      return cb.agentTyping(e.typing);
    case 'connection':
      // A status line of our own, not the host's DISCONNECTED error: the hosts show that one under the agent's name and
      // picture, as if the agent had written it, and make the input read-only, while the customer may go on writing
      // (what they write is sent once the connection is back).
      return cb.sendMessageToUser(
        statusLine(e.state === 'disconnected' ? h.strings.connectionLost : h.strings.connectionBack),
      );
    case 'chatEnded':
      return chatEnded(e.by, h);
  }
}

/**
 * The customer ended it: the host knows. The agent ended it: the host says so. The system ended it: the customer reads
 * that once, as the host's own ending message where the host lets us word it, else told just before it.
 */
async function chatEnded(by: ChatEndReason, h: HostSide): Promise<void> {
  if (by === 'guest') return;
  if (by === 'system') return endWithNotice(h.strings.chatClosedBySystem, h);
  await h.callback.agentEndedChat();
}

/** The chat ends for a reason the customer reads once: as the host's own ending message where we may word it. */
export async function endWithNotice(text: string, h: HostSide): Promise<void> {
  if (h.endingText) h.endingText.reword(text);
  else await h.callback.sendMessageToUser(text);
  await h.callback.agentEndedChat();
}

/** A line the hosts show as one of their own status lines (centred, not under the agent's name or picture). */
export function statusLine(text: string, kind = 'transfer_to_agent'): { output: { generic: object[] } } {
  return { output: { generic: [{ response_type: 'text', text, agent_message_type: kind }] } };
}
