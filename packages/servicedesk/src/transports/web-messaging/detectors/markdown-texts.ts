import type { ChatEvent, EarlierMessage } from '../../../chat-event';

/**
 * An event whose texts are Markdown (the deployment's Markdown setting is on): its messages, and the earlier ones
 * shown after a reload, are marked so; the customer's own words are never Markdown.
 */
export function asMarkdown(e: ChatEvent): ChatEvent {
  switch (e.type) {
    case 'agentMessage':
    case 'systemMessage':
      return { ...e, markdown: true };
    case 'earlierMessages':
      return { ...e, messages: e.messages.map(markEarlier) };
    default:
      return e;
  }
}

function markEarlier(m: EarlierMessage): EarlierMessage {
  return m.from === 'customer' ? m : { ...m, markdown: true };
}
