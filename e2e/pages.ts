import type { Locator, Page } from 'playwright-core';
import { callControl } from 'genesys-handoff-emulator';
import type { DemoStack } from './stack';
import type { Tab } from './suite';

/**
 * The customer's side: the demo page with Carbon AI Chat 1.9.1, through the locators that work across its shadow
 * roots (docs/webchat-hosts.md, "Browser tests"). Message texts are matched inside `main_panel` only: an aria-live
 * announcer repeats them elsewhere on the page.
 */
export class CustomerPage {
  readonly page: Page;
  readonly panel: Locator;
  readonly input: Locator;
  /** The human agent banner at the top of the chat (agent name, "Request for agent sent...", Disconnect / Cancel). */
  readonly banner: Locator;

  constructor(readonly tab: Tab) {
    this.page = tab.page;
    this.panel = this.page.getByTestId('main_panel');
    this.input = this.page.getByRole('textbox', { name: 'Message to send' });
    this.banner = this.page.locator('.cds-aichat--human-agent-banner');
  }

  /** Opens the chat from the launcher; the assistant's welcome shows. */
  async openChat(): Promise<void> {
    await this.page.getByRole('button', { name: 'Open the chat window' }).click();
    await this.text("Hi! I'm the demo assistant", false).waitFor();
  }

  /** After a reload Carbon may reopen itself (its view state is persisted): open it only if it is closed. */
  async ensureChatOpen(): Promise<void> {
    const launcher = this.page.getByRole('button', { name: 'Open the chat window' });
    await launcher.or(this.input).first().waitFor();
    if (await launcher.isVisible()) await launcher.click();
    await this.input.waitFor();
  }

  async say(text: string): Promise<void> {
    await this.input.fill(text);
    await this.input.press('Enter');
  }

  /** Asks the assistant for a person and selects "Connect to agent": the request is sent. */
  async requestAgent(ask = 'I want to talk to someone'): Promise<void> {
    await this.say(ask);
    await this.panel.getByRole('button', { name: 'Connect to agent' }).click();
    await this.page.getByText('Request for agent sent...').first().waitFor();
  }

  /** A text inside the message list (exact by default). */
  text(text: string | RegExp, exact = true): Locator {
    return this.panel.getByText(text, { exact });
  }

  async count(text: string): Promise<number> {
    return this.text(text).count();
  }

  /** The line is in the list's view: between the agent banner at its top and the input at its bottom. */
  async inView(line: Locator): Promise<boolean> {
    const [box, top, bottom] = await Promise.all([
      line.boundingBox(),
      this.banner.boundingBox(),
      this.input.boundingBox(),
    ]);
    return !!box && !!top && !!bottom && box.y >= top.y + top.height && box.y + box.height <= bottom.y;
  }

  /**
   * Every line of the message list whose whole text matches `pattern`, in the order shown. One evaluation in the page
   * (a locator per line would take minutes over thousands of lines). Carbon's lines sit in shadow roots inside the
   * main panel; the aria-live announcer that repeats them is outside it.
   */
  async linesMatching(pattern: RegExp): Promise<string[]> {
    // A string, not a function: a compiled function may call helpers of the test's compiler that the page lacks.
    return this.page.evaluate(
      `(${LINES_MATCHING})(${JSON.stringify(pattern.source)}, ${JSON.stringify(pattern.flags)})`,
    );
  }

  /** The name Carbon's service desk tells the agent (the demo's anonymous visitor name). */
  async guestName(): Promise<string> {
    const name = await this.page.evaluate(() => sessionStorage.getItem('genesys-handoff-demo.guest'));
    if (!name) throw new Error('the demo page has no guest name yet');
    return name;
  }

  /** Withdraws a waiting request: banner "Cancel", then confirm. */
  async cancelRequest(): Promise<void> {
    await this.banner.getByRole('button', { name: 'Cancel', exact: true }).click();
    await this.page
      .getByRole('dialog', { name: 'Cancel request?' })
      .getByRole('button', { name: 'Cancel request' })
      .click();
  }

  /** Ends the agent chat the way a person does: banner "Disconnect", then confirm. */
  async disconnect(): Promise<void> {
    await this.page.getByRole('button', { name: 'Disconnect', exact: true }).click();
    await this.page
      .getByRole('dialog', { name: 'Disconnect from live agent?' })
      .getByRole('button', { name: 'Disconnect' })
      .click();
  }
}

