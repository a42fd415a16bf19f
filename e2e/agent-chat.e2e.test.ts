import { AGENT_AVAILABLE_MESSAGE, AGENT_UNAVAILABLE_MESSAGE } from 'genesys-handoff-demo/assistant';
import { AgentControl, CustomerPage, eventually, PLACE_IN_LINE_TIMEOUT_MS, type ChatView } from './pages';
import { e2eSuite, forEachChannel, type Flow } from './suite';

/**
 * The hand-off as a customer lives it, in headless Chromium against the production build of the demo: Carbon AI
 * Chat 1.9.1 and the local assistant, our service desk, the real middleware, the Genesys emulator. The agent is
 * played through the emulator's control API.
 */

forEachChannel((channel) => {
  const { flow, stack } = e2eSuite({ channel });
  const agents = () => new AgentControl(stack());
  const FLOW_GREETING = {
    'guest-chat': 'Thanks for contacting us. Finding an agent for you.',
    'web-messaging': 'Hi, I am the virtual assistant. An agent will be with you shortly.',
  };

  /** A customer who asked for a person and waits in the queue. */
  async function waitingCustomer(f: Flow): Promise<{ customer: CustomerPage; chat: ChatView }> {
    const customer = new CustomerPage(await f.open('/', 'customer'));
    await customer.openChat();
    await customer.requestAgent();
    return { customer, chat: await agents().queuedChatOf(await customer.guestName()) };
  }

  /** A customer chatting with `agent`. */
  async function connectedCustomer(f: Flow, agent = 'Alex Agent'): Promise<{ customer: CustomerPage; chat: ChatView }> {
    const { customer, chat } = await waitingCustomer(f);
    await agents().join(chat.id, { name: agent });
    await customer.text(`${agent} connected.`).waitFor();
    return { customer, chat };
  }

  flow('no agents on queue: the assistant says none is available instead of offering the connect card', async (f) => {
    await agents().allOnQueue(false);
    try {
      const customer = new CustomerPage(await f.open('/', 'customer'));
      await customer.openChat();
      await customer.say('can I talk to a human');
      await customer.text(AGENT_UNAVAILABLE_MESSAGE).waitFor();
      expect(await customer.panel.getByRole('button', { name: 'Connect to agent' }).count()).toBe(0);
      // Nothing was created in Genesys for this visitor.
      const name = await customer.guestName();
      expect((await agents().chats()).filter((c) => c.guest.displayName === name)).toEqual([]);
    } finally {
      await agents().allOnQueue(true);
    }
  });

  flow('the connect card, the request, and the waiting banner with the wait; Cancel leaves the queue', async (f) => {
    const customer = new CustomerPage(await f.open('/', 'customer'));
    await customer.openChat();
    await customer.say('I need a person about my invoice');
    await customer.text('Live agent support').waitFor();
    await customer.text(AGENT_AVAILABLE_MESSAGE).waitFor();
    await customer.panel.getByRole('button', { name: 'Connect to agent' }).click();

    // Waiting: the banner says the request is sent, with the place in line and the wait in words, refreshed (on Web
    // Messaging the middleware finds the conversation from a message of the customer's).
    await customer.banner.getByText('Request for agent sent...').waitFor();
    const wait = 'Expected wait: (less than a minute|about a minute|about \\d+ minutes)\\.';
    await customer.banner
      .getByText(new RegExp(`^You're number 1 in line\\. ${wait}$`))
      .waitFor({ timeout: PLACE_IN_LINE_TIMEOUT_MS });
    expect(await customer.banner.getByText(/\b0 minutes/).count()).toBe(0);
    await customer.panel.getByRole('button', { name: 'Connecting...' }).waitFor();

    // Genesys has the chat in the queue, with the assistant's topic and note for the agent.
    const chat = await agents().queuedChatOf(await customer.guestName());
    expect(chat.guest.customFields).toMatchObject({ topic: 'billing' });
    expect(await agents().noteToAgent(chat.id)).toContain('I need a person about my invoice');
    // The inbound flow's words reach the customer (the emulator's demo flows: a notice on guest chat, a bot's
    // greeting on Web Messaging).
    await customer.text(FLOW_GREETING[channel]).waitFor();

    // Cancel: confirm, and the guest leaves Genesys.
    await customer.cancelRequest();
    await eventually(async () => (await agents().chat(chat.id)).state === 'ended', 10_000, 'the cancelled chat to end');
    expect((await agents().chat(chat.id)).endReason).toBe('guest');
  });

  flow('an agent accepts: the customer sees the agent join, by name', async (f) => {
    const { customer } = await connectedCustomer(f, 'Alex Agent');
    await customer.banner.getByText('Alex Agent', { exact: true }).waitFor();
    await customer.text("You're now connected.").waitFor();
    await customer.panel.getByRole('button', { name: 'Connected' }).waitFor();
    // Our service desk implements reconnect, so Carbon does not warn that a reload ends the chat.
    expect(await customer.count("If you refresh or leave the current page, you'll have to request a new agent.")).toBe(
      0,
    );
    expect(await customer.count('Alex Agent connected.')).toBe(1);
  });

  flow('messages both ways, each shown once and in order', async (f) => {
    const { customer, chat } = await connectedCustomer(f);
    await customer.say('My parcel did not arrive');
    await eventually(
      async () => (await agents().guestMessages(chat.id)).includes('My parcel did not arrive'),
      10_000,
      'the message at the agent',
    );
    await agents().say(chat.id, 'Sorry to hear that. Let me check.');
    await customer.text('Sorry to hear that. Let me check.').waitFor();
    await customer.say('Order 1234');
    await agents().say(chat.id, 'Found it: it arrives tomorrow.');
    await customer.text('Found it: it arrives tomorrow.').waitFor();

    expect(await agents().guestMessages(chat.id)).toEqual(['My parcel did not arrive', 'Order 1234']);
    for (const text of [
      'My parcel did not arrive',
      'Sorry to hear that. Let me check.',
      'Order 1234',
      'Found it: it arrives tomorrow.',
    ]) {
      expect(await customer.count(text)).toBe(1);
    }
    // The agent's messages carry the agent's name, not the assistant's.
    const agentMessage = customer.panel.locator('[data-testid^="message-by-index-"]', {
      hasText: 'Found it: it arrives tomorrow.',
    });
    expect(await agentMessage.innerText()).toContain('Alex Agent');
  });

  flow('the agent typing is shown to the customer, and goes when the message arrives', async (f) => {
    const { customer, chat } = await connectedCustomer(f);
    const typing = customer.page.getByText('The live agent is typing').first();
    await agents().typing(chat.id);
    await typing.waitFor({ state: 'attached' });
    await agents().say(chat.id, 'Here is the answer.');
    await customer.text('Here is the answer.').waitFor();
    await typing.waitFor({ state: 'detached' });
  });

  flow('the customer typing reaches Genesys (throttled), before anything is sent', async (f) => {
    const { customer, chat } = await connectedCustomer(f);
    const typingNotices = async () => (await agents().chat(chat.id)).guest.typingNotices;
    expect(await typingNotices()).toBe(0);
    await customer.input.pressSequentially('I am still typing this', { delay: 20 });
    await eventually(async () => (await typingNotices()) >= 1, 10_000, 'a typing notice at the emulator');
    // Nothing was sent as a message, and one keystroke burst is one typing notice (at most one per 3 s on guest
    // chat, per 5 s on Web Messaging).
    expect(await agents().guestMessages(chat.id)).toEqual([]);
    expect(await typingNotices()).toBe(1);
  });

  flow('a transfer: the customer is told, then sees the new agent by name', async (f) => {
    const { customer, chat } = await connectedCustomer(f, 'Alex Agent');
    await agents().transferTo(chat.id, 'Blair Expert');
    await customer.text("You're being transferred.").waitFor();
    await customer.text('Blair Expert connected.').waitFor();
    // The one who left is Alex, not the agent taking over.
    expect(await customer.count('Alex Agent disconnected.')).toBe(1);
    expect(await customer.count('Blair Expert disconnected.')).toBe(0);
    await customer.banner.getByText('Blair Expert', { exact: true }).waitFor();
    await agents().say(chat.id, 'Blair here, I can help with that.');
    await customer.text('Blair here, I can help with that.').waitFor();
    // Blair's first message carries Blair's name (the host names an agent on the first of their messages in a row);
    // on Web Messaging that is the greeting that announced Blair.
    const first =
      channel === 'web-messaging' ? AgentControl.greeting('Blair Expert') : 'Blair here, I can help with that.';
    const message = customer.panel.locator('[data-testid^="message-by-index-"]', { hasText: first });
    expect(await message.innerText()).toContain('Blair Expert');
    // The customer keeps talking to the new agent.
    await customer.say('Thanks Blair');
    await eventually(
      async () => (await agents().guestMessages(chat.id)).includes('Thanks Blair'),
      10_000,
      'the message at Blair',
    );
  });

  flow('the agent ends the chat: the customer is told and is back with the assistant', async (f) => {
    const { customer, chat } = await connectedCustomer(f);
    await agents().end(chat.id);
    await customer.text('Alex Agent ended the chat.').waitFor();
    await customer.text('Can I help you with anything else?').waitFor();
    // The card does not claim the customer left: it says the request is closed, and the line above says who ended it.
    await customer.text('Your live agent request is closed.').waitFor();
    expect(await customer.count('You disconnected from the live agent.')).toBe(0);
    expect((await agents().chat(chat.id)).state).toBe('ended');
    // What the customer types now goes to the assistant again.
    await customer.say('what can you do');
    await customer.text('I can tell you our opening hours', false).waitFor();
    expect(await agents().guestMessages(chat.id)).toEqual([]);
  });

  flow('the customer ends the chat with Disconnect: the guest leaves the Genesys conversation', async (f) => {
    const { customer, chat } = await connectedCustomer(f);
    await customer.disconnect();
    await customer.text('You disconnected from the live agent.').first().waitFor();
    await eventually(
      async () => (await agents().chat(chat.id)).state === 'ended',
      10_000,
      'the chat to end in the emulator',
    );
    const ended = await agents().chat(chat.id);
    expect(ended.endReason).toBe('guest');
    expect(ended.guest).toMatchObject({ sockets: 0 });
    await customer.text('Can I help you with anything else?').waitFor();
  });

  flow(
    'back to the queue after a transfer: the customer is told who left and the next agent is named',
    async (f) => {
      const { customer, chat } = await connectedCustomer(f, 'Alex Agent');
      await agents().transferTo(chat.id, 'Blair Expert');
      await customer.text('Blair Expert connected.').waitFor();
      await agents().call('POST', `/chats/${chat.id}/transfer`, { toQueue: 'Chat Queue' });
      await customer.text('Blair Expert disconnected.').waitFor();
      expect(await customer.count('Alex Agent disconnected.')).toBe(1);
      await agents().join(chat.id);
      await eventually(async () => (await customer.count('Alex Agent connected.')) === 2, 10_000, 'Alex to join again');
    },
    {
      notOn: {
        'web-messaging':
          'Genesys tells a Web Messaging guest nothing when an agent sends the chat back to the queue; the next agent shows when they write, as in the transfer flow',
      },
    },
  );
});
