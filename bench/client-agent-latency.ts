/**
 * Agent → customer latency, both channels side by side: the time from the agent's message (the emulator's control
 * API, as the agent console sends it) to the desk's `sendMessageToUser` with it, one message at a time on a quiet
 * chat (600 ms apart), through the whole client as shipped (socket, parse, pipeline, desk).
 *
 *   tsx bench/client-agent-latency.ts
 *
 * The emulator and two real middlewares run in a child process (`client-stack.ts`); the client runs here. Both
 * channels pay the same control API call, so the difference between them is the client's and the channel's.
 */
import { performance } from 'node:perf_hooks';
import { createGenesysServiceDeskFactory, type WebSocketCtor } from 'genesys-handoff-servicedesk/internals';
import { connectMessage } from 'genesys-handoff-servicedesk/test-fixtures';
import { CountingCallback } from './client-callback';
import { machine, median, table, today, writeSubsection } from './client-report';
import { conversationOf, startChildStack, type ChildStack } from './client-stack';
import { WebSocket } from './client-ws';

type Channel = 'web-messaging' | 'guest-chat';
const CHANNELS: readonly Channel[] = ['web-messaging', 'guest-chat'];
const NAME: Record<Channel, string> = { 'web-messaging': 'Web Messaging', 'guest-chat': 'guest chat' };
const MESSAGES = 30;
const GAP_MS = 600;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (xs: readonly number[], p: number) => [...xs].sort((a, b) => a - b)[Math.ceil(p * xs.length) - 1]!;

async function measureChannel(stack: ChildStack, channel: Channel): Promise<number[]> {
  const cb = new CountingCallback();
  const desk = await createGenesysServiceDeskFactory({
    serverBaseUrl: channel === 'web-messaging' ? stack.wmMiddlewareUrl : stack.middlewareUrl,
    webSocketCtor: WebSocket as unknown as WebSocketCtor,
    host: 'carbon',
    pageEvents: new EventTarget(),
    userProfile: { displayName: 'Latency Guest' },
  })({ callback: cb });
  await desk.startChat(connectMessage(), {});
  const id = await conversationOf(stack, cb.state);
  await stack.control('POST', `/chats/${id}/accept`, { agentId: stack.agentIds[0] });
  await stack.control('POST', `/chats/${id}/messages`, { body: 'warm-up' });
  await cb.waitFor(() => cb.lastText === 'warm-up', 'the warm-up message');
  const times: number[] = [];
  for (let i = 1; i <= MESSAGES; i++) {
    await sleep(GAP_MS);
    const body = `latency ${i}`;
    const shown = cb.waitFor(() => cb.lastText === body, body);
    const start = performance.now();
    await stack.control('POST', `/chats/${id}/messages`, { body });
    await shown;
    times.push(performance.now() - start);
  }
  await desk.endChat();
  return times;
}

async function main(): Promise<void> {
  const stack = await startChildStack();
  const rows: Array<[string, string, string, string]> = [];
  try {
    for (const channel of CHANNELS) {
      const t = await measureChannel(stack, channel);
      const f = (ms: number) => ms.toFixed(1);
      rows.push([NAME[channel], f(median(t)), f(percentile(t, 0.9)), f(Math.max(...t))]);
      console.log(`${NAME[channel]}: median ${f(median(t))} ms over ${t.length} messages`);
    }
  } finally {
    await stack.close();
  }
  writeSubsection(
    'Agent latency',
    `Command: \`tsx bench/client-agent-latency.ts\`. ${today()}, ${machine()}.

From the agent's message (the emulator's control API) to the desk's \`sendMessageToUser\` with it, ${MESSAGES} messages
one at a time on a quiet chat (${GAP_MS} ms apart), the client in Node against the emulator on loopback. On Web
Messaging an agent's message on a quiet socket is not held by the ordering buffer (\`detectors/order-by-time.ts\`:
messages overtake each other only within a burst); a burst is still held for the 300 ms window and sorted.

${table(['channel', 'median, ms', 'p90, ms', 'max, ms'], rows)}`,
  );
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
