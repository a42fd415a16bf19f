/**
 * The demo's local assistant: a pure function from what the user typed to the assistant's answer, in the JSON shape
 * watsonx Assistant sends (and Carbon AI Chat renders). No network, no model: a few phrases, and a real
 * `connect_to_agent` item when the user asks for a person, which is what starts the Genesys hand-off.
 *
 * The types below are the wire format, declared here so this module (and its unit test) never loads Carbon at run
 * time; `main.ts` hands the objects to Carbon as they are.
 */

export interface TextItem {
  response_type: 'text';
  text: string;
}

/** Carbon's `ConnectToHumanAgentItem`, plus `topic` (a watsonx Actions field that passes through at run time). */
export interface ConnectToAgentItem {
  response_type: 'connect_to_agent';
  /** What the agent is told first (our service desk posts it into the Genesys chat as a notice). */
  message_to_human_agent: string;
  /** Becomes the Genesys custom field `topic` the agent sees. */
  topic: string;
  agent_available: { message: string };
  agent_unavailable: { message: string };
  transfer_info: {
    additional_data?: Record<string, string>;
    summary_message_to_agent: TextItem[];
  };
}

export interface AssistantResponse {
  id: string;
  output: { generic: Array<TextItem | ConnectToAgentItem> };
}

/** Shown instead of the "Connect to agent" card when nobody is on the queue. */
export const AGENT_UNAVAILABLE_MESSAGE = 'Sorry, no agents are available right now. Please try again later.';
export const AGENT_AVAILABLE_MESSAGE =
  'A member of our team is available. Select "Connect to agent" to start chatting.';

export const WELCOME =
  "Hi! I'm the demo assistant. I only know a few things, but I can hand you over to a person on our service desk. " +
  'Try "What can you do?", "opening hours", or "I want to talk to someone".';

const HELP =
  'I can tell you our opening hours, and I can connect you to a person. Ask for an "agent", a "human", or just ' +
  'say "talk to someone". While you chat with the agent, everything you type goes to them; the agent answers from ' +
  'the agent console (the other link on this page).';

const HOURS =
  'Our service desk is open Monday to Friday, 8:00 to 18:00. Outside those hours I may tell you that no agent is available.';

/**
 * Asking for a person, in the ways people do: "agent", "human", "a real person", "talk to someone", "live chat",
 * "representative", "operator", "speak with support".
 */
const WANTS_PERSON =
  /\b(agents?|humans?|person|people|someone|somebody|anyone|representative|rep|operator|live chat|staff)\b|\b(talk|speak|chat)\s+(to|with)\s+(a\s+|an\s+|the\s+)?(support|team|service desk)\b/i;

const TOPICS: Array<[topic: string, pattern: RegExp]> = [
  ['billing', /\b(bill|billing|invoice|charge[ds]?|payment|refund)\b/i],
  ['orders', /\b(order|delivery|shipping|parcel|package|tracking)\b/i],
  ['account', /\b(account|password|log ?in|sign ?in|profile)\b/i],
];

/** The topic the agent sees, guessed from the request ("general" when nothing matches). */
export function topicOf(text: string): string {
  return TOPICS.find(([, pattern]) => pattern.test(text))?.[0] ?? 'general';
}

export function wantsPerson(text: string): boolean {
  return WANTS_PERSON.test(text);
}

/**
 * The assistant's answer to `text` (`""` is Carbon's welcome request). `id` names the response; tests pass a fixed
 * one.
 */
export function assistantReply(text: string, id: string = `assistant-${Date.now()}`): AssistantResponse {
  const said = text.trim();
  const reply = (...generic: Array<TextItem | ConnectToAgentItem>): AssistantResponse => ({ id, output: { generic } });
  const textItem = (t: string): TextItem => ({ response_type: 'text', text: t });

  if (said === '') return reply(textItem(WELCOME));
  if (wantsPerson(said)) {
    const topic = topicOf(said);
    const quoted = said.length > 200 ? `${said.slice(0, 200)}…` : said;
    return reply(textItem('Sure, let me connect you with a person.'), {
      response_type: 'connect_to_agent',
      message_to_human_agent: `The customer asked the demo assistant for a person (they said: "${quoted}").`,
      topic,
      agent_available: { message: AGENT_AVAILABLE_MESSAGE },
      agent_unavailable: { message: AGENT_UNAVAILABLE_MESSAGE },
      transfer_info: {
        additional_data: { source: 'demo assistant' },
        // The topic reaches the agent as a field of its own; the summary says what the assistant could not do.
        summary_message_to_agent: [textItem('Handed over at once: the demo assistant knows only the opening hours.')],
      },
    });
  }
  if (/\b(help|what can you do|how does (this|it) work)\b/i.test(said)) return reply(textItem(HELP));
  if (/\b(hours?|open(ing)?|close[ds]?|when)\b/i.test(said)) return reply(textItem(HOURS));
  if (/^(hi|hello|hey|good (morning|afternoon|evening))\b/i.test(said))
    return reply(textItem('Hello! How can I help? Say "agent" any time to talk to a person.'));
  if (/\b(thanks?|thank you|cheers)\b/i.test(said)) return reply(textItem("You're welcome!"));
  return reply(
    textItem(
      `I'm only a tiny demo assistant, so I can't answer "${said.length > 80 ? `${said.slice(0, 80)}…` : said}". Type "agent" to talk to a person.`,
    ),
  );
}
