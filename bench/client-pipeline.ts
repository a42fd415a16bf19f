/**
 * Event pipeline: cost per frame from socket message to host callback, on a replay of 100,000 frames, as a ratio to a
 * bare `JSON.parse` of the same frames (target: at most 2x).
 *
 *   pnpm bench:client:pipeline      (bench/client-pipeline-browser.ts: bundled with RxJS's ES2015 build, as browsers get it)
 *   tsx --expose-gc bench/client-pipeline.ts                (RxJS as Node resolves it: its ES5 CommonJS build)
 *   BENCH_ONLY=A|B|C|WB tsx --expose-gc --cpu-prof bench/client-pipeline.ts   (one path only, for a CPU profile)
 *
 * The same 100,000 raw frame strings, alternated in each of BENCH_PROCESSES (default 8) fresh processes, one after the
 * other, the rounds of all pooled (warm-up first, GC before each run):
 *   A  bare `JSON.parse` of every frame;
 *   B  `parseFrame` → `chatEventPipeline` (lookups from a pre-filled map via `of`, default scheduler) → the desk's own
 *      event-to-host-calls mapping (`deliverToHost`), called synchronously, on a counting callback;
 *   C  as shipped: a fake socket's `onmessage` → `rxjs/webSocket` → `GuestChatConnection` (parse, heartbeat watchdog,
 *      reconnect, connection state) → the real `GenesysServiceDesk` (serialised async handling) → the counting callback,
 *      the frames delivered in bursts, each burst in a task of its own;
 *   D  that delivery alone (subtracted from C);
 * and, to show where the time goes, C without the desk (the connection's events given to `deliverToHost` directly).
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  HEARTBEAT_FRAME,
  memberChangeFrame,
  messageFrame,
  typingFrame,
} from 'genesys-handoff-emulator/guest-chat/frames';
import {
  DEFAULT_STRINGS,
  GenesysServiceDesk,
  GuestChatConnection,
  HEARTBEAT_TRACING_ID,
  WebMessagingConnection,
  afterHostDraws,
  carbonAdapter,
  chatEventPipeline,
  deliverToHost,
  eventOf,
  parseWmFrame,
  wmEventPipeline,
  type ChatConnection,
  type ChatSession,
  type ChatTransport,
  type EventFrame,
  type GuestApi,
  type GuestChatTransportConfig,
  type HostSide,
  type MemberInfo,
  type WmIncoming,
} from 'genesys-handoff-servicedesk/internals';
import { Subject, of } from 'rxjs';
import { CountingCallback } from './client-callback';
import { machine, median, table, today, verdict, writeSubsection } from './client-report';

/** Which RxJS build runs: the browser's (bench/client-pipeline-browser.ts sets BENCH_RXJS_BUILD) or Node's. */
const RXJS_BUILD =
  process.env['BENCH_RXJS_BUILD'] === 'es2015'
    ? {
        command:
          '`pnpm bench:client:pipeline` (`bench/client-pipeline-browser.ts`: `bench/client-pipeline.ts` bundled by Vite for Node, run with `node --expose-gc`)',
        what: 'RxJS is its ES2015 build, the one `servicedesk.bundle.js` and the demo ship (the `es2015` export condition in vite.config.ts); the rest of the code is the same sources.',
      }
    : {
        command: '`tsx --expose-gc bench/client-pipeline.ts`',
        what: 'RxJS is the build Node resolves, its ES5 CommonJS build (browsers get the ES2015 build: `pnpm bench:client:pipeline` measures that).',
      };

const FRAMES = 100_000;
const ROUNDS = 7;
const PROCESSES = Number(process.env['BENCH_PROCESSES'] ?? 8);
const WARMUP = 2;
/** Frame to callback (B). */
const TARGET = 2;
/** The whole shipped path, net of delivery and of the host's draw waits (C − D − E). */
const WHOLE_TARGET = 2.25;

// ---------------------------------------------------------------- the replay

const conversationId = randomUUID();
const ids = { guest: randomUUID(), workflow: randomUUID(), acd: randomUUID(), agent: randomUUID() };
const MEMBERS = new Map<string, MemberInfo>([
  [ids.guest, { id: ids.guest, role: 'CUSTOMER', displayName: 'Jo Customer' }],
  [ids.workflow, { id: ids.workflow, role: 'WORKFLOW', displayName: 'Inbound chat flow' }],
  [ids.acd, { id: ids.acd, role: 'ACD', displayName: 'Support' }],
  [
    ids.agent,
    { id: ids.agent, role: 'AGENT', displayName: 'Alex Agent', avatarImageUrl: 'https://example.com/avatars/alex.svg' },
  ],
]);

