/**
 * Round trips, both channels side by side: sequential network round trips from `startChat` to queued at Genesys with
 * setup and config cached (target: at most 2; the reference makes 4), and from page load to a restored chat after a
 * reload (target: at most 3).
 *
 *   pnpm bench:client:round-trips
 *
 * The emulator and two real middlewares (a web chat deployment for guest chat, a Messenger deployment for Web
 * Messaging) run in a child process. Every wait of the client on the wire is timed on the client side: HTTP requests
 * (the middleware's and Web Messaging's fetch wrapped, the guest chat SDK's `node:http` through
 * `node:diagnostics_channel`), the WebSocket upgrade (construction to `open`) and, on Web Messaging, each request frame
 * until the frame that answers it (same `tracingId`). Frames nobody answers (typing) are no wait and are not counted.
 * Sequential round trips = the longest chain of those exchanges in which each starts after the previous one ended.
 */
import dc from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import {
  createGenesysServiceDeskFactory,
  type GenesysServiceDesk,
  type WebSocketCtor,
} from 'genesys-handoff-servicedesk/internals';
import type { RequestLogEntry } from 'genesys-handoff-emulator';
import type { Channel } from 'genesys-handoff-servicedesk';
import { connectMessage } from 'genesys-handoff-servicedesk/test-fixtures';
import { CountingCallback } from './client-callback';
import { machine, table, today, verdict, writeSubsection } from './client-report';
import { conversationOf, startChildStack, type ChildStack } from './client-stack';
import { WebSocket } from './client-ws';

const START_TARGET = 2;
const RELOAD_TARGET = 3;
const CHANNELS: readonly Channel[] = ['web-messaging', 'guest-chat'];
const NAME: Record<Channel, string> = { 'web-messaging': 'Web Messaging', 'guest-chat': 'guest chat' };

interface Exchange {
  what: string;
  start: number;
  end: number;
}

let recording: Exchange[] | undefined;
/** Where the middleware of the channel being measured answers (its calls are named "middleware"). */
let middlewareOrigin = '';
let pendingHttp = new Map<ClientRequest, { what: string; start: number }>();

/** Ids, tokens and JWTs out of a path, so that the same exchange reads the same in every run. */
const generic = (path: string) =>
  path
    .split('?')[0]!
    .replace(/\/chat\/jwt\/[^/]+/, '/chat/jwt/:token')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, ':id');

/** The guest chat SDK's requests (axios over `node:http`); the emulator's control API and socket upgrades are left out. */
dc.subscribe('http.client.request.start', (m) => {
  const req = (m as { request: ClientRequest }).request;
  if (!recording || req.path.startsWith('/control') || req.path.startsWith('/chat/jwt/')) return;
  pendingHttp.set(req, { what: `${req.method} ${generic(req.path)}`, start: performance.now() });
});
dc.subscribe('http.client.response.finish', (m) => {
  const { request } = m as { request: ClientRequest; response: IncomingMessage };
  const p = pendingHttp.get(request);
  if (!p || !recording) return;
  pendingHttp.delete(request);
  recording.push({ what: `Genesys ${p.what}`, start: p.start, end: performance.now() });
});

/** The client's own fetch (the middleware, and Web Messaging's REST: deployment config, history), timed. */
const timedFetch: typeof fetch = async (input, init) => {
  const start = performance.now();
  const log = recording;
  const res = await fetch(input, init);
  const body = await res.arrayBuffer();
  const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
  const who = url.origin === middlewareOrigin ? 'middleware' : 'Genesys';
  log?.push({ what: `${who} ${init?.method ?? 'GET'} ${generic(url.pathname)}`, start, end: performance.now() });
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
};

/** What a Web Messaging request frame asks, in a few words. */
function describeRequest(r: Record<string, unknown>): string {
  const m = r['message'] as
    { type?: string; events?: Array<{ eventType?: string; presence?: { type?: string } }> } | undefined;
  if (r['action'] !== 'onMessage' || !m) return String(r['action']);
  const e = m.events?.[0];
  return e ? `onMessage ${e.eventType ?? ''} ${e.presence?.type ?? ''}`.trim() : `onMessage ${m.type ?? ''}`;
}

/**
 * The client's sockets, timed: the upgrade from construction to `open`, and each request frame that carries a
 * `tracingId` until the frame that answers it (Web Messaging answers with the same `tracingId`).
 */
