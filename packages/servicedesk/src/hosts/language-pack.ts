/**
 * Overrides of the hosts' own wording (their language packs share these keys: Carbon AI Chat's `strings` prop, hosted
 * web chat's `instance.updateLanguagePack`) where it tells the customer something untrue about the hand-off:
 * - the connect card said "You disconnected from the live agent" however the chat ended (the line below it says who);
 * - a lost connection was announced as "The agent reconnected" when it was the customer's connection;
 * - a message that could not be sent was answered as a bot would ("feel free to ask me something else").
 */
export const HANDOFF_LANGUAGE_PACK = {
  agent_cardMessageChatEnded: 'Your live agent request is closed.',
  agent_conversationWasEnded: 'The chat with the live agent has ended.',
  agent_disconnected: 'Your connection to the chat was lost. Trying to reconnect…',
  agent_reconnected: "You're connected again.",
  errors_singleMessage: 'This message could not be sent.',
} as const;

export type HandoffLanguagePack = typeof HANDOFF_LANGUAGE_PACK;