/**
 * How long a test waits for the place in line (first shown, or changed). The client asks every 10 s (its default
 * `availabilityRefreshMs`), and an answer may come from the queue's statistics of just before the chat joined the
 * queue (they are refreshed in the background): then the place shows with the next ask. So two asks' worth.
 */
export const PLACE_IN_LINE_TIMEOUT_MS = 25_000;

const LINES_MATCHING = `(source, flags) => {
  const re = new RegExp(source, flags);
  const all = (root) => {
    const out = [];
    for (const el of root.querySelectorAll('*')) {
      out.push(el);
      if (el.shadowRoot) out.push(...all(el.shadowRoot));
    }
    return out;
  };
  const panel = all(document).find((el) => el.getAttribute('data-testid') === 'main_panel');
  const lines = [];
  for (const el of panel ? all(panel) : []) {
    const text = (el.textContent || '').trim();
    if (el.childElementCount === 0 && re.test(text)) lines.push(text);
  }
  return lines;
}`;

export interface ChatView {
  id: string;
  /** `message` (Web Messaging) or `chat` (guest chat). */
  media: 'message' | 'chat';
  state: 'waiting' | 'queued' | 'connected' | 'ended';
  endReason: string | null;
  guest: {
    displayName: string;
    memberId: string;
    customFields: Record<string, string>;
    authenticatedGuest: boolean;
    /** Typing notices the guest sent. */
    typingNotices: number;
  };
  agent: { memberId: string; agentId: string | null; name: string; state: string } | null;
}

export interface ChatDetail extends ChatView {
  messages: Array<{ id: string; body: string; bodyType: string; senderRole: string; senderName: string }>;
}

/**
 * The agent's side, through the emulator's control API (documented in packages/emulator/README.md).
 *
 * `join` and `transferTo` are what a person does in the agent desktop and what the customer then sees. On Web
 * Messaging, Genesys tells the guest nothing when an agent accepts or a transfer completes: the customer learns of
 * the agent from their first message (docs/web-messaging-protocol.md, "Server frames"). So there the agent also
 * greets, as agents do; on guest chat the greeting is not needed and not sent.
 */
export class AgentControl {
  constructor(private readonly stack: Pick<DemoStack, 'channel' | 'emulator'>) {}

  /** The first words of an agent who takes the chat (sent on Web Messaging only, where they announce the agent). */
  static greeting(name: string): string {
    return `Hi, this is ${name}.`;
  }

