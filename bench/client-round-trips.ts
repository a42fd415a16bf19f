/**
 * Round trips: sequential network round trips from `startChat` to "routed" with setup cached (target: at most 2;
 * the reference makes 4).
 *
 *   pnpm bench:client:round-trips
 *
 * The emulator and the real middleware run in a child process; the emulator starts routing a chat when its guest
 * socket attaches (docs/guest-chat-protocol.md, "Event stream"). Every request of the client is timed on the client side (the
 * middleware's fetch wrapped, the SDK's HTTP through `node:diagnostics_channel`, the WebSocket from construction to
 * `open`) and cross-checked with the emulator's own request log (`GET /control/requests`). The first chat of a page
 * fetches `/setup`; the second, measured, has it cached. Availability is off (the factory's default).
 */
import dc from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { createGenesysServiceDeskFactory, type WebSocketCtor } from 'genesys-handoff-servicedesk/internals';
import type { RequestLogEntry } from 'genesys-handoff-emulator';
import { CountingCallback } from './client-callback';
import { machine, table, today, verdict, writeSubsection } from './client-report';
import { startChildStack } from './client-stack';
import { WebSocket } from './client-ws';
import { connectMessage } from 'genesys-handoff-servicedesk/test-fixtures';

const TARGET = 2;

interface Exchange {
  what: string;
  start: number;
  end: number;
}

let recording: Exchange[] | undefined;
let pendingHttp = new Map<ClientRequest, { what: string; start: number }>();

/** The SDK's requests (axios over `node:http`); the emulator's control API and the WebSocket upgrade are left out. */
dc.subscribe('http.client.request.start', (m) => {
  const req = (m as { request: ClientRequest }).request;
  if (!recording || req.path.startsWith('/control') || req.path.startsWith('/chat/jwt/')) return;
  pendingHttp.set(req, { what: `${req.method} ${req.path.split('?')[0]}`, start: performance.now() });
});
dc.subscribe('http.client.response.finish', (m) => {
  const { request } = m as { request: ClientRequest; response: IncomingMessage };
  const p = pendingHttp.get(request);
  if (!p || !recording) return;
  pendingHttp.delete(request);
  recording.push({ what: `Genesys ${p.what}`, start: p.start, end: performance.now() });
});

/** The middleware client's fetch, timed. */
const timedFetch: typeof fetch = async (input, init) => {
  const start = performance.now();
  const res = await fetch(input, init);
  const body = await res.arrayBuffer();
  const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
  recording?.push({ what: `middleware ${init?.method ?? 'GET'} ${url.pathname}`, start, end: performance.now() });
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
};

/** The event-stream socket, timed from construction to `open` (the emulator attaches it, and routes, before that). */
class TimedWebSocket extends WebSocket {
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols);
    const start = performance.now();
    const log = recording;
    this.once('open', () =>
      log?.push({ what: 'Genesys WS /chat/jwt/:token (upgrade)', start, end: performance.now() }),
    );
  }
}

/** The largest number of exchanges of which each starts after the previous one ended (greedy by earliest end). */
function sequentialChain(xs: readonly Exchange[]): Exchange[] {
  const chain: Exchange[] = [];
  for (const x of [...xs].sort((a, b) => a.end - b.end))
    if (chain.length === 0 || x.start >= chain[chain.length - 1]!.end) chain.push(x);
  return chain;
}

interface ChatTrace {
  calledAt: number;
  resolvedAt: number;
  exchanges: Exchange[];
  routedAt: number;
  toRouted: Exchange[];
  chain: Exchange[];
  summary: Exchange | undefined;
  log: RequestLogEntry[];
  conversationId: string;
}

