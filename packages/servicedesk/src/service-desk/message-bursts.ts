import type { ChatEvent, ChatEventOf } from '../chat-event';
import { textForHost } from '../hosts/agent-content';
import type { HostSide } from './host-calls';

/**
 * A burst of agent messages, shown in few host calls instead of one each.
 *
 * Carbon AI Chat lays out its whole message list again for every item it adds (it reads the list's scroll position
 * after each update), so an item costs in proportion to what is already shown. One item per message, a flood of
 * thousands (a script gone wrong on the agent's side, a hostile agent) holds the page for minutes: the customer can
 * neither read nor type (BENCHMARKS.md, "Flood"). Several items in one message response do not help: the host adds
 * them one by one. So the messages that arrived while the host was drawing the previous one are shown as one message:
 * each text its own paragraph, in order, none dropped. At a person's pace nothing waits, and each message stays its own.
 */

type AgentMessage = ChatEventOf<'agentMessage'>;

/** At most this many texts in one message: a longer one would be a long read and a long task for the page. */
export const BURST_MAX = 100;

/** A plain text of the same agent as the first message of the group (files, quick replies and cards are shown alone). */
export function joinsBurst(e: ChatEvent, first: ChatEvent): boolean {
  return plainAgentText(e) && plainAgentText(first) && e.agent.id === first.agent.id && e.markdown === first.markdown;
}

function plainAgentText(e: ChatEvent): e is AgentMessage {
  return (
    e.type === 'agentMessage' &&
    e.text !== '' &&
    !e.files?.length &&
    !e.quickReplies?.length &&
    !e.cards?.length &&
    !e.notShown?.length
  );
}

/** Shows a group of `joinsBurst` messages as one message of as many paragraphs, under the agent's name once. */
export async function deliverBurst(events: readonly ChatEvent[], h: HostSide): Promise<void> {
  const texts = events.filter(plainAgentText);
  const first = texts[0];
  if (!first) return;
  await h.callback.sendMessageToUser(texts.map((e) => textForHost(e.text, e)).join('\n\n'), first.agent.id);
  h.scrollToLatest?.();
}

/**
 * After the host was given a message (its promise resolved: the message counts as shown), the next event waits until
 * the host has drawn it; the messages that arrive meanwhile are then shown together. Nothing to wait for otherwise.
 */
export function untilDrawn(events: readonly ChatEvent[], h: HostSide): Promise<void> | undefined {
  const message = events.some((e) => e.type === 'agentMessage' || (e.type === 'systemMessage' && h.showSystemMessages));
  return message ? afterHostDraws() : undefined;
}

/**
 * Resolves once the host has had the page to itself: after the task it scheduled to draw what it was just given,
 * and after whatever arrived meanwhile (the socket's next frames, which then wait together for the next call). Two
 * posted-message tasks, as React schedules its own work: unlike timers, they are not slowed down in a hidden tab.
 */
export function afterHostDraws(): Promise<void> {
  if (typeof MessageChannel !== 'function') return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    let hops = 0;
    port1.onmessage = () => {
      if (++hops < 2) return port2.postMessage(null);
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}
