/** Kept apart from the harness (no imports) so the benchmarks can use it without loading the stack. */

/** A Carbon-style `connect_to_agent` response, as the assistant would send it. */
export function connectMessage(overrides: Record<string, unknown> = {}) {
  return {
    output: {
      generic: [
        { response_type: 'text', text: 'Let me connect you with a person.' },
        {
          response_type: 'connect_to_agent',
          message_to_human_agent: 'Customer asked for an agent about a refund.',
          topic: 'refunds',
          agent_available: { message: 'An agent is available.' },
          agent_unavailable: { message: 'No agents right now.' },
          transfer_info: { summary_message_to_agent: [{ response_type: 'text', text: 'Order 1234 arrived damaged.' }] },
          ...overrides,
        },
      ],
    },
  };
}