class TimedWebSocket extends WebSocket {
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols);
    const start = performance.now();
    const log = recording;
    const path = generic(new URL(url).pathname);
    this.once('open', () => log?.push({ what: `Genesys WS ${path} (upgrade)`, start, end: performance.now() }));
    const asked = new Map<string, { what: string; start: number }>();
    const send = this.send.bind(this);
    this.send = ((data: unknown, ...rest: unknown[]) => {
      if (log && typeof data === 'string') {
        const r = JSON.parse(data) as Record<string, unknown>;
        if (typeof r['tracingId'] === 'string' && r['action'] !== 'echo')
          asked.set(r['tracingId'], { what: describeRequest(r), start: performance.now() });
      }
      return (send as (...a: unknown[]) => void)(data, ...rest);
    }) as typeof this.send;
    // Registered before the client's own handler: the time is the frame's arrival, not the end of its handling.
    this.on('message', (data: Buffer) => {
      if (!log || asked.size === 0) return;
      const f = JSON.parse(data.toString()) as { tracingId?: string; class?: string };
      const q = f.tracingId === undefined ? undefined : asked.get(f.tracingId);
      if (!q) return;
      asked.delete(f.tracingId!);
      log.push({ what: `Genesys WS ${q.what} → ${f.class ?? '?'}`, start: q.start, end: performance.now() });
    });
  }
}

/** The largest number of exchanges of which each starts after the previous one ended (greedy by earliest end). */
function sequentialChain(xs: readonly Exchange[]): Exchange[] {
  const chain: Exchange[] = [];
  for (const x of [...xs].sort((a, b) => a.end - b.end))
    if (chain.length === 0 || x.start >= chain[chain.length - 1]!.end) chain.push(x);
  return chain;
}

interface Trace {
  calledAt: number;
  resolvedAt: number;
  exchanges: Exchange[];
  /** When the chat is queued at Genesys (start) or restored (reload), as the client can tell. */
  doneAt: number;
  chain: Exchange[];
  log: RequestLogEntry[];
}

/** One page of a site on the channel: its factory (nothing cached yet) and a desk. */
function openPage(stack: ChildStack, channel: Channel, cb: CountingCallback) {
  const pageEvents = new EventTarget();
  const factory = createGenesysServiceDeskFactory({
    serverBaseUrl: channel === 'web-messaging' ? stack.wmMiddlewareUrl : stack.middlewareUrl,
    webSocketCtor: TimedWebSocket as unknown as WebSocketCtor,
    host: 'carbon',
    fetch: timedFetch,
    pageEvents,
    userProfile: { displayName: 'Round-trip Guest' },
  });
  return { pageEvents, desk: factory({ callback: cb }) };
}

/** Records the exchanges of `run`; `done` tells when the measured state was reached (default: when `run` resolved). */
async function traced(
  stack: ChildStack,
  run: () => Promise<unknown>,
  done?: (exchanges: Exchange[], resolvedAt: number) => number,
): Promise<Trace> {
  await stack.control('DELETE', '/requests');
  const exchanges: Exchange[] = [];
  recording = exchanges;
  pendingHttp = new Map();
  const calledAt = performance.now();
  await run();
  const resolvedAt = performance.now();
  recording = undefined;
  const doneAt = done ? done(exchanges, resolvedAt) : resolvedAt;
  const log = (await stack.control<{ entries: RequestLogEntry[] }>('GET', '/requests')).entries;
  return {
    calledAt,
    resolvedAt,
    exchanges,
    doneAt,
    chain: sequentialChain(exchanges.filter((x) => x.end <= doneAt)),
    log,
  };
}

/**
 * Queued at Genesys: on guest chat the emulator routes when the event-stream socket attaches (before the upgrade
 * completes, so the upgrade's end is after it); on Web Messaging the first `onMessage` of the session (the Join that
 * carries the custom attributes) starts the inbound flow, which queues the conversation, and its echo is how the
 * client learns it was taken.
 */
function queuedAt(channel: Channel) {
  return (xs: Exchange[]) => {
    const x =
      channel === 'guest-chat'
        ? xs.find((e) => e.what.includes('(upgrade)'))
        : xs.find((e) => e.what.startsWith('Genesys WS onMessage'));
    if (!x) throw new Error(`${channel}: no exchange marks the chat as queued`);
    return x.end;
  };
}

