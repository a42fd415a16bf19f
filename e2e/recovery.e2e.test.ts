import { AgentControl, CustomerPage, eventually, type ChatView } from './pages';
import { e2eSuite, forEachChannel, type Flow } from './suite';

const LOST =
  "Your connection to the chat was lost. Trying to reconnect… What you write meanwhile goes to the agent once you're connected again.";

/**
 * Interruptions: a page reload in the middle of an agent chat, and the event stream's TCP connection cut. The
 * conversation in Genesys must go on, and what the agent wrote meanwhile must reach the customer exactly once.
 */

/**
 * The texts in the order the message list shows them (each must be shown once), by the index Carbon gives each
 * message it lists (its texts sit in shadow trees of their own, where document order is not defined).
 */
async function shownOrder(customer: CustomerPage, texts: string[]): Promise<string[]> {
  const index = async (text: string) => {
    const message = customer.panel.locator('[data-testid^="message-by-index-"]', {
      has: customer.page.getByText(text, { exact: true }),
    });
    return Number((await message.getAttribute('data-testid'))!.replace(/\D+/g, ''));
  };
  const indexes = await Promise.all(texts.map(index));
  return texts
    .map((t, i) => ({ t, at: indexes[i]! }))
    .sort((a, b) => a.at - b.at)
    .map(({ t }) => t);
}

/**
 * Who a message is shown as from: 'customer' for the customer's own (Carbon shows them as requests), else the name on
 * the message's label ("<name> <time>"; the first message of a run of one sender carries it).
 */
async function sender(customer: CustomerPage, text: string): Promise<string> {
  const message = customer.panel
    .locator('.cds-aichat--message', { has: customer.page.getByText(text, { exact: true }) })
    .last();
  if (await message.evaluate((el) => el.classList.contains('cds-aichat--message--request'))) return 'customer';
  const label = await message.locator('.cds-aichat--message__label').innerText();
  return label.replace(/\s*\d{1,2}:\d{2}.*$/s, '').trim();
}