/** A small deterministic PRNG (mulberry32): the same replay on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS =
  'your order refund the a parcel arrived damaged sorry to hear that could you send photo of box label please we will replace it today thanks tracking number is on its way again shortly'.split(
    ' ',
  );

/** Raw frame strings in the emulator's (= Genesys') exact wire shapes, and how many of each kind. */
function buildReplay(n: number): { frames: string[]; mix: Record<string, number> } {
  const rnd = prng(0xc0ffee);
  let clock = Date.parse('2025-03-01T10:00:00.000Z');
  const ts = () => new Date((clock += 200 + Math.floor(rnd() * 3000))).toISOString();
  const text = () =>
    Array.from({ length: 3 + Math.floor(rnd() * 25) }, () => WORDS[Math.floor(rnd() * WORDS.length)]).join(' ');
  const frames: string[] = [];
  const mix: Record<string, number> = {};
  const push = (kind: string, f: object | string) => {
    frames.push(typeof f === 'string' ? f : JSON.stringify(f));
    mix[kind] = (mix[kind] ?? 0) + 1;
  };
  const member = (id: string, state: 'ALERTING' | 'CONNECTED' | 'DISCONNECTED', kind = 'member-change') =>
    push(kind, memberChangeFrame(conversationId, id, state, ts()));
  const message = (
    senderId: string,
    body: string,
    bodyType: 'standard' | 'notice' | 'member-join' | 'member-leave',
    kind: string,
  ) => push(kind, messageFrame(conversationId, { id: randomUUID(), senderId, body, bodyType, timestamp: ts() }));

  // The opening of a routed chat (docs/guest-chat-protocol.md).
  member(ids.guest, 'CONNECTED');
  message(ids.guest, '', 'member-join', 'member-join/leave message');
  member(ids.workflow, 'CONNECTED');
  message(ids.workflow, '', 'member-join', 'member-join/leave message');
  message(ids.workflow, 'Thanks for contacting us. Finding an agent for you.', 'notice', 'flow notice');
  member(ids.workflow, 'DISCONNECTED');
  message(ids.workflow, '', 'member-leave', 'member-join/leave message');
  member(ids.acd, 'CONNECTED');
  message(ids.acd, '', 'member-join', 'member-join/leave message');
  member(ids.agent, 'ALERTING');
  member(ids.agent, 'CONNECTED');
  message(ids.agent, '', 'member-join', 'member-join/leave message');
  member(ids.acd, 'DISCONNECTED');
  message(ids.acd, '', 'member-leave', 'member-join/leave message');

  // The conversation; the last three frames end it (the agent ends the chat).
  while (frames.length < n - 3) {
    const r = rnd();
    if (r < 0.58) message(ids.agent, text(), 'standard', 'agent message');
    else if (r < 0.78)
      push('agent typing', typingFrame(conversationId, { id: randomUUID(), senderId: ids.agent, timestamp: ts() }));
    else if (r < 0.9) message(ids.guest, text(), 'standard', 'guest echo message');
    else if (r < 0.93)
      push(
        'guest typing echo',
        typingFrame(conversationId, { id: randomUUID(), senderId: ids.guest, timestamp: ts() }),
      );
    else if (r < 0.99) member(ids.agent, 'CONNECTED', 'duplicate agent CONNECTED');
    else push('heartbeat', HEARTBEAT_FRAME);
  }
  member(ids.agent, 'DISCONNECTED');
  message(ids.agent, '', 'member-leave', 'member-join/leave message');
  member(ids.guest, 'DISCONNECTED');
  return { frames, mix };
}

/**
 * The same kind of chat on Web Messaging, in the emulator's wire shapes (docs/web-messaging-protocol.md): the bot's
 * greeting, then agent messages (Outbound, `Human`, the agent's nickname and avatar), agent typing events, the
 * customer's own messages echoed (Inbound, with a tracingId nobody waits for), messages delivered twice (the same
 * id), heartbeat answers; the agent's read-only Disconnect ends it.
 */
function buildWmReplay(n: number): { frames: string[]; mix: Record<string, number> } {
  const rnd = prng(0xbeef);
  let clock = Date.parse('2025-03-01T10:00:00.000Z');
  const ts = () => new Date((clock += 200 + Math.floor(rnd() * 3000))).toISOString();
  const text = () =>
    Array.from({ length: 3 + Math.floor(rnd() * 25) }, () => WORDS[Math.floor(rnd() * WORDS.length)]).join(' ');
  const serverId = () => randomUUID().replace(/-/g, '');
  const frames: string[] = [];
  const mix: Record<string, number> = {};
  const push = (kind: string, f: object | string) => {
    frames.push(typeof f === 'string' ? f : JSON.stringify(f));
    mix[kind] = (mix[kind] ?? 0) + 1;
  };
  const pushed = (body: object, tracingId?: string) => ({
    type: 'message',
    class: 'StructuredMessage',
    code: 200,
    body,
    ...(tracingId ? { tracingId } : {}),
  });
  const agent = { nickname: 'Alex Agent', image: 'https://example.com/avatars/alex.svg' };
  let lastAgent = '';

  push(
    'bot message',
    pushed({
      text: 'Hi, I am the virtual assistant. An agent will be with you shortly.',
      type: 'Text',
      direction: 'Outbound',
      id: serverId(),
      channel: { time: ts(), type: 'Private', from: { nickname: 'Emulated Bot' }, to: {} },
      metadata: { correlationId: randomUUID() },
      originatingEntity: 'Bot',
    }),
  );
  while (frames.length < n - 1) {
    const r = rnd();
    if (r < 0.58) {
      lastAgent = JSON.stringify(
        pushed({
          text: text(),
          type: 'Text',
          direction: 'Outbound',
          id: serverId(),
          channel: { time: ts(), type: 'Private', from: agent, to: {} },
          metadata: { correlationId: randomUUID() },
          originatingEntity: 'Human',
        }),
      );
      push('agent message', lastAgent);
    } else if (r < 0.78) {
      const id = randomUUID();
      push(
        'agent typing',
        pushed({
          direction: 'Outbound',
          id,
          channel: { time: ts(), messageId: id },
          type: 'Event',
          events: [{ eventType: 'Typing', typing: { type: 'On', duration: 5000 } }],
        }),
      );
    } else if (r < 0.9) {
      push(
        'guest echo message',
        pushed(
          {
            originatingEntity: '',
            text: text(),
            direction: 'Inbound',
            id: serverId(),
            channel: { time: ts(), messageId: randomUUID() },
            type: 'Text',
            metadata: { correlationId: randomUUID() },
          },
          randomUUID(),
        ),
      );
    } else if (r < 0.99 && lastAgent) push('agent message delivered twice', lastAgent);
    else
      push('heartbeat answer', {
        type: 'response',
        class: 'StructuredMessage',
        code: 200,
        body: { text: 'ping', type: 'Text', direction: 'Inbound', id: serverId() },
        tracingId: HEARTBEAT_TRACING_ID,
      });
  }
  push(
    'agent Disconnect (read-only)',
    pushed({
      type: 'Event',
      direction: 'Outbound',
      id: serverId(),
      channel: { time: ts(), type: 'Private', from: { nickname: agent.nickname }, to: {} },
      events: [{ eventType: 'Presence', presence: { type: 'Disconnect' } }],
      metadata: { readOnly: 'true' },
      originatingEntity: 'Human',
    }),
  );
  return { frames, mix };
}