  call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    return callControl<T>(this.stack.emulator.controlUrl, method, path, body);
  }

  async chats(): Promise<ChatView[]> {
    return (await this.call<{ entities: ChatView[] }>('GET', '/chats')).entities;
  }

  /** The guest's latest chat, once the emulator has it. */
  async chatOf(guestName: string, timeoutMs = 10_000): Promise<ChatView> {
    let found: ChatView | undefined;
    await eventually(
      async () => {
        found = (await this.chats()).filter((c) => c.guest.displayName === guestName).pop();
        return found !== undefined;
      },
      timeoutMs,
      `a chat for ${guestName} in the emulator`,
    );
    return found!;
  }

  async chat(id: string): Promise<ChatDetail> {
    return this.call<ChatDetail>('GET', `/chats/${id}`);
  }

  /** The guest's text messages in the transcript, in order: on Web Messaging the note to the agent comes first. */
  private async guestTexts(id: string): Promise<string[]> {
    return (await this.chat(id)).messages
      .filter((m) => m.senderRole === 'CUSTOMER' && m.bodyType === 'standard' && m.body !== '')
      .map((m) => m.body);
  }

  /** What the customer wrote, in order (the emulator's transcript), without the note to the agent. */
  async guestMessages(id: string): Promise<string[]> {
    const texts = await this.guestTexts(id);
    return this.stack.channel === 'web-messaging' ? texts.slice(1) : texts;
  }

  /**
   * The note the service desk leaves the agent when the chat starts: a notice on guest chat; on Web Messaging, which
   * has no notices from the guest, the conversation's first message (the customer is never shown it).
   */
  async noteToAgent(id: string): Promise<string | undefined> {
    if (this.stack.channel === 'web-messaging') return (await this.guestTexts(id))[0];
    return (await this.chat(id)).messages.find((m) => m.senderRole === 'CUSTOMER' && m.bodyType === 'notice')?.body;
  }

  accept(id: string, name = 'Alex Agent') {
    return this.call('POST', `/chats/${id}/accept`, { name });
  }
  /** The agent takes the chat so that the customer sees them join (see the class comment). */
  async join(id: string, accept: { name: string; avatarImageUrl?: string } = { name: 'Alex Agent' }): Promise<void> {
    await this.call('POST', `/chats/${id}/accept`, accept);
    await this.greetOnWebMessaging(id);
  }
  /** A transfer to another agent, who takes over so that the customer sees it (see the class comment). */
  async transferTo(id: string, toAgentName: string): Promise<void> {
    await this.transfer(id, toAgentName);
    await this.greetOnWebMessaging(id);
  }
  private async greetOnWebMessaging(id: string): Promise<void> {
    if (this.stack.channel !== 'web-messaging') return;
    const agent = (await this.chat(id)).agent;
    if (!agent) throw new Error(`no agent holds chat ${id} to greet the customer`);
    await this.say(id, AgentControl.greeting(agent.name));
  }
  say(id: string, body: string) {
    return this.call('POST', `/chats/${id}/messages`, { body });
  }
  /**
   * A burst: every body sent as fast as the emulator takes them, `concurrency` requests at a time (so not necessarily
   * in the order given: the transcript has the order the customer must see). `stopped` ends it early.
   */
  async sayAll(id: string, bodies: readonly string[], concurrency = 16, stopped = () => false): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < bodies.length && !stopped()) await this.say(id, bodies[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, bodies.length) }, worker));
  }
  typing(id: string) {
    return this.call('POST', `/chats/${id}/typing`);
  }
  transfer(id: string, toAgentName: string) {
    return this.call('POST', `/chats/${id}/transfer`, { toAgentName });
  }
  end(id: string) {
    return this.call('POST', `/chats/${id}/end`);
  }
  dropSocket(id: string, closeFrame: boolean) {
    return this.call('POST', `/chats/${id}/drop-socket`, { closeFrame });
  }

  /** A customer on the demo page asks for an agent, and the agent named in `accept` (created if new) takes the chat. */
  async connectCustomer(
    tab: Tab,
    accept: { name: string; avatarImageUrl?: string } = { name: 'Alex Agent' },
  ): Promise<{ customer: CustomerPage; chat: ChatView }> {
    const customer = new CustomerPage(tab);
    await customer.openChat();
    await customer.requestAgent();
    const chat = await this.queuedChatOf(await customer.guestName());
    await this.join(chat.id, accept);
    await customer.text(`${accept.name} connected.`).waitFor();
    return { customer, chat };
  }

  /** Every configured agent on or off queue. */
  async allOnQueue(onQueue: boolean): Promise<void> {
    const { entities } = await this.call<{ entities: Array<{ id: string }> }>('GET', '/agents');
    for (const a of entities) await this.call('PATCH', `/agents/${a.id}`, { onQueue });
  }

  /** How many requests the emulator served for an endpoint pattern (as its request log names it), optionally for one chat. */
  async requestCount(endpoint: string, conversationId?: string): Promise<number> {
    const r = await this.call<{ entries: Array<{ endpoint: string; url: string }> }>(
      'GET',
      `/requests?limit=10000&endpoint=${encodeURIComponent(endpoint)}`,
    );
    return r.entries.filter((e) => e.endpoint === endpoint && (!conversationId || e.url.includes(conversationId)))
      .length;
  }

  /**
   * The guest's chat once it waits in the queue (an agent can accept it only then). Looked for among all the guest's
   * chats each time: right after a second request, the newest chat the emulator lists may still be the ended one.
   */
  async queuedChatOf(guestName: string): Promise<ChatView> {
    let chat: ChatView | undefined;
    await eventually(
      async () => {
        chat = (await this.chats()).filter((c) => c.guest.displayName === guestName && c.state === 'queued').pop();
        return chat !== undefined;
      },
      10_000,
      `${guestName}'s chat to be queued`,
    );
    return chat!;
  }
}

/** Polls until `check` passes (for effects on the emulator's side; the browser side uses locator waits). */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
