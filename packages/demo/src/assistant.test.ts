import {
  AGENT_UNAVAILABLE_MESSAGE,
  WELCOME,
  assistantReply,
  topicOf,
  wantsPerson,
  type ConnectToAgentItem,
} from './assistant';

const connectItem = (text: string) =>
  assistantReply(text, 'r1').output.generic.find(
    (g): g is ConnectToAgentItem => g.response_type === 'connect_to_agent',
  );
const texts = (text: string) =>
  assistantReply(text, 'r1').output.generic.flatMap((g) => (g.response_type === 'text' ? [g.text] : []));

test('the welcome request ("") gets the greeting that explains what to try', () => {
  expect(assistantReply('', 'w')).toEqual({ id: 'w', output: { generic: [{ response_type: 'text', text: WELCOME }] } });
  expect(WELCOME).toMatch(/talk to someone/);
});

test.each([
  'agent',
  'I want an agent',
  'human please',
  'Can I talk to someone?',
  'speak with a real person',
  'Is anyone there',
  'representative',
  'live chat',
  'talk to support',
  'AGENT',
])('"%s" asks for a person', (text) => {
  expect(wantsPerson(text)).toBe(true);
  expect(connectItem(text)).toBeDefined();
});

test.each(['hello', 'what can you do?', 'opening hours', 'thanks', 'agenda for today', 'humanity', 'reporting'])(
  '"%s" does not ask for a person',
  (text) => {
    expect(wantsPerson(text)).toBe(false);
    expect(connectItem(text)).toBeUndefined();
    expect(texts(text)).toHaveLength(1);
  },
);

test('a request for a person is a complete connect_to_agent response', () => {
  const response = assistantReply('I need a human about my refund', 'c1');
  expect(response.id).toBe('c1');
  expect(response.output.generic).toEqual([
    { response_type: 'text', text: 'Sure, let me connect you with a person.' },
    {
      response_type: 'connect_to_agent',
      message_to_human_agent:
        'The customer asked the demo assistant for a person (they said: "I need a human about my refund").',
      topic: 'billing',
      agent_available: { message: expect.stringContaining('Connect to agent') },
      agent_unavailable: { message: AGENT_UNAVAILABLE_MESSAGE },
      transfer_info: {
        additional_data: { source: 'demo assistant' },
        summary_message_to_agent: [
          { response_type: 'text', text: 'Handed over at once: the demo assistant knows only the opening hours.' },
        ],
      },
    },
  ]);
});

test('the note to the agent does not repeat the topic (the agent sees it as a field)', () => {
  const item = connectItem('I need a person about my invoice')!;
  const note = [item.message_to_human_agent, ...item.transfer_info.summary_message_to_agent.map((t) => t.text)];
  expect(item.topic).toBe('billing');
  expect(note.join('\n')).not.toMatch(/billing|topic/i);
});

test('a very long request is shortened in the note to the agent', () => {
  const item = connectItem(`agent ${'x'.repeat(500)}`)!;
  expect(item.message_to_human_agent.length).toBeLessThan(300);
  expect(item.message_to_human_agent).toContain('…');
});

test('topics: billing, orders, account, else general', () => {
  expect(topicOf('where is my parcel')).toBe('orders');
  expect(topicOf('I forgot my password')).toBe('account');
  expect(topicOf('invoice is wrong')).toBe('billing');
  expect(topicOf('agent')).toBe('general');
});

test('known phrases get their answers; anything else says what the assistant can do', () => {
  expect(texts('What can you do?')[0]).toMatch(/connect you to a person/);
  expect(texts('When are you open?')[0]).toMatch(/Monday to Friday/);
  expect(texts('hi')[0]).toMatch(/^Hello!/);
  expect(texts('thank you')).toEqual(["You're welcome!"]);
  expect(texts('tell me a joke')[0]).toBe(
    'I\'m only a tiny demo assistant, so I can\'t answer "tell me a joke". Type "agent" to talk to a person.',
  );
});