// ---------------------------------------------------------------- the host side

const session: ChatSession = {
  conversationId,
  memberId: ids.guest,
  jwt: 'jwt',
  eventStreamUri: 'wss://example.invalid/chat/jwt/x',
};

/** The member lookup of B: every member is known, as after the first frames of a real chat. */
const lookupFromMap = (id: string) => of(MEMBERS.get(id) ?? { id, role: 'UNKNOWN' as const });

/** The host side as the factory makes it for Carbon: B and C give their events to the same host calls. */
const hostSide = (cb: CountingCallback): HostSide => ({
  callback: cb,
  adapter: carbonAdapter,
  showSystemMessages: true,
  strings: DEFAULT_STRINGS,
});

// ---------------------------------------------------------------- the three runs

let sink = 0;

/**
 * CPU time of this process so far, in ns (user + system, all its threads). The shipped paths (C, D) are timed with it:
 * after each message it shows, the desk waits until the host has drawn (two posted-message tasks), and a wall clock
 * would count that idle wait as the client's cost. A is timed the same way beside them, so that the ratio compares
 * like with like (V8's background GC threads count in both).
 */
function cpuNs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
}

/** A: ns of wall clock (beside B, which is synchronous too) and of CPU time (beside C and D). */
function runBareParse(frames: readonly string[]): { ns: number; cpu: number } {
  const c0 = cpuNs();
  const t0 = process.hrtime.bigint();
  let objects = 0;
  for (const raw of frames) if (typeof JSON.parse(raw) === 'object') objects++;
  const t1 = process.hrtime.bigint();
  const c1 = cpuNs();
  sink += objects;
  return { ns: Number(t1 - t0), cpu: c1 - c0 };
}

/** The guest chat transport's logger when it drops nothing worth reading: the replay has no invalid frames. */
const SILENT = {};

/** Hands each frame on as the transport does (`eventOf`: invalid frames dropped, heartbeats only feed the watchdog); ns taken. */
function feed(frames: readonly string[], frames$: Subject<EventFrame>): number {
  const t0 = process.hrtime.bigint();
  for (const raw of frames) {
    const f = eventOf(raw, SILENT);
    if (f) frames$.next(f);
  }
  return Number(process.hrtime.bigint() - t0);
}

async function runPipeline(frames: readonly string[]): Promise<{ ns: number; counts: Record<string, number> }> {
  const cb = new CountingCallback();
  const host = hostSide(cb);
  const frames$ = new Subject<EventFrame>();
  const events$ = chatEventPipeline(frames$, { selfId: ids.guest, lookup: lookupFromMap });
  const sub = events$.subscribe((e) => void deliverToHost(e, host));
  const ns = feed(frames, frames$);
  frames$.complete();
  sub.unsubscribe();
  if (cb.counts['agentEndedChat'] !== 1) throw new Error(`B: the chat did not end: ${JSON.stringify(cb.counts)}`);
  return { ns, counts: cb.counts };
}

/**
 * B on Web Messaging: `parseFrame` → `wmEventPipeline` → the host calls. The ordering buffer's hold is off (window 0)
 * here and in C: the replay delivers its frames within a second, where a real chat's few messages a second leave the
 * buffer holding one or two; the cost of holding (a timer per held message) is not in these figures.
 */
async function runWmPipeline(frames: readonly string[]): Promise<{ ns: number; counts: Record<string, number> }> {
  const cb = new CountingCallback();
  const host = hostSide(cb);
  const messages$ = new Subject<WmIncoming>();
  const events$ = wmEventPipeline(messages$, { orderWindowMs: 0 });
  const sub = events$.subscribe((e) => void deliverToHost(e, host));
  const t0 = process.hrtime.bigint();
  for (const raw of frames) {
    const f = parseWmFrame(raw);
    if (f.kind === 'message') messages$.next(f.message);
  }
  const ns = Number(process.hrtime.bigint() - t0);
  messages$.complete();
  sub.unsubscribe();
  if (cb.counts['agentEndedChat'] !== 1) throw new Error(`B (WM): the chat did not end: ${JSON.stringify(cb.counts)}`);
  return { ns, counts: cb.counts };
}

