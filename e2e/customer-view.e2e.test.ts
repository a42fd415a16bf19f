import { AGENT_AVAILABLE_MESSAGE } from 'genesys-handoff-demo/assistant';
import { AgentControl, CustomerPage, eventually, PLACE_IN_LINE_TIMEOUT_MS, type ChatView } from './pages';
import { e2eSuite, forEachChannel, type Flow } from './suite';
import { saveScreenshot } from './readme-pictures';

/**
 * What the customer reads at the moments they judge the hand-off by (issue 16): who ended the chat, their place in
 * line while they wait, the agent's messages in view, and a start that fails while the middleware is away.
 */

forEachChannel((channel) => {
  const { flow, stack } = e2eSuite({ channel });
  const agents = () => new AgentControl(stack());

  async function waitingCustomer(f: Flow, label = 'customer'): Promise<{ customer: CustomerPage; chat: ChatView }> {
    const customer = new CustomerPage(await f.open('/', label));
    await customer.openChat();
    await customer.requestAgent();
    return { customer, chat: await agents().queuedChatOf(await customer.guestName()) };
  }

  async function connectedCustomer(f: Flow): Promise<{ customer: CustomerPage; chat: ChatView }> {
    const { customer, chat } = await waitingCustomer(f);
    await agents().join(chat.id);
    await customer.text('Alex Agent connected.').waitFor();
    return { customer, chat };
  }

  flow('the agent ends the chat: the customer reads that the agent ended it, and not that they left', async (f) => {
    const { customer, chat } = await connectedCustomer(f);
    await agents().end(chat.id);
    await customer.text('Alex Agent ended the chat.').waitFor();
    await customer.text('Can I help you with anything else?').waitFor();
    expect(await customer.panel.getByText(/You (disconnected|cancelled|ended)/).count()).toBe(0);
  });

  flow('the customer ends the chat: the customer reads that they ended it', async (f) => {
    const { customer, chat } = await connectedCustomer(f);
    await customer.disconnect();
    await customer.text('You disconnected from the live agent.').first().waitFor();
    await eventually(async () => (await agents().chat(chat.id)).state === 'ended', 10_000, 'the chat to end');
    expect(await customer.count('Alex Agent ended the chat.')).toBe(0);
  });

  flow('the customer cancels while queued: the customer reads that they cancelled the request', async (f) => {
    const { customer, chat } = await waitingCustomer(f);
    await customer.cancelRequest();
    await customer.text('You cancelled the request for an agent.').waitFor();
    await eventually(async () => (await agents().chat(chat.id)).state === 'ended', 10_000, 'the chat to end');
    expect(await customer.panel.getByText(/You disconnected|ended the chat/).count()).toBe(0);
  });

  flow('an agent message comes into view without the customer scrolling', async (f) => {
    const { customer, chat } = await connectedCustomer(f);
    // Enough agent lines to push the newest below the fold, unless the list follows them.
    for (let i = 1; i <= 12; i++) await agents().say(chat.id, `Agent line ${i} of twelve, with some words to fill it.`);
    const last = customer.text('Agent line 12 of twelve, with some words to fill it.');
    await last.waitFor();
    // In view: between the agent banner at the top of the panel and the input at its bottom.
    await eventually(
      () => customer.inView(last),
      10_000,
      'the newest agent line to be in view, between the banner and the input',
    );
  });

  flow('waiting: the place in line and the wait in words, refreshed as the line moves', async (f) => {
    const first = await waitingCustomer(f, 'first');
    const second = await waitingCustomer(f, 'second');
    await second.customer.banner
      .getByText(/You're number 2 in line\. Expected wait: (less than a minute|about a minute|about \d+ minutes)\./)
      .waitFor({ timeout: PLACE_IN_LINE_TIMEOUT_MS });
    expect(await second.customer.banner.getByText(/\b0 minutes/).count()).toBe(0);
    await saveScreenshot(second.customer, 'docs/queued.png', channel);
    await agents().join(first.chat.id);
    await first.customer.text('Alex Agent connected.').waitFor();
    await second.customer.banner.getByText(/You're number 1 in line\./).waitFor({ timeout: PLACE_IN_LINE_TIMEOUT_MS });
  });

  flow('back to a queue: the customer waits again, with the place in line', async (f) => {
    const { customer, chat } = await connectedCustomer(f);
    await agents().call('POST', `/chats/${chat.id}/transfer`, { toQueue: 'Chat Queue' });
    // Genesys tells a Web Messaging guest nothing of the agent leaving until the next one writes: there the place in
    // line (the conversation waits in the queue again) is the first word of it.
    if (channel === 'guest-chat') await customer.text('Alex Agent disconnected.').waitFor();
    await customer
      .text(
        /^You're waiting for the next agent\. You're number \d+ in line\. Expected wait: (less than a minute|about)/,
      )
      .waitFor({ timeout: PLACE_IN_LINE_TIMEOUT_MS });
    expect(await customer.panel.getByText('**').count()).toBe(0);
    await agents().join(chat.id, { name: 'Blair Expert' });
    await customer.text('Blair Expert connected.').waitFor();
    expect(await customer.count('Alex Agent disconnected.')).toBe(1);
  });

  flow(
    'the middleware and Genesys go away after the card: the start fails, is told, and the chat stays usable',
    async (f) => {
      const customer = new CustomerPage(await f.open('/', 'customer'));
      await customer.openChat();
      await customer.say('I want to talk to someone');
      await customer.text(AGENT_AVAILABLE_MESSAGE).waitFor();
      // Everything but the site itself stops answering.
      const site = stack().siteUrl;
      await customer.page.route(
        (url) => url.origin !== site,
        (route) => route.abort('connectionrefused'),
      );
      await customer.panel.getByRole('button', { name: 'Connect to agent' }).click();
      await customer
        .text("Sorry, we couldn't connect you to an agent right now. Please try again in a moment.")
        .waitFor();
      await customer.say('what can you do');
      await customer.text('I can tell you our opening hours', false).waitFor();
      // Once they are back, a new request can be made.
      await customer.page.unrouteAll();
      await customer.say('agent again, please');
      const connect = customer.panel.getByRole('button', { name: 'Connect to agent' });
      await eventually(async () => (await connect.count()) === 2, 10_000, 'a second connect card');
      expect(await connect.last().isEnabled()).toBe(true);
    },
  );
});