interface ChannelResult {
  channel: Channel;
  first: Trace;
  second: Trace;
  reload: Trace;
  shown: Exchange[];
}

async function measureChannel(stack: ChildStack, channel: Channel): Promise<ChannelResult> {
  middlewareOrigin = new URL(channel === 'web-messaging' ? stack.wmMiddlewareUrl : stack.middlewareUrl).origin;
  const cb = new CountingCallback();
  const page = openPage(stack, channel, cb);
  const desk = await page.desk;
  const start = async () => {
    const t = await traced(stack, () => desk.startChat(connectMessage(), {}), queuedAt(channel));
    const id = await conversationOf(stack, cb.state);
    const chat = await stack.control<{ state: string }>('GET', `/chats/${id}`);
    if (chat.state !== 'queued') throw new Error(`${channel}: the chat is ${chat.state} after startChat, not queued`);
    await desk.endChat();
    return t;
  };
  const first = await start();
  const second = await start();

  // A chat with an agent, then a reload: the page goes (pagehide, its sockets die), the agent writes meanwhile, and a
  // new page (nothing cached) reattaches with the host's persisted state.
  const joined = cb.n('agentJoined');
  await desk.startChat(connectMessage(), {});
  const id = await conversationOf(stack, cb.state);
  await stack.control('POST', `/chats/${id}/accept`, { agentId: stack.agentIds[0] });
  await stack.control('POST', `/chats/${id}/messages`, { body: 'before the reload' });
  await cb.waitFor(() => cb.n('agentJoined') > joined && cb.lastText === 'before the reload', 'the agent');
  page.pageEvents.dispatchEvent(new Event('pagehide'));
  (desk as unknown as { disposeChat(): void }).disposeChat();
  await stack.control('POST', `/chats/${id}/messages`, { body: 'while you were away' });
  const cb2 = new CountingCallback();
  cb2.state = structuredClone(cb.state);
  let desk2: GenesysServiceDesk | undefined;
  let restoredAt = 0;
  const reload = await traced(
    stack,
    async () => {
      desk2 = await openPage(stack, channel, cb2).desk;
      if (!(await desk2.reconnect())) throw new Error(`${channel}: reconnect() after the reload resolved false`);
      restoredAt = performance.now();
      await cb2.waitFor(() => cb2.lastText === 'while you were away', 'the message missed during the reload');
    },
    () => restoredAt,
  );
  await desk2!.endChat();
  // Until the message the agent wrote during the reload is shown (the backfill).
  const shown = sequentialChain(reload.exchanges.filter((x) => x.end <= reload.resolvedAt));
  return { channel, first, second, reload, shown };
}

const rowsOf = (t: Trace) =>
  [...t.exchanges]
    .sort((a, b) => a.start - b.start)
    .map((x, i) => [
      String(i + 1),
      x.what,
      (x.start - t.calledAt).toFixed(1),
      (x.end - t.calledAt).toFixed(1),
      t.chain.includes(x) ? `step ${t.chain.indexOf(x) + 1}` : x.end <= t.doneAt ? 'beside the chain' : 'after',
    ]);
const HEAD = ['#', 'exchange (client side)', 'start, ms', 'end, ms', 'on the critical path (to queued / restored)'];
const chainText = (t: Trace) => `${t.chain.length} — ${t.chain.map((x) => x.what).join(' → ')}`;
const logOf = (t: Trace) => t.log.map((e, i) => `${i + 1}. \`${e.endpoint}\` ${e.status}`).join('; ');