forEachChannel((channel) => {
  const { flow, stack } = e2eSuite({ channel });
  const agents = () => new AgentControl(stack());
  // The event stream's socket, and the request the client makes before it reopens one after a drop.
  const SOCKET_ENDPOINT = channel === 'web-messaging' ? 'WS /v1' : 'WS /chat/jwt/:token';
  const BEFORE_REOPEN =
    channel === 'web-messaging'
      ? 'GET /v1'
      : 'GET /api/v2/webchat/guest/conversations/:conversationId/members/:memberId';

  // On Web Messaging the agent announces themself with a greeting (AgentControl.join): one more earlier message.
  const greeting = channel === 'web-messaging' ? [AgentControl.greeting('Alex Agent')] : [];

  async function connectedCustomer(f: Flow): Promise<{ customer: CustomerPage; chat: ChatView }> {
    const customer = new CustomerPage(await f.open('/', 'customer'));
    await customer.openChat();
    await customer.requestAgent();
    const chat = await agents().queuedChatOf(await customer.guestName());
    await agents().join(chat.id);
    await customer.text('Alex Agent connected.').waitFor();
    return { customer, chat };
  }

  /**
   * Event-stream sockets the emulator has accepted so far (its request log hides the token, so this is a count over
   * all chats: the flows here run one at a time, and only the flow's own page opens sockets).
   */
  async function socketsAccepted(): Promise<number> {
    const { entries } = await agents().call<{ entries: Array<{ endpoint: string; status: number }> }>(
      'GET',
      `/requests?limit=10000&endpoint=${encodeURIComponent(SOCKET_ENDPOINT)}`,
    );
    return entries.filter((e) => e.endpoint === SOCKET_ENDPOINT && e.status === 101).length;
  }

  flow(
    'reload mid-chat: the earlier messages stay on screen, each once and in order, and the chat goes on',
    async (f) => {
      const { customer, chat } = await connectedCustomer(f);
      const note = await agents().noteToAgent(chat.id);
      expect(note).toBeTruthy();
      await customer.say('Before the reload');
      await eventually(
        async () => (await agents().guestMessages(chat.id)).includes('Before the reload'),
        10_000,
        'the message before the reload at the agent',
      );
      await agents().say(chat.id, 'Agent before the reload');
      await customer.text('Agent before the reload').waitFor();
      const sockets = await socketsAccepted();

      // The old page is gone once the reload commits; the agent writes before the new page has reattached.
      await customer.page.reload({ waitUntil: 'commit' });
      await agents().say(chat.id, 'Sent during the reload');

      // Carbon reopens itself (its view state is persisted) and calls our reconnect: what the customer had seen is
      // shown again, then the agent is announced and the missed message is fetched from Genesys.
      await customer.text('Sent during the reload').waitFor();
      await customer.text('Alex Agent connected.').waitFor();
      await customer.banner.getByText('Alex Agent', { exact: true }).waitFor();
      const earlier = [...greeting, 'Before the reload', 'Agent before the reload'];
      for (const text of [...earlier, 'Sent during the reload']) {
        expect({ text, count: await customer.count(text) }).toEqual({ text, count: 1 });
      }
      const beforeAfter = [...earlier, 'Alex Agent connected.', 'Sent during the reload'];
      expect(await shownOrder(customer, beforeAfter)).toEqual(beforeAfter);
      // Each as who wrote it: the customer's words as theirs, the agent's under the agent's name.
      await expect(sender(customer, 'Before the reload')).resolves.toBe('customer');
      await expect(sender(customer, 'Agent before the reload')).resolves.toBe('Alex Agent');
      // The hand-off note is for the agent only.
      expect(await customer.page.getByText(note!, { exact: false }).count()).toBe(0);

      // Both sides go on in the same conversation.
      await customer.say('After the reload');
      await eventually(
        async () => (await agents().guestMessages(chat.id)).includes('After the reload'),
        10_000,
        'the message after the reload at the agent',
      );
      await agents().say(chat.id, 'Agent after the reload');
      await customer.text('Agent after the reload').waitFor();

      for (const text of [...earlier, 'Sent during the reload', 'Alex Agent connected.', 'Agent after the reload']) {
        expect({ text, count: await customer.count(text) }).toEqual({ text, count: 1 });
      }
      const whole = [...earlier, 'Sent during the reload', 'Agent after the reload'];
      expect(await shownOrder(customer, whole)).toEqual(whole);
      // In Genesys nothing was lost: one conversation, the guest's messages in order, one new socket.
      const name = await customer.guestName();
      expect((await agents().chats()).filter((c) => c.guest.displayName === name).map((c) => c.id)).toEqual([chat.id]);
      expect(await agents().guestMessages(chat.id)).toEqual(['Before the reload', 'After the reload']);
      expect((await agents().chat(chat.id)).state).toBe('connected');
      expect(await socketsAccepted()).toBe(sockets + 1);
    },
  );

  flow('socket dropped: the customer is told, the chat recovers, and nothing is lost or doubled', async (f) => {
    const { customer, chat } = await connectedCustomer(f);
    await agents().say(chat.id, 'Before the drop');
    await customer.text('Before the drop').waitFor();
    const sockets = await socketsAccepted();

    // Hold the reconnect a little (guest chat: the client checks its membership before reopening; Web Messaging: the
    // socket's upgrade), so the agent's next message is sent while the customer has no socket and must be fetched
    // after the reconnect.
    await agents().call('POST', '/faults', {
      endpoint: BEFORE_REOPEN,
      latencyMs: 2000,
      times: 1,
    });
    await agents().dropSocket(chat.id, false);
    await customer.text(LOST).waitFor();
    await agents().say(chat.id, 'Sent while the connection was down');

    // Told from the customer's side: it was their connection, not the agent's.
    await customer.text("You're connected again.").waitFor();
    expect(await customer.count('The agent reconnected.')).toBe(0);
    expect(await customer.count(LOST)).toBe(1);
    await customer.text('Sent while the connection was down').waitFor();
    await agents().say(chat.id, 'After the recovery');
    await customer.text('After the recovery').waitFor();

    for (const text of [
      'Before the drop',
      'Sent while the connection was down',
      'After the recovery',
      "You're connected again.",
    ]) {
      expect({ text, count: await customer.count(text) }).toEqual({ text, count: 1 });
    }
    // The customer's messages reach the same conversation again.
    await customer.say('Customer after the recovery');
    await eventually(
      async () => (await agents().guestMessages(chat.id)).includes('Customer after the recovery'),
      10_000,
      'the message at the agent',
    );
    expect(await socketsAccepted()).toBe(sockets + 1);
    expect((await agents().chat(chat.id)).state).toBe('connected');
  });
});