/** The browser's WebSocket as far as `rxjs/webSocket` uses it; the benchmark plays the server. */
class FakeSocket {
  static last: FakeSocket | undefined;
  readyState = 0;
  binaryType = 'blob';
  onopen: ((e: unknown) => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: unknown) => void) | null = null;
  onerror: ((e: unknown) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.last = this;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({ type: 'open' });
  }
  send(_data?: string): void {}
  close(): void {
    this.readyState = 3;
  }
}

/** The Web Messaging socket: the benchmark answers `configureSession` with a new session and each message with its echo. */
class WmFakeSocket extends FakeSocket {
  override send(data: string): void {
    const r = JSON.parse(data) as { action: string; tracingId?: string };
    const answer =
      r.action === 'configureSession'
        ? { type: 'response', class: 'SessionResponse', code: 200, body: { connected: true, newSession: true } }
        : r.action === 'onMessage'
          ? {
              type: 'message',
              class: 'StructuredMessage',
              code: 200,
              body: {
                originatingEntity: '',
                direction: 'Inbound',
                id: randomUUID(),
                channel: { time: '2025-03-01T09:59:59.000Z', messageId: randomUUID() },
                type: 'Event',
                events: [{ eventType: 'Presence', presence: { type: 'Join' } }],
              },
            }
          : undefined;
    if (answer) setImmediate(() => this.onmessage?.({ data: JSON.stringify({ ...answer, tracingId: r.tracingId }) }));
  }
}

/** The Web Messaging transport without the deployment configuration: one connection to the benchmark's socket. */
class ReplayWmTransport implements ChatTransport {
  async start(): Promise<WebMessagingConnection> {
    return new WebMessagingConnection(
      {
        socketUrl: 'wss://example.invalid',
        apiBaseUrl: 'https://api.example.invalid',
        deploymentId: 'dep',
        clearEnabled: false,
        webSocketCtor: WmFakeSocket as unknown as GuestChatTransportConfig['webSocketCtor'],
        fetch: globalThis.fetch,
        orderWindowMs: 0,
      },
      { token: randomUUID(), startNew: false, resuming: false },
    );
  }
  async resume(): Promise<ChatConnection | null> {
    return null;
  }
}

/** The guest chat transport without the create call: the connection gets the canned session and a member lookup. */
class ReplayTransport implements ChatTransport {
  private readonly config: GuestChatTransportConfig = {
    apiBaseUrl: 'https://api.example.invalid',
    organizationId: 'org',
    deploymentId: 'dep',
    queueName: 'Support',
    webSocketCtor: FakeSocket as unknown as GuestChatTransportConfig['webSocketCtor'],
  };
  async start(): Promise<GuestChatConnection> {
    const api = {
      getMember: async (_conversationId: string, memberId: string) =>
        MEMBERS.get(memberId) ?? { id: memberId, role: 'UNKNOWN' as const },
      leave: async () => undefined,
      sendMessage: async () => ({ id: randomUUID() }),
    };
    return new GuestChatConnection(api as unknown as GuestApi, { ...session }, this.config, { resuming: false });
  }
  async resume(): Promise<ChatConnection | null> {
    return null;
  }
}

/**
 * A socket does not hand over 100,000 messages in one task: frames arrive in bursts, each burst in a task of its own,
 * and the client's asynchronous steps (promise-based host calls, lookups) run between bursts.
 */
const BURST = 10;

