import { MessageResponseTypes, type MessageResponse } from '@carbon/ai-chat';

/**
 * Stands in for your assistant (watsonx Assistant answers the same way): when the customer asks for a person, the
 * answer carries a `connect_to_agent` item, and Carbon AI Chat shows its "Connect to agent" card.
 */
export function assistantReply(text: string): MessageResponse {
  if (/\b(agent|human|person|someone)\b/i.test(text)) {
    return {
      output: {
        generic: [
          {
            response_type: MessageResponseTypes.CONNECT_TO_HUMAN_AGENT,
            message_to_human_agent: `The customer asked: ${text}`,
            agent_available: { message: 'An agent is available. Select "Connect to agent" to start chatting.' },
            agent_unavailable: { message: 'Sorry, no agents are available right now.' },
            transfer_info: { summary_message_to_agent: [{ response_type: MessageResponseTypes.TEXT, text }] },
          },
        ],
      },
    };
  }
  return {
    output: {
      generic: [{ response_type: MessageResponseTypes.TEXT, text: 'I can connect you to a person: say "agent".' }],
    },
  };
}
