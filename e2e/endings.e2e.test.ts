import { startEmulator, type RunningEmulator } from 'genesys-handoff-emulator';
import { AgentControl } from './pages';
import { e2eSuite, forEachChannel } from './suite';

/**
 * How a chat ends, as the customer reads it: one ending, the true one. Here Genesys loses the conversation under a
 * live chat (the emulator restarts on the same port, every conversation and token gone): the chat closed, and no
 * one pretends the agent ended it.
 */

forEachChannel((channel) => {
  const { flow, stack } = e2eSuite({ channel });
  const agents = () => new AgentControl(stack());
  let restarted: RunningEmulator | undefined;
  afterAll(() => restarted?.close());

  flow(
    'Genesys loses the chat (emulator restart): the customer reads that the chat closed, once, and nothing else',
    async (f) => {
      const { customer, chat } = await agents().connectCustomer(await f.open('/', 'customer'));
      await agents().say(chat.id, 'Before the restart');
      await customer.text('Before the restart').waitFor();

      const { port } = stack().emulator;
      await stack().emulator.close();
      restarted = await startEmulator({ port });

      await customer.text('The chat with the agent has closed.').waitFor({ timeout: 30_000 });
      // The assistant is back: the ending is complete.
      await customer.input.waitFor();
      expect({
        closed: await customer.count('The chat with the agent has closed.'),
        agentEnded: await customer.count('Alex Agent ended the chat.'),
        agentEndedNoName: await customer.count('The live agent ended the chat.'),
      }).toEqual({ closed: 1, agentEnded: 0, agentEndedNoName: 0 });
    },
    90_000,
  );
});