async function deliver(frames: readonly string[], onmessage: (e: { data: string }) => void): Promise<void> {
  for (let i = 0; i < frames.length; i += BURST) {
    const end = Math.min(i + BURST, frames.length);
    for (let j = i; j < end; j++) onmessage({ data: frames[j]! });
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/**
 * The desk's waits for the host to draw (`afterHostDraws`: two posted-message tasks) are counted in C by the
 * `MessageChannel`s they make. They are the host's time, not the client's work: E is their cost alone, subtracted as
 * D is. (Node's `MessagePort` is a cross-thread port, far dearer per message than a browser's same-page channel.)
 */
let channelsMade = 0;
const NodeMessageChannel = globalThis.MessageChannel;
globalThis.MessageChannel = class CountedMessageChannel extends NodeMessageChannel {
  constructor() {
    super();
    channelsMade++;
  }
};

/** E: the CPU cost of `waits` draw waits one after the other, with nothing else to do. */
async function runDrawWaitsOnly(waits: number): Promise<number> {
  const t0 = cpuNs();
  for (let i = 0; i < waits; i++) await afterHostDraws();
  return cpuNs() - t0;
}

/** The CPU cost of `deliver` itself (the bursts and tasks), with a socket handler that does nothing. */
async function runDeliveryOnly(frames: readonly string[]): Promise<number> {
  let n = 0;
  const t0 = cpuNs();
  await deliver(frames, () => void n++);
  const t1 = cpuNs();
  sink += n;
  return t1 - t0;
}

async function runAsShipped(
  frames: readonly string[],
  transport: ChatTransport = new ReplayTransport(),
): Promise<{ ns: number; counts: Record<string, number>; waits: number }> {
  const cb = new CountingCallback();
  const desk = new GenesysServiceDesk({
    transport: async () => transport,
    adapter: carbonAdapter,
    callback: cb,
    authenticatedChat: false,
    availability: false,
    showSystemMessages: true,
    availabilityRefreshMs: 10_000,
    typingThrottleMs: 3000,
    longMessages: 'split',
    strings: DEFAULT_STRINGS,
    logger: process.env['BENCH_DEBUG'] ? { error: console.error, warn: console.error } : {},
    now: () => Date.now(),
  });
  FakeSocket.last = undefined;
  const started = desk.startChat(undefined, {});
  while (!FakeSocket.last) await new Promise((r) => setImmediate(r));
  const socket: FakeSocket = FakeSocket.last;
  socket.open();
  await started;
  const channels = channelsMade;
  const t0 = cpuNs();
  await deliver(frames, socket.onmessage!);
  await cb.waitFor(() => cb.n('agentEndedChat') === 1, 'the end of the replayed chat', 300_000);
  const t1 = cpuNs();
  const waits = channelsMade - channels;
  await desk.endChat();
  if (socket.readyState !== 3) throw new Error('C: the socket was left open');
  return { ns: t1 - t0, counts: cb.counts, waits };
}

// ---------------------------------------------------------------- where the time goes

/** C without the ServiceDesk: the connection's events given to the host calls synchronously, as in B. */
async function runTransportOnly(frames: readonly string[]): Promise<number> {
  const cb = new CountingCallback();
  const host = hostSide(cb);
  const connection = await new ReplayTransport().start();
  FakeSocket.last = undefined;
  const sub = connection.events$.subscribe((e) => void deliverToHost(e, host));
  const socket = FakeSocket.last as FakeSocket | undefined;
  if (!socket) throw new Error('the connection opened no socket');
  socket.open();
  await connection.opened;
  const t0 = cpuNs();
  await deliver(frames, socket.onmessage!);
  await cb.waitFor(() => cb.n('agentEndedChat') === 1, 'the end of the replayed chat', 300_000);
  const t1 = cpuNs();
  sub.unsubscribe();
  connection.dispose();
  return t1 - t0;
}

// ---------------------------------------------------------------- main

async function gcNow(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (tsx --expose-gc bench/client-pipeline.ts)');
  gc();
  await new Promise((r) => setImmediate(r));
  gc();
}

/** One run after a forced GC (every run starts from the same heap). */
async function afterGc<T>(run: () => T | Promise<T>): Promise<T> {
  await gcNow();
  return run();
}

/**
 * `BENCH_ONLY=A`, `B` or `C` (guest chat) or `WB` (Web Messaging's B) runs one path a few times and writes nothing:
 * for `node --cpu-prof`.
 */
async function profileOnly(path: string): Promise<void> {
  const { frames } = path === 'WB' ? buildWmReplay(FRAMES) : buildReplay(FRAMES);
  for (let i = 0; i < 6; i++) {
    await gcNow();
    const ns =
      path === 'A'
        ? runBareParse(frames).ns
        : path === 'C'
          ? (await runAsShipped(frames)).ns
          : path === 'WB'
            ? (await runWmPipeline(frames)).ns
            : (await runPipeline(frames)).ns;
    console.log(`${path}: ${(ns / FRAMES).toFixed(0)} ns per frame`);
  }
}

/**
 * The measured paths. Guest chat: a, b, c, c1, d, e; Web Messaging: wa, wb, wc, wd, we (the same paths on its own
 * replay). A and B in wall clock; C, C1, D and E in CPU time, beside A in CPU time (acpu, wacpu).
 */
const RUN_KEYS = ['a', 'acpu', 'b', 'c', 'c1', 'd', 'e', 'wa', 'wacpu', 'wb', 'wc', 'wd', 'we'] as const;
type RunKey = (typeof RUN_KEYS)[number];

/** One process's measured rounds (after its warm-up). */
interface Measured {
  runs: Record<RunKey, number[]>;
  countsB: Record<string, number>;
  countsC: Record<string, number>;
  countsWB: Record<string, number>;
  countsWC: Record<string, number>;
}

/** Alternates every path for `WARMUP` + `ROUNDS` rounds in this process; ns per frame of the measured rounds. */
async function measure(
  frames: readonly string[],
  wmFrames: readonly string[],
  log: (line: string) => void,
): Promise<Measured> {
  const runs = Object.fromEntries(RUN_KEYS.map((k) => [k, [] as number[]])) as Measured['runs'];
  let countsB: Record<string, number> = {};
  let countsC: Record<string, number> = {};
  let countsWB: Record<string, number> = {};
  let countsWC: Record<string, number> = {};
  const perFrame = (ns: number) => ns / FRAMES;
  for (let round = -WARMUP; round < ROUNDS; round++) {
    const a = await afterGc(() => runBareParse(frames));
    const rb = await afterGc(() => runPipeline(frames));
    const d = await afterGc(() => runDeliveryOnly(frames));
    const rc = await afterGc(() => runAsShipped(frames));
    const e = await afterGc(() => runDrawWaitsOnly(rc.waits));
    const c1 = await afterGc(() => runTransportOnly(frames));
    const wa = await afterGc(() => runBareParse(wmFrames));
    const wb = await afterGc(() => runWmPipeline(wmFrames));
    const wd = await afterGc(() => runDeliveryOnly(wmFrames));
    const wc = await afterGc(() => runAsShipped(wmFrames, new ReplayWmTransport()));
    const we = await afterGc(() => runDrawWaitsOnly(wc.waits));
    countsB = rb.counts;
    countsC = rc.counts;
    countsWB = wb.counts;
    countsWC = wc.counts;
    if (round < 0) continue;
    const ns: Record<RunKey, number> = {
      a: a.ns,
      acpu: a.cpu,
      b: rb.ns,
      c: rc.ns,
      c1,
      d,
      e,
      wa: wa.ns,
      wacpu: wa.cpu,
      wb: wb.ns,
      wc: wc.ns,
      wd,
      we,
    };
    for (const k of RUN_KEYS) runs[k].push(perFrame(ns[k]));
    log(
      `round ${round + 1}/${ROUNDS}: guest chat A ${perFrame(a.ns).toFixed(0)} (CPU ${perFrame(a.cpu).toFixed(0)}), B ${perFrame(rb.ns).toFixed(0)}, C ${perFrame(rc.ns).toFixed(0)} (delivery ${perFrame(d).toFixed(0)}, draw waits ${perFrame(e).toFixed(0)}); Web Messaging A ${perFrame(wa.ns).toFixed(0)} (CPU ${perFrame(wa.cpu).toFixed(0)}), B ${perFrame(wb.ns).toFixed(0)}, C ${perFrame(wc.ns).toFixed(0)} (delivery ${perFrame(wd).toFixed(0)}, draw waits ${perFrame(we).toFixed(0)}) ns per frame`,
    );
  }
  return { runs, countsB, countsC, countsWB, countsWC };
}

const RESULT_LINE = 'BENCH_RESULT ';

/**
 * Each process measures in its own JIT state, and the same code gives noticeably different figures from one process to
 * the next. So the rounds are measured in `PROCESSES` fresh processes, one after the other, and pooled.
 */
function measureInProcesses(): Measured[] {
  const results: Measured[] = [];
  for (let p = 1; p <= PROCESSES; p++) {
    console.log(`process ${p}/${PROCESSES}`);
    const child = spawnSync(process.execPath, [...process.execArgv, process.argv[1]!], {
      env: { ...process.env, BENCH_CHILD: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
      maxBuffer: 64 * 2 ** 20,
    });
    const line = child.stdout.split('\n').find((l) => l.startsWith(RESULT_LINE));
    if (child.status !== 0 || !line)
      throw new Error(`benchmark process ${p} failed (exit ${child.status}): ${child.stdout.slice(-2000)}`);
    results.push(JSON.parse(line.slice(RESULT_LINE.length)) as Measured);
  }
  return results;
}

async function main(): Promise<void> {
  const only = process.env['BENCH_ONLY'];
  if (only) return profileOnly(only);
  const { frames, mix } = buildReplay(FRAMES);
  const wm = buildWmReplay(FRAMES);
  if (process.env['BENCH_CHILD']) {
    const measured = await measure(frames, wm.frames, (line) => console.error(`  ${line}`));
    process.stdout.write(`${RESULT_LINE}${JSON.stringify(measured)}\n`);
    return;
  }
  const bytes = frames.reduce((n, f) => n + f.length, 0);
  const wmBytes = wm.frames.reduce((n, f) => n + f.length, 0);
  const processes = measureInProcesses();
  const pool = (pick: (m: Measured) => number[]) => processes.flatMap(pick);
  const runs = Object.fromEntries(RUN_KEYS.map((k) => [k, pool((m) => m.runs[k])])) as Measured['runs'];
  const { countsB, countsC, countsWB, countsWC } = processes[processes.length - 1]!;
  // The same calls to show things; only C keeps the resume point (B has no desk), and C's desk shows an agent's texts
  // that arrived while the one before was being drawn as one message (fewer \`sendMessageToUser\`, none lost).
  const shownCalls = (c: Record<string, number>) =>
    JSON.stringify({ ...c, updatePersistedState: undefined, sendMessageToUser: undefined });
  if (shownCalls(countsB) !== shownCalls(countsC))
    throw new Error(`B and C made different host calls: ${JSON.stringify(countsB)} vs ${JSON.stringify(countsC)}`);
  if (shownCalls(countsWB) !== shownCalls(countsWC))
    throw new Error(
      `Web Messaging: B and C made different host calls: ${JSON.stringify(countsWB)} vs ${JSON.stringify(countsWC)}`,
    );
  const m = Object.fromEntries(RUN_KEYS.map((k) => [k, median(runs[k])])) as Record<RunKey, number>;
  const f0 = (x: number) => x.toFixed(0);
  const perProcess = (pick: (m: Measured) => number[]) => processes.map((p) => f0(median(pick(p)))).join(', ');
  /** One channel's paths A to D: its table, and the two ratios the targets are about. */
  const channelTable = (
    heading: string,
    pipeline: string,
    delivery: string,
    k: Record<'a' | 'acpu' | 'b' | 'c' | 'd' | 'e', RunKey>,
  ) => {
    const [a, acpu, b, c, d, e] = [m[k.a], m[k.acpu], m[k.b], m[k.c], m[k.d], m[k.e]];
    const netPerProcess = processes.map((p) =>
      ((median(p.runs[k.c]) - median(p.runs[k.d]) - median(p.runs[k.e])) / median(p.runs[k.acpu])).toFixed(2),
    );
    const ratioB = b / a;
    const ratioNet = (c - d - e) / acpu;
    const text = table(
      [
        heading,
        `ns/frame: median of each process's ${ROUNDS} rounds`,
        `median ns/frame, all ${runs[k.a].length} rounds`,
        'ratio to A',
        `target: B ≤ ${TARGET}x, C − D − E ≤ ${WHOLE_TARGET}x`,
      ],
      [
        ['A: bare `JSON.parse` (wall clock)', perProcess((p) => p.runs[k.a]), f0(a), '1.00', ''],
        [
          `B: \`parseFrame\` → \`${pipeline}\` → host calls`,
          perProcess((p) => p.runs[k.b]),
          f0(b),
          ratioB.toFixed(2),
          verdict(ratioB <= TARGET),
        ],
        ['A, in CPU time: the base for C and D', perProcess((p) => p.runs[k.acpu]), f0(acpu), '1.00', ''],
        [
          "C: as shipped, from the socket's `onmessage` to the host (CPU time)",
          perProcess((p) => p.runs[k.c]),
          f0(c),
          (c / acpu).toFixed(2),
          '',
        ],
        [delivery, perProcess((p) => p.runs[k.d]), f0(d), (d / acpu).toFixed(2), ''],
        [
          "E: the desk's waits for the host to draw, as many as C made, alone (CPU time)",
          perProcess((p) => p.runs[k.e]),
          f0(e),
          (e / acpu).toFixed(2),
          '',
        ],
        [
          "C − D − E: the shipped client's own cost",
          `ratio to A per process: ${netPerProcess.join(', ')}`,
          f0(c - d - e),
          ratioNet.toFixed(2),
          verdict(ratioNet <= WHOLE_TARGET),
        ],
      ],
    );
    return { ratioB, ratioNet, text };
  };
  const guest = channelTable(
    'path',
    'chatEventPipeline',
    `D: delivery alone (bursts of ${BURST} per task, no-op handler)`,
    { a: 'a', acpu: 'acpu', b: 'b', c: 'c', d: 'd', e: 'e' },
  );
  // Web Messaging: the same paths on its own replay, in the same processes and rounds.
  const wmPaths = channelTable('path (Web Messaging)', 'wmEventPipeline', 'D: delivery alone', {
    a: 'wa',
    acpu: 'wacpu',
    b: 'wb',
    c: 'wc',
    d: 'wd',
    e: 'we',
  });
  const { ratioB, ratioNet, text: t } = guest;
  const { ratioB: wRatioB, ratioNet: wRatioNet, text: tWm } = wmPaths;
  const tSide = table(
    ["ratio to a bare `JSON.parse` of the channel's frames", 'guest chat', 'Web Messaging', 'target'],
    [
      ['B: frame to callback', ratioB.toFixed(2), wRatioB.toFixed(2), `≤ ${TARGET}x`],
      [
        "C − D − E: the whole shipped path, net of delivery and of the host's draw waits",
        ratioNet.toFixed(2),
        wRatioNet.toFixed(2),
        `≤ ${WHOLE_TARGET}x`,
      ],
    ],
  );

  // Where the time goes: each step's cost the difference to the one before. The steps timed in CPU time are put on
  // A's wall-clock scale (their ratio to A in CPU time, times A), so that the steps subtract.
  const onWallScale = (cpu: number) => (cpu / m.acpu) * m.a;
  const steps: Array<[string, number]> = [
    ['A: bare `JSON.parse`', m.a],
    ['B: + `parseFrame`, the guest chat pipeline (`chatEventPipeline`) and the host calls (`deliverToHost`)', m.b],
    [
      '+ the transport: `rxjs/webSocket`, heartbeat watchdog, `retry`, connection state, the end of the stream (C without the desk, net of D)',
      onWallScale(m.c1 - m.d),
    ],
    [
      '+ the ServiceDesk: `handleInOrder` (one event at a time, held back while a host promise is pending), resume point written once per task, the waits for the host to draw net of their own cost (= C − D − E)',
      onWallScale(m.c - m.d - m.e),
    ],
  ];
  const stepRows = steps.map(([name, ns], k) => [
    name,
    f0(ns),
    k === 0 ? '' : f0(ns - steps[k - 1]![1]),
    (ns / m.a).toFixed(2),
  ]);
  const tSteps = table(['step (cumulative)', 'median ns/frame', 'this step, ns/frame', 'ratio to A'], stepRows);
  console.log(`\n${tSide}\n\n${t}\n\n${tSteps}\n\n${tWm}\n`);
  console.log(`frames: ${JSON.stringify(mix)}; host calls per run: ${JSON.stringify(countsC)} (sink ${sink})`);

  const mixText = Object.entries(mix)
    .sort((x, y) => y[1] - x[1])
    .map(([k, v]) => `${k} ${v.toLocaleString('en')}`)
    .join(', ');
  const callsOf = (counts: Record<string, number>) =>
    Object.entries(counts)
      .map(([k, v]) => `\`${k}\` ${v.toLocaleString('en')}`)
      .join(', ');
  const callsText = callsOf(countsC);
  const wmMixText = Object.entries(wm.mix)
    .sort((x, y) => y[1] - x[1])
    .map(([k, v]) => `${k} ${v.toLocaleString('en')}`)
    .join(', ');
  writeSubsection(
    'Event pipeline',
    `Command: ${RXJS_BUILD.command}. Run ${today()} on ${machine()}.
${RXJS_BUILD.what}

Both channels, side by side (each against a bare \`JSON.parse\` of its own frames, in the same processes and rounds):

${tSide}

Target: B ≤ ${TARGET}x and C − D − E ≤ ${WHOLE_TARGET}x — guest chat **${verdict(ratioB <= TARGET && ratioNet <= WHOLE_TARGET)}**, Web Messaging **${verdict(wRatioB <= TARGET && wRatioNet <= WHOLE_TARGET)}**.

#### Guest chat

Replay: ${FRAMES.toLocaleString('en')} raw frames (${(bytes / 2 ** 20).toFixed(1)} MiB) of one chat in the emulator's wire shapes: ${mixText}.
The same strings go through each path; the paths alternate in each of ${PROCESSES} fresh processes, run one after the other
(the JIT's choices differ from process to process, and with them the figures: see the per-process column), ${WARMUP} warm-up
rounds first in each, a forced GC before every run, ${ROUNDS} measured rounds each, all pooled for the medians. B gives each event to the desk's
own event-to-host-calls mapping (\`deliverToHost\`, the host's profile spelling included) on a counting callback, synchronously. C is the shipped code end to end with a fake
socket in place of the network: \`rxjs/webSocket\`, \`GuestChatConnection\` (parse, heartbeat watchdog, reconnect, connection
state, the pipeline) and the real \`GenesysServiceDesk\` (one event at a time; the counting callback returns a resolved
promise for every call, as Carbon's do, so every event waits for one; the resume point written once per task); the frames arrive in
bursts of ${BURST}, each burst in a task of its own, as from a socket. D is that delivery alone. After each message it
shows, the desk waits until the host has drawn it (two posted-message tasks; the flood protection), and the frames that
arrive meanwhile wait for the next call: that wait is the host's time, so C, D and E are timed in CPU time
(\`process.cpuUsage\`, beside A timed the same way), and E, the same number of waits alone, is subtracted as D is. Node's
\`MessagePort\` is a cross-thread port, dearer per message than a browser's; what the waits cost beyond E (each shown
message handled in a task of its own, where a burst's events used to share one) stays in C − D − E. B and C made the same host
calls per run, except that the desk joins an agent's texts that arrived while the one before was being drawn (flood
protection), so C makes fewer \`sendMessageToUser\` calls: ${callsText} (C; B: \`sendMessageToUser\` ${(countsB['sendMessageToUser'] ?? 0).toLocaleString('en')}; the persisted state is the desk's, so B writes none).

${t}

Targets against a bare \`JSON.parse\`: B (the frame-to-callback logic) at most ${TARGET}x — **${verdict(ratioB <= TARGET)}** at ${ratioB.toFixed(2)}x;
the shipped path net of delivery and of the draw waits (C − D − E) at most ${WHOLE_TARGET}x — **${verdict(ratioNet <= WHOLE_TARGET)}** at ${ratioNet.toFixed(2)}x.

Where the time goes (same rounds; each step minus the one before; steps that differ by less than about 150 ns are within
run-to-run noise):

${tSteps}

What is still above a bare \`JSON.parse\`, and why: a promise per event is what Carbon's callbacks return, and the desk must
wait for it (Carbon 1.9.1's \`agentJoined\` and \`sendMessageToUser\` await their own work before they add the message, so
without waiting a message could overtake the join notice); every concern is a separate RxJS operator on a shared stream,
as the design asks (one file each, marble-tested), each step a few calls of RxJS's subscriber chain; \`rxjs/webSocket\` and
\`share\` pass every frame through a \`Subject\`.

#### Web Messaging

Replay: ${FRAMES.toLocaleString('en')} raw frames (${(wmBytes / 2 ** 20).toFixed(1)} MiB) of one chat in the emulator's Web Messaging shapes: ${wmMixText}.
Alternated with the guest chat paths in the same rounds of the same processes. B: \`parseFrame\` → \`wmEventPipeline\`
(de-duplication by message id, the ordering buffer, who the agent is, the detectors) → \`deliverToHost\`. C: a fake socket
→ \`rxjs/webSocket\` → \`WebMessagingConnection\` (parse, tracingId answers, heartbeat watchdog, reconnect, connection
state, the pipeline) → the real \`GenesysServiceDesk\`, started through \`configureSession\` and the Join as in a real chat
(the fake socket answers both). The ordering buffer's hold is off (window 0) in B and C: the replay delivers its frames
within a second, where a real chat's few messages a second leave the buffer holding one or two; the cost of holding (a
timer per held message) is not in these figures. Host calls per run (C): ${callsOf(countsWC)}.

${tWm}`,
  );
  console.log('BENCHMARKS.md updated (Browser client / Event pipeline).');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
