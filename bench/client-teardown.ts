/**
 * Teardown: 1,000 chats started and ended against the emulator in one process: heap growth after GC at most 2 MB,
 * zero open sockets and timers at the end.
 *
 *   pnpm bench:client:teardown      (tsx with node --expose-gc)
 *
 * The emulator and the real middleware run in a child process, so this process holds only the client (and the few
 * objects of the benchmark itself). Each chat: `startChat` with a `connect_to_agent` response (so the summary for the
 * agent is posted), the agent accepts and sends one message through the control API, the desk shows it, `endChat`.
 * Two ways, 1,000 chats each: (1) one desk for every chat, as on a page; (2) a new desk from the factory per chat.
 * Both channels, one after the other (Web Messaging, then guest chat), each against a middleware of its own.
 */
import { createHook } from 'node:async_hooks';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createGenesysServiceDeskFactory,
  type GenesysServiceDesk,
  type GenesysServiceDeskOptions,
} from 'genesys-handoff-servicedesk/internals';
import type { Channel } from 'genesys-handoff-servicedesk';
import { connectMessage } from 'genesys-handoff-servicedesk/test-fixtures';
import { CountingCallback } from './client-callback';
import { machine, table, today, verdict, writeSubsection } from './client-report';
import { conversationOf, startChildStack, type ChildStack } from './client-stack';
import { trackedWebSocket, type SocketCensus } from './client-ws';

const CHATS = Number(process.env['BENCH_CHATS'] ?? 1000);
const WARMUP = 50;
const MAX_GROWTH_MB = 2;
const MB = 2 ** 20;
/** Both by default; `BENCH_CHANNELS=web-messaging` (or `guest-chat`) runs one. */
const CHANNELS = (process.env['BENCH_CHANNELS'] ?? 'web-messaging,guest-chat').split(',') as Channel[];
const NAME: Record<Channel, string> = { 'web-messaging': 'Web Messaging', 'guest-chat': 'guest chat' };
/**
 * Chats run side by side per channel. A Web Messaging session takes 2 messages a second: a chat this short (Join,
 * summary, then Presence Clear within the second) waits out a 429 to leave, so its chats take about 1.4 s each and
 * run 10 at a time (10 pages side by side: a desk each for 100 chats, or a new desk per chat); guest chat runs one at a time.
 */
const LANES: Record<Channel, number> = { 'web-messaging': 10, 'guest-chat': 1 };

interface Ctx {
  stack: ChildStack;
  agentId: string;
  factory: (p: { callback: CountingCallback }) => GenesysServiceDesk | Promise<GenesysServiceDesk>;
}

async function oneChat(ctx: Ctx, desk: GenesysServiceDesk, cb: CountingCallback, i: number): Promise<void> {
  const joined = cb.n('agentJoined');
  await desk.startChat(connectMessage(), {});
  const conversationId = await conversationOf(ctx.stack, cb.state);
  await ctx.stack.control('POST', `/chats/${conversationId}/accept`, { agentId: ctx.agentId });
  const text = `Hello from the agent, chat ${i}`;
  // The agent connects a moment after accepting (the emulator's alerting time); under load the message can come first.
  for (let attempt = 0; ; attempt++) {
    try {
      await ctx.stack.control('POST', `/chats/${conversationId}/messages`, { body: text });
      break;
    } catch (e) {
      if (attempt >= 50 || !String(e).includes('No agent is connected')) throw e;
      await sleep(20);
    }
  }
  // Web Messaging tells of an agent by their first message: the join and the message come together.
  await cb.waitFor(
    () => cb.n('agentJoined') > joined && cb.lastText === text,
    `the agent and their message, chat ${i}`,
  );
  await desk.endChat({ endedByHumanAgent: false });
}