async function main(): Promise<void> {
  const stack = await startChildStack();
  try {
    const factory = createGenesysServiceDeskFactory({
      serverBaseUrl: stack.middlewareUrl,
      webSocketCtor: TimedWebSocket as unknown as WebSocketCtor,
      host: 'carbon',
      fetch: timedFetch,
      userProfile: { displayName: 'Round-trip Guest' },
    });
    const cb = new CountingCallback();
    const desk = await factory({ callback: cb });

    const trace = async (): Promise<ChatTrace> => {
      await stack.control('DELETE', '/requests');
      const exchanges: Exchange[] = [];
      recording = exchanges;
      pendingHttp = new Map();
      const calledAt = performance.now();
      await desk.startChat(connectMessage(), {});
      const resolvedAt = performance.now();
      recording = undefined;
      const conversationId = (cb.state['genesysChat'] as { conversationId: string }).conversationId;
      const chat = await stack.control<{ state: string }>('GET', `/chats/${conversationId}`);
      if (chat.state !== 'queued') throw new Error(`the chat is ${chat.state} after startChat, not queued (routed)`);
      const log = (await stack.control<{ entries: RequestLogEntry[] }>('GET', '/requests')).entries;
      await desk.endChat();
      const ws = exchanges.find((x) => x.what.includes('WS '));
      if (!ws) throw new Error('no event-stream socket was opened');
      const routedAt = ws.end;
      const toRouted = exchanges.filter((x) => x.end <= routedAt);
      const summary = exchanges.find((x) => x.what.includes('/messages'));
      return {
        calledAt,
        resolvedAt,
        exchanges,
        routedAt,
        toRouted,
        chain: sequentialChain(toRouted),
        summary,
        log,
        conversationId,
      };
    };

    const first = await trace();
    const second = await trace();

    const ms = (x: number, t: ChatTrace) => `${(x - t.calledAt).toFixed(1)}`;
    const rowsOf = (t: ChatTrace) =>
      t.exchanges
        .sort((a, b) => a.start - b.start)
        .map((x, i) => [
          String(i + 1),
          x.what.replace(t.conversationId, ':conversationId').replace(/members\/[0-9a-f-]{36}/, 'members/:memberId'),
          ms(x.start, t),
          ms(x.end, t),
          x.end <= t.routedAt ? 'yes' : 'no, after routing',
        ]);
    const head = ['#', 'exchange (client side)', 'start, ms', 'end, ms', 'before routed'];
    const tFirst = table(head, rowsOf(first));
    const tSecond = table(head, rowsOf(second));
    const logOf = (t: ChatTrace) =>
      t.log.map((e, i) => `${i + 1}. \`${e.endpoint}\` ${e.status} at ${e.at.slice(11)}`).join('; ');
    const wsIndex = second.log.findIndex((e) => e.endpoint.startsWith('WS '));
    const summaryIndex = second.log.findIndex((e) => e.endpoint.startsWith('POST') && e.endpoint.endsWith('/messages'));
    const middlewareCalls = second.exchanges.filter((x) => x.what.startsWith('middleware'));
    const summaryAfterRouting =
      !!second.summary && second.summary.start >= second.routedAt && wsIndex !== -1 && summaryIndex > wsIndex;
    const count = second.chain.length;

    console.log(
      `\nFirst chat of the page (setup not cached): ${first.chain.length} sequential round trips to routed\n${tFirst}`,
    );
    console.log(`\nSecond chat (setup cached): ${count} sequential round trips to routed\n${tSecond}`);
    console.log(`\nEmulator log, second chat: ${logOf(second)}`);
    console.log(
      `middleware calls in the second chat: ${middlewareCalls.length}; summary POST after routing: ${summaryAfterRouting}`,
    );

    writeSubsection(
      'Round trips',
      `Command: \`pnpm bench:client:round-trips\` (\`bench/client-round-trips.ts\`). Run ${today()} on ${machine()}.

Emulator and real middleware on loopback (child process); availability off (the factory's default); the start
message carries a \`connect_to_agent\` item, so a summary for the agent is posted. Exchanges are timed on the client
(middleware fetch wrapped, the SDK's HTTP via \`node:diagnostics_channel\`, the WebSocket from construction to
\`open\`); "routed" is the socket's attachment, where the emulator starts routing (the emulator attaches before the
upgrade completes, so \`open\` is after it). Sequential round trips = the longest chain of exchanges each starting
after the previous one ended, up to routed. Times are from the \`startChat\` call.

**Second chat, setup cached (measured): ${count} sequential round trips** — ${second.chain.map((x) => x.what.replace(second.conversationId, ':id')).join(' → ')}.
Middleware calls: ${middlewareCalls.length}. \`startChat\` resolved after ${(second.resolvedAt - second.calledAt).toFixed(1)} ms.

${tSecond}

Emulator request log for it (order of recording; the WS entry is written at attachment): ${logOf(second)}.
The summary POST starts ${second.summary ? `${(second.summary.start - second.routedAt).toFixed(1)} ms after the socket opened` : '(none)'} and is logged after the WS entry
(${summaryIndex + 1} > ${wsIndex + 1}): **${summaryAfterRouting ? 'after routing, not on the critical path' : 'ON the critical path'}**.

First chat of the page, for comparison (fetches \`/setup\`): ${first.chain.length} sequential round trips — ${first.chain.map((x) => x.what.replace(first.conversationId, ':id')).join(' → ')}.

${tFirst}

Target: at most ${TARGET} with setup cached (the reference makes 4) — **${verdict(count <= TARGET)}** (${count}).
Not counted, as for the reference: TCP (and, on \`wss://\`, TLS) handshakes of new connections, and in a browser the
CORS preflight of the cross-origin JSON \`POST /conversations\` whenever the browser has no cached preflight for it.`,
    );
    console.log('BENCHMARKS.md updated (Browser client / Round trips).');
  } finally {
    await stack.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