async function main(): Promise<void> {
  const stack = await startChildStack();
  const results: ChannelResult[] = [];
  try {
    for (const channel of CHANNELS) results.push(await measureChannel(stack, channel));
  } finally {
    await stack.close();
  }

  for (const r of results) {
    console.log(`\n${NAME[r.channel]}`);
    console.log(`first chat (setup not cached): ${chainText(r.first)}\n${table(HEAD, rowsOf(r.first))}`);
    console.log(`second chat (setup cached): ${chainText(r.second)}\n${table(HEAD, rowsOf(r.second))}`);
    console.log(`reload: ${chainText(r.reload)}\n${table(HEAD, rowsOf(r.reload))}`);
  }

  const ms = (x: number) => `${x.toFixed(1)} ms`;
  const summary = table(
    [
      'channel',
      'startChat → queued, setup cached',
      'first chat of a page',
      'page load → restored chat after a reload',
      'page load → the message missed meanwhile shown',
      'startChat resolved (cached)',
      'reload: restored / missed message shown',
    ],
    results.map((r) => [
      NAME[r.channel],
      `**${r.second.chain.length}** (${verdict(r.second.chain.length <= START_TARGET)})`,
      String(r.first.chain.length),
      `**${r.reload.chain.length}** (${verdict(r.reload.chain.length <= RELOAD_TARGET)})`,
      String(r.shown.length),
      ms(r.second.resolvedAt - r.second.calledAt),
      `${ms(r.reload.doneAt - r.reload.calledAt)} / ${ms(r.reload.resolvedAt - r.reload.calledAt)}`,
    ]),
  );
  const detail = results
    .map(
      (r) => `**${NAME[r.channel]}**

Second chat, setup cached: ${chainText(r.second)}.

${table(HEAD, rowsOf(r.second))}

Emulator request log: ${logOf(r.second)}.

First chat of the page: ${chainText(r.first)}.

${table(HEAD, rowsOf(r.first))}

Reload (a new page with the host's persisted state, nothing cached, \`reconnect()\`): ${chainText(r.reload)}; until the
missed message is shown: ${r.shown.length} — ${r.shown.map((x) => x.what).join(' → ')}.

${table(HEAD, rowsOf(r.reload))}`,
    )
    .join('\n\n');

  writeSubsection(
    'Round trips',
    `Command: \`pnpm bench:client:round-trips\` (\`bench/client-round-trips.ts\`). Run ${today()} on ${machine()}.

Emulator and real middlewares on loopback (child process; one middleware per channel); availability off (the
factory's default); the start message carries a \`connect_to_agent\` item, so a summary for the agent is posted. A
round trip is a wait of the client on the wire: an HTTP request until its response (the middleware's and Web
Messaging's fetch wrapped, the guest chat SDK's \`node:http\` via \`node:diagnostics_channel\`), the WebSocket upgrade
from construction to \`open\`, and on Web Messaging each request frame until the frame that answers it (same
\`tracingId\`); a frame nobody answers (typing) is no wait. Sequential round trips = the longest chain of those waits
in which each starts after the previous one ended. Queued: on guest chat the socket's attachment (the emulator routes
there, before the upgrade completes); on Web Messaging the session's first \`onMessage\` (the Join carrying the custom
attributes starts the inbound flow, which queues the conversation; its echo tells the client). Restored: \`reconnect()\`
resolved true after a reload, the chat live again (on Web Messaging once the socket is bound to the session: the
backfill of what was missed, \`getJwt\` then the history, follows while live messages are held back, so nothing is lost
or shown twice; the column after it counts until the message the agent wrote during the reload is shown). Times are
from the call.

${summary}

Targets: startChat → queued at most ${START_TARGET} with setup and config cached (the reference makes 4); page load → restored chat at most ${RELOAD_TARGET}.
Not counted, for either channel: TCP (and, on \`wss://\`, TLS) handshakes of new connections, and in a browser the CORS
preflight of a cross-origin JSON request whenever the browser has no cached preflight for it.

Why Web Messaging's start takes one more than guest chat: its first message (the Join with the custom attributes) is
sent when the \`SessionResponse\` has come, not with \`configureSession\`. Genesys calls web messaging an asynchronous
channel without a guarantee of order and does not say that a socket's requests are handled in the order sent; its own
clients wait for that answer, which also decides what may be sent (nothing into a read-only session, the attributes
within \`maxCustomDataBytes\`: 4013 refuses the whole message). Sending both at once would count 2 and could lose the
customer's start on Genesys (docs/web-messaging-protocol.md, "Order"). Guest chat's create call is one REST request
that carries everything. After a reload, Web Messaging asks the middleware's \`/setup\` (the deployment and the
region; a page that gives \`deploymentId\` and \`genesysEnvironment\` skips it), then opens the socket at the origin
saved with the chat (the deployment's configuration is not read again; an inactive deployment refuses the upgrade) and
binds it to the session with \`configureSession\` (the session must still be there and not read-only); the backfill
does not hold the chat back.

${detail}`,
  );
  console.log('BENCHMARKS.md updated (Browser client / Round trips).');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