async function gcHard(): Promise<void> {
  const gc = (globalThis as { gc?: (o?: unknown) => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (tsx --expose-gc bench/client-teardown.ts)');
  // Several rounds with turns of the event loop between them: finalizers and weak callbacks run, then get collected.
  for (let i = 0; i < 4; i++) {
    gc();
    await sleep(50);
  }
}

/**
 * `getActiveResourcesInfo()` lists only what keeps the event loop alive, and so misses unref'ed timers and idle
 * pooled sockets. Two more views that miss nothing: every timer and TCP handle created and not yet destroyed
 * (async_hooks, on from the start), and the process's socket file descriptors.
 */
const TRACKED = new Set(['Timeout', 'TCPWRAP', 'Immediate']);
const alive = new Map<number, string>();
/** TCP handles by id, weakly: whose connection a live socket is (its peer's port) can be told at the end. */
const tcpHandles = new Map<number, WeakRef<object>>();
type PeerHandle = { getpeername?: (out: { port?: number }) => number } | undefined;
/** Names for peer ports ("emulator", "middleware"), set once the stack is up. */
const peers = new Map<number, string>();
createHook({
  init: (id, type, _trigger, resource) => {
    if (!TRACKED.has(type)) return;
    alive.set(id, type);
    if (type === 'TCPWRAP') tcpHandles.set(id, new WeakRef(resource as object));
  },
  destroy: (id) => {
    alive.delete(id);
    tcpHandles.delete(id);
  },
}).enable();

function resources(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) out[r] = (out[r] ?? 0) + 1;
  for (const [id, type] of alive) {
    let key = `live ${type}`;
    // A keep-alive socket that node:http reuses for a new request comes back as a `ReusedHandle` around the TCP handle.
    const resource =
      type === 'TCPWRAP' ? (tcpHandles.get(id)?.deref() as PeerHandle & { handle?: PeerHandle }) : undefined;
    const handle = resource?.handle ?? resource;
    if (handle?.getpeername) {
      const peer: { port?: number } = {};
      handle.getpeername(peer);
      key = `live TCPWRAP to ${peer.port !== undefined ? (peers.get(peer.port) ?? `port ${peer.port}`) : 'nowhere'}`;
    }
    out[key] = (out[key] ?? 0) + 1;
  }
  if (existsSync('/proc/self/fd')) {
    for (const fd of readdirSync('/proc/self/fd')) {
      try {
        if (readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:')) out['socket fd'] = (out['socket fd'] ?? 0) + 1;
      } catch {
        // the fd closed while listing
      }
    }
  }
  return out;
}

const fmt = (r: Record<string, number>) =>
  Object.entries(r)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || 'none';

function diff(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const d = (after[k] ?? 0) - (before[k] ?? 0);
    if (d !== 0) out[k] = d;
  }
  return out;
}

async function waitClosed(census: SocketCensus, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (census.open.size > 0 && Date.now() < until) await sleep(20);
}

interface Run {
  name: string;
  chats: number;
  seconds: number;
  heapBeforeMB: number;
  heapAfterMB: number;
  growthMB: number;
  secondHalfKBPerChat: number;
  sockets: { created: number; closed: number; stillOpen: number; collected: number };
  resourcesAtEnd: Record<string, number>;
  resourcesIdle: Record<string, number>;
  counts: Record<string, number>;
}

async function measure(
  name: string,
  census: SocketCensus,
  baseline: Record<string, number>,
  lanes: number,
  chats: (i: number, lane: number) => Promise<void>,
  counts: () => Record<string, number>,
): Promise<Run> {
  await gcHard();
  const before = process.memoryUsage().heapUsed;
  const created0 = census.created;
  const closed0 = census.closed;
  const collected0 = census.collected;
  const t0 = Date.now();
  let mid = before;
  let paused = 0;
  for (const [from, to] of [
    [0, CHATS / 2],
    [CHATS / 2, CHATS],
  ] as const) {
    // Each lane runs its chats one after the other; the lanes run side by side.
    await Promise.all(
      Array.from({ length: lanes }, async (_, lane) => {
        for (let i = from + lane; i < to; i += lanes) await chats(i, lane);
      }),
    );
    console.log(`  ${name}: ${to}/${CHATS} chats (${((Date.now() - t0 - paused) / 1000).toFixed(1)} s)`);
    if (to === CHATS / 2) {
      // Half way: a growth that goes on in the second half is per chat; one that does not is a one-off (code, caches).
      const p0 = Date.now();
      await gcHard();
      mid = process.memoryUsage().heapUsed;
      paused += Date.now() - p0;
    }
  }
  const seconds = (Date.now() - t0 - paused) / 1000;
  await waitClosed(census, 10_000);
  await gcHard();
  const after = process.memoryUsage().heapUsed;
  const resourcesAtEnd = diff(baseline, resources());
  // HTTP keep-alive connections (fetch to the middleware, the SDK's requests) close once idle for a few seconds.
  await sleep(6000);
  await gcHard();
  const resourcesIdle = diff(baseline, resources());
  console.log(
    `  ${name}: heap after GC ${(before / MB).toFixed(2)} → ${(after / MB).toFixed(2)} MB; WebSockets ${census.created - created0} made, ${census.open.size} open; handles vs baseline after 6 s idle: ${fmt(resourcesIdle)}`,
  );
  return {
    name,
    chats: CHATS,
    seconds,
    heapBeforeMB: before / MB,
    heapAfterMB: after / MB,
    growthMB: (after - before) / MB,
    secondHalfKBPerChat: (after - mid) / 1024 / (CHATS / 2),
    sockets: {
      created: census.created - created0,
      closed: census.closed - closed0,
      stillOpen: census.open.size,
      collected: census.collected - collected0,
    },
    resourcesAtEnd,
    resourcesIdle,
    counts: counts(),
  };
}

async function main(): Promise<void> {
  const guard = setTimeout(() => {
    console.error('the teardown benchmark took longer than 30 minutes; stopping');
    process.exit(2);
  }, 30 * 60_000);
  guard.unref();

  const initial = resources();
  const stack = await startChildStack();
  peers.set(new URL(stack.emulatorUrl).port ? Number(new URL(stack.emulatorUrl).port) : 80, 'emulator');
  peers.set(Number(new URL(stack.middlewareUrl).port), 'middleware');
  peers.set(Number(new URL(stack.wmMiddlewareUrl).port), 'WM middleware');
  const withStack = resources();
  const { ctor, census } = trackedWebSocket();
  const runs: Run[] = [];
  const baselines: string[] = [];
  try {
    for (const channel of CHANNELS) {
      const options: GenesysServiceDeskOptions = {
        serverBaseUrl: channel === 'web-messaging' ? stack.wmMiddlewareUrl : stack.middlewareUrl,
        webSocketCtor: ctor,
        host: 'carbon',
        userProfile: { displayName: 'Benchmark Guest' },
      };
      const ctx: Ctx = { stack, agentId: stack.agentIds[0]!, factory: createGenesysServiceDeskFactory(options) };
      // A lane is a page of its own (its own factory): the desks of one factory share the page's guest token.
      const lanes = LANES[channel];
      const factories = Array.from({ length: lanes }, (_, lane) =>
        lane === 0 ? ctx.factory : createGenesysServiceDeskFactory(options),
      );
      // Warm-up: the SDK, the JIT, the setup cache and the keep-alive pools are all in place before the baseline.
      await Promise.all(
        Array.from({ length: LANES[channel] }, async (_, lane) => {
          const warmCb = new CountingCallback();
          const warmDesk = await factories[lane]!({ callback: warmCb });
          for (let i = lane; i < WARMUP; i += LANES[channel]) await oneChat(ctx, warmDesk, warmCb, i);
          for (let i = lane; i < WARMUP; i += LANES[channel]) {
            const cb = new CountingCallback();
            await oneChat(ctx, await factories[lane]!({ callback: cb }), cb, i);
          }
        }),
      );
      await waitClosed(census, 10_000);
      await sleep(6000);
      await gcHard();
      const baseline = resources();
      baselines.push(`${NAME[channel]}: ${fmt(baseline)}`);
      console.log(
        `${NAME[channel]}: active resources at start ${fmt(initial)}; with the stack child ${fmt(withStack)}; after warm-up and idle ${fmt(baseline)}`,
      );

      const pages = await Promise.all(
        factories.map(async (factory) => {
          const cb = new CountingCallback();
          return { cb, desk: await factory({ callback: cb }) };
        }),
      );
      const oneDesk =
        lanes === 1
          ? `one desk, ${CHATS.toLocaleString('en')} chats`
          : `${lanes} pages side by side, one desk each, ${(CHATS / lanes).toLocaleString('en')} chats each`;
      runs.push(
        await measure(
          `${NAME[channel]}: ${oneDesk}`,
          census,
          baseline,
          lanes,
          (i, lane) => oneChat(ctx, pages[lane]!.desk, pages[lane]!.cb, i),
          () => {
            const sum: Record<string, number> = {};
            for (const p of pages) for (const [k, v] of Object.entries(p.cb.counts)) sum[k] = (sum[k] ?? 0) + v;
            return sum;
          },
        ),
      );

      const perCounts: Record<string, number> = {};
      runs.push(
        await measure(
          `${NAME[channel]}: a new desk for each of ${CHATS.toLocaleString('en')} chats${lanes > 1 ? `, ${lanes} at a time` : ''}`,
          census,
          baseline,
          lanes,
          async (i, lane) => {
            const cb = new CountingCallback();
            await oneChat(ctx, await factories[lane]!({ callback: cb }), cb, i);
            for (const [k, v] of Object.entries(cb.counts)) perCounts[k] = (perCounts[k] ?? 0) + v;
          },
          () => perCounts,
        ),
      );
    }
  } finally {
    await stack.close();
  }
  clearTimeout(guard);

  const f2 = (x: number) => x.toFixed(2);
  const rows = runs.map((r) => {
    const pass =
      r.growthMB <= MAX_GROWTH_MB &&
      r.sockets.stillOpen === 0 &&
      r.sockets.closed === r.sockets.created &&
      // Fewer than at the baseline is fine: keep-alive connections of the baseline that have since closed.
      Object.values(r.resourcesIdle).every((n) => n <= 0);
    return [
      r.name,
      `${r.seconds.toFixed(1)} s`,
      `${f2(r.heapBeforeMB)} → ${f2(r.heapAfterMB)}`,
      f2(r.growthMB),
      r.secondHalfKBPerChat.toFixed(2),
      `${r.sockets.created} / ${r.sockets.closed} / ${r.sockets.stillOpen}`,
      fmt(r.resourcesAtEnd).replace('none', '±0'),
      fmt(r.resourcesIdle).replace('none', '±0'),
      verdict(pass),
    ];
  });
  const head = [
    'run',
    'time',
    'heapUsed after GC, MB',
    'growth, MB',
    'second half, KB/chat',
    'WebSockets made / CLOSED / open',
    'handles vs baseline, right after',
    'handles vs baseline, 6 s idle',
    `target`,
  ];
  const t = table(head, rows);
  console.log(`\n${t}\n`);
  for (const r of runs)
    console.log(
      `${r.name}: host calls ${JSON.stringify(r.counts)}; sockets reclaimed by GC ${r.sockets.collected}/${r.sockets.created}`,
    );

  const calls = runs
    .map(
      (r) =>
        `${r.name}: ${Object.entries(r.counts)
          .map(([k, v]) => `\`${k}\` ${v}`)
          .join(', ')}; WebSocket objects reclaimed by GC by the end: ${r.sockets.collected} of ${r.sockets.created}`,
    )
    .join('. ');
  writeSubsection(
    'Teardown',
    `Command: \`pnpm bench:client:teardown\` (\`bench/client-teardown.ts\`, tsx with \`node --expose-gc\`). Run ${today()} on ${machine()}.

The emulator and the real middleware run in a child process (\`bench/client-stack-server.ts\`), so the measured heap
and handles are the client's. Each chat: \`startChat\` with a \`connect_to_agent\` response (the summary is posted),
the agent accepts and sends one message through the emulator's control API, the desk passes it to the host,
\`endChat\` (on Web Messaging: Presence Clear on a socket of its own, as the customer leaving does). Both channels in
the same process, one after the other, each with its own middleware. Web Messaging runs 10 pages side by side (a
desk each for 100 chats, or a new desk per chat): a session takes 2 messages a second, so a chat this short (Join,
summary, then Presence Clear within the second) waits out a 429 to leave and lasts about 1.4 s. ${WARMUP} + ${WARMUP} warm-up chats per channel first; heap after four forced GCs; \`ws\` subclassed to count sockets;
handles compared with a baseline taken after the warm-up and 6 s idle: \`process.getActiveResourcesInfo()\` (what
keeps the event loop alive), plus every \`Timeout\`/\`TCPWRAP\`/\`Immediate\` created and not yet destroyed (async_hooks,
so unref'ed timers and idle pooled sockets count too, as "live …") and the socket file descriptors of the process
(at start: ${fmt(initial)}; baseline, ${baselines.join('; ')}). The benchmark's own control calls use one connection each (no pool).

${t}

Host calls: ${calls}.

Target: heap growth after GC at most ${MAX_GROWTH_MB} MB and no socket or timer left — **${verdict(rows.every((r) => r[8] === 'PASS'))}**.
"Second half" is the heap growth from chat ${CHATS / 2} to chat ${CHATS} per chat: a per-chat leak shows there, a one-off
(compiled code, caches) does not. "Right after" is measured as soon as the last chat ended and every WebSocket reached
CLOSED: what is left then are HTTP keep-alive connections of the runtime's pool (in Node, node:http's agent under the
SDK's requests to Genesys, with their idle timers; in a browser, the browser's pool), which close by themselves when
idle. The idle column is the one the target is judged on; a negative count there is a keep-alive connection of the
baseline that has closed since (Node's \`fetch\`, undici, keeps idle connections as long as the server's
\`Keep-Alive\` allows: the middleware's 72 s).`,
  );
  console.log('BENCHMARKS.md updated (Browser client / Teardown).');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
