/**
 * The host's own ending message, worded by us once. Carbon AI Chat ends an agent chat only through
 * `agentEndedChat`, which always adds "<agent> ended the chat." When the system ended the chat (Genesys closed it,
 * or lost it), that sentence would sit beside the true one; instead the next ending message the host is about to
 * show is given the true text, through Carbon's public `human_agent:pre:receive` event, which lets a page change a
 * message before it is shown. One ending, the true one (docs/architecture.md, "How a chat ends, as the customer
 * reads it").
 */
export interface EndingText {
  /** The next ending message the host shows reads `text`. */
  reword(text: string): void;
}

/** Carbon's local message for "the agent ended the chat" (its `HumanAgentMessageType.HUMAN_AGENT_ENDED_CHAT`). */
const AGENT_ENDED_CHAT = 'agent_ended_chat';

interface CarbonInstance {
  on(handler: { type: string; handler: (event: { data?: unknown }) => void }): unknown;
}

function isCarbonInstance(instance: unknown): instance is CarbonInstance {
  return typeof (instance as { on?: unknown } | null | undefined)?.on === 'function';
}

/** For Carbon's instance (from the factory's parameters); undefined when the host gave none. */
export function carbonEndingText(instance: unknown): EndingText | undefined {
  if (!isCarbonInstance(instance)) return undefined;
  let next: string | undefined;
  instance.on({
    type: 'human_agent:pre:receive',
    handler: (event) => {
      if (next === undefined) return;
      const item = (event.data as { output?: { generic?: Array<{ agent_message_type?: string; text?: string }> } })
        ?.output?.generic?.[0];
      if (item?.agent_message_type !== AGENT_ENDED_CHAT) return;
      item.text = next;
      next = undefined;
    },
  });
  return {
    reword: (text) => {
      next = text;
    },
  };
}
