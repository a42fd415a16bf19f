import { AgentControl, CustomerPage, eventually, type ChatView } from './pages';
import { e2eSuite, forEachChannel, type Flow } from './suite';

/**
 * The customer's own connection goes away mid-chat (issue 16 items 3 and 4): the browser goes offline and the socket
 * it had drops. What they read must say what happened from their side, not as if the agent wrote it, and what they
 * write meanwhile must reach the agent, in order and once, when they are back, or be shown as not sent with a way to
 * send it if the chat ended first.
 */

const LOST =
  "Your connection to the chat was lost. Trying to reconnect… What you write meanwhile goes to the agent once you're connected again.";
const BACK = "You're connected again.";
/** Said only of messages held with no drop announced: after LOST, which says it already, it would be a second line. */
const HELD = "Not sent yet: what you write now goes to the agent once you're connected again.";
const NOT_SENT = 'This message could not be sent.';
const UNSENT_AT_END =
  'The chat ended before your messages marked as not sent could reach the agent. To send them, ask for an agent again.';
/** What the hosts said before, as a bot would, when a message was lost. */
const BOT_ERROR = /feel free to ask me something else/;

forEachChannel((channel) => {
  const { flow, stack } = e2eSuite({ channel });
  const agents = () => new AgentControl(stack());

  async function connectedCustomer(f: Flow): Promise<{ customer: CustomerPage; chat: ChatView }> {
    return agents().connectCustomer(await f.open('/', 'customer'));
  }

  /** The page loses the network, and with it the socket it had (the emulator sees it go). */
  async function goOffline(customer: CustomerPage, chat: ChatView): Promise<void> {
    await customer.tab.context.setOffline(true);
    await agents().dropSocket(chat.id, false);
    await customer.text(LOST).waitFor();
  }

  /**
   * The chat line a text is shown in (Carbon's message element, found from the text across its shadow roots and
   * slots): its classes, and the name and picture shown with it, if any.
   */
  function lineOf(
    customer: CustomerPage,
    text: string,
  ): Promise<{ classes: string; author: string; pictures: number }> {
    return customer.text(text).evaluate((el) => {
      const up = (n: Element): Element | null =>
        n.assignedSlot ?? n.parentElement ?? ((n.getRootNode() as ShadowRoot).host || null);
      let line: Element | null = el;
      while (line && !line.classList.contains('cds-aichat--message')) line = up(line);
      if (!line) return { classes: '', author: '', pictures: 0 };
      const all = (selector: string) => [
        ...line!.querySelectorAll(selector),
        ...(line!.shadowRoot?.querySelectorAll(selector) ?? []),
      ];
      return {
        classes: line.className,
        author: all('.cds-aichat--message__label')
          .map((l) => l.textContent ?? '')
          .join(' '),
        pictures: all('.cds-aichat--message__avatar--agent, .cds-aichat--response-user-avatar__letter, img').length,
      };
    });
  }

  /** A line of the chat's own (centred, no one's name or picture), not one written by the agent. */
  async function expectStatusLine(customer: CustomerPage, text: string): Promise<void> {
    const line = await lineOf(customer, text);
    expect(line.classes).toContain('cds-aichat--message--system-message');
    expect(line.author).toBe('');
    expect(line.pictures).toBe(0);
  }

  flow(
    'written while offline: kept, shown as not sent yet, and sent to the agent in order once the customer is back',
    async (f) => {
      const { customer, chat } = await connectedCustomer(f);
      await customer.say('Before going offline');
      await eventually(
        async () => (await agents().guestMessages(chat.id)).includes('Before going offline'),
        10_000,
        'the first message at the agent',
      );

      await goOffline(customer, chat);
      await expectStatusLine(customer, LOST);
      // The customer may go on writing: the input stays open.
      expect(await customer.input.isEditable()).toBe(true);
      await customer.say('First while offline');
      await customer.say('Second while offline');
      await customer.text('Second while offline').waitFor();
      expect(await agents().guestMessages(chat.id)).toEqual(['Before going offline']);

      await customer.tab.context.setOffline(false);
      await customer.text(BACK).waitFor();
      await expectStatusLine(customer, BACK);
      await eventually(
        async () => (await agents().guestMessages(chat.id)).length === 3,
        15_000,
        'the messages written offline at the agent',
      );
      // In the order written, each once; nothing on the customer's side says a message was lost.
      expect(await agents().guestMessages(chat.id)).toEqual([
        'Before going offline',
        'First while offline',
        'Second while offline',
      ]);
      // One line told the customer the connection was lost and that what they write waits; one that it is back.
      for (const text of ['First while offline', 'Second while offline', LOST, BACK])
        expect({ text, count: await customer.count(text) }).toEqual({ text, count: 1 });
      expect(await customer.count(HELD)).toBe(0);
      expect(await customer.count(NOT_SENT)).toBe(0);
      expect(await customer.panel.getByText(BOT_ERROR).count()).toBe(0);
      expect(await customer.count('The agent reconnected.')).toBe(0);

      // The chat goes on both ways.
      await agents().say(chat.id, 'Got both of them');
      await customer.text('Got both of them').waitFor();
      // What the agent writes is shown under their name and picture, which the status lines above were not.
      const agentLine = await lineOf(customer, 'Got both of them');
      expect(agentLine.classes).not.toContain('cds-aichat--message--system-message');
      expect(agentLine.pictures).toBeGreaterThan(0);
      expect((await agents().chat(chat.id)).state).toBe('connected');
    },
    90_000,
  );

  flow(
    'the network goes and nothing closes the socket: the customer is told within seconds, and what they write then reaches the agent once',
    async (f) => {
      const { customer, chat } = await connectedCustomer(f);
      // Only the browser's word: the emulator keeps the socket, as a server does that has not noticed yet.
      const lostAt = Date.now();
      await customer.tab.context.setOffline(true);
      await customer.text(LOST).waitFor();
      const noticedMs = Date.now() - lostAt;
      console.log(`${channel}: network loss noticed in ${noticedMs} ms`);
      expect(noticedMs).toBeLessThan(5000);
      await customer.say('Written with no network');
      await customer.text('Written with no network').waitFor();
      await customer.tab.context.setOffline(false);
      await customer.text(BACK).waitFor();
      await eventually(
        async () => (await agents().guestMessages(chat.id)).includes('Written with no network'),
        15_000,
        'the message written with no network at the agent',
      );
      expect(await agents().guestMessages(chat.id)).toEqual(['Written with no network']);
      for (const text of [LOST, BACK]) expect({ text, count: await customer.count(text) }).toEqual({ text, count: 1 });
      expect(await customer.count(HELD)).toBe(0);
      expect(await customer.count(NOT_SENT)).toBe(0);
    },
    60_000,
  );

  flow(
    'the chat ended while the customer was offline: what they wrote is marked not sent, and they read how to send it',
    async (f) => {
      const { customer, chat } = await connectedCustomer(f);
      await goOffline(customer, chat);
      await customer.say('Written into the gap');
      await customer.text('Written into the gap').waitFor();
      await agents().end(chat.id);

      await customer.tab.context.setOffline(false);
      await customer.text(UNSENT_AT_END).waitFor();
      await expectStatusLine(customer, UNSENT_AT_END);
      // The message itself is marked: not sent.
      await customer.text(NOT_SENT).waitFor();
      expect(await customer.count(NOT_SENT)).toBe(1);
      expect(await customer.panel.getByText(BOT_ERROR).count()).toBe(0);
      expect(await agents().guestMessages(chat.id)).toEqual([]);
      expect((await agents().chat(chat.id)).state).toBe('ended');

      // The way to send it: ask for an agent again, and the new chat takes it.
      // Once the host has handed back to the assistant (a card it sends later would be the latest), the customer asks
      // again; the earlier chat's card is still in the list, its button spent: the new one is the last.
      await customer.text('Can I help you with anything else?').waitFor();
      await customer.say('agent');
      await customer.panel.getByRole('button', { name: 'Connect to agent' }).last().click();
      const again = await agents().queuedChatOf(await customer.guestName());
      expect(again.id).not.toBe(chat.id);
      await agents().join(again.id);
      await customer.say('Written into the gap');
      await eventually(
        async () => (await agents().guestMessages(again.id)).includes('Written into the gap'),
        10_000,
        'the message in the new chat',
      );
    },
    90_000,
  );
});
