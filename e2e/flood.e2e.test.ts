import { AgentControl, eventually } from './pages';
import { e2eSuite, forEachChannel } from './suite';

/**
 * A flood of agent messages (issue 17): the customer gets every message, once and in the agent's order, the newest in
 * view, and the page goes on answering while it takes the flood in. Speed is measured in `pnpm bench:client:flood`.
 */

const N = 1000;
const FLOOD_LINE = new RegExp(`^Flood line \\d+ of ${N}$`);

forEachChannel((channel) => {
  const { flow, stack } = e2eSuite({ channel });
  const agents = () => new AgentControl(stack());

  flow(
    `a burst of ${N} agent messages: every one shown once, in order, the newest in view; the customer can type meanwhile`,
    async (f) => {
      const { customer, chat } = await agents().connectCustomer(await f.open('/', 'customer'));
      const bodies = Array.from({ length: N }, (_, i) => `Flood line ${i + 1} of ${N}`);
      const sending = agents().sayAll(chat.id, bodies);

      // While the messages pour in, the page answers and the customer's typing lands in the input.
      expect(await customer.page.evaluate(() => document.title)).not.toBe('');
      await customer.input.fill('Please stop');
      await sending;

      let shown: string[] = [];
      await eventually(
        async () => (shown = await customer.linesMatching(FLOOD_LINE)).length >= N,
        45_000,
        `all ${N} agent lines to be shown`,
      );
      const transcript = (await agents().chat(chat.id)).messages
        .filter((m) => m.senderRole === 'AGENT' && FLOOD_LINE.test(m.body))
        .map((m) => m.body);
      expect(transcript).toHaveLength(N);
      expect(shown).toEqual(transcript);

      await eventually(
        () => customer.inView(customer.text(transcript[N - 1]!)),
        10_000,
        'the newest agent line to be in view, between the banner and the input',
      );

      expect(await customer.input.innerText()).toBe('Please stop');
      await customer.input.press('Enter');
      await eventually(
        async () => (await agents().guestMessages(chat.id)).includes('Please stop'),
        10_000,
        "the customer's message to reach the agent",
      );
    },
    { timeoutMs: 90_000 },
  );
});
