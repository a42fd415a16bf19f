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
 */
import { createHook } from 'node:async_hooks';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createGenesysServiceDeskFactory,
  type GenesysServiceDesk,
  type GenesysServiceDeskOptions,
} from 'genesys-handoff-servicedesk/internals';
import { connectMessage } from 'genesys-handoff-servicedesk/test-fixtures';
import { CountingCallback } from './client-callback';
import { machine, table, today, verdict, writeSubsection } from './client-report';
import { startChildStack, type ChildStack } from './client-stack';
import { trackedWebSocket, type SocketCensus } from './client-ws';

const CHATS = Number(process.env['BENCH_CHATS'] ?? 1000);
const WARMUP = 50;
const MAX_GROWTH_MB = 2;
const MB = 2 ** 20;

interface Ctx {
  stack: ChildStack;
  agentId: string;
  factory: (p: { callback: CountingCallback }) => GenesysServiceDesk | Promise<GenesysServiceDesk>;
}

async function oneChat(ctx: Ctx, desk: GenesysServiceDesk, cb: CountingCallback, i: number): Promise<void> {
  const joined = cb.n('agentJoined');
  await desk.startChat(connectMessage(), {});
  const session = cb.state['genesysChat'] as { conversationId: string } | null | undefined;
  if (!session) throw new Error(`chat ${i}: no session persisted after startChat`);
  await ctx.stack.control('POST', `/chats/${session.conversationId}/accept`, { agentId: ctx.agentId });
  await cb.waitFor(() => cb.n('agentJoined') > joined, `agentJoined of chat ${i}`);
  const text = `Hello from the agent, chat ${i}`;
  await ctx.stack.control('POST', `/chats/${session.conversationId}/messages`, { body: text });
  await cb.waitFor(() => cb.lastText === text, `the agent's message of chat ${i}`);
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
  chats: (i: number) => Promise<void>,
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
  for (let i = 0; i < CHATS; i++) {
    await chats(i);
    if ((i + 1) % 250 === 0)
      console.log(`  ${name}: ${i + 1}/${CHATS} chats (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    if (i + 1 === CHATS / 2) {
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
    console.error('the teardown benchmark took longer than 5 minutes; stopping');
    process.exit(2);
  }, 5 * 60_000);
  guard.unref();

  const initial = resources();
  const stack = await startChildStack();
  peers.set(new URL(stack.emulatorUrl).port ? Number(new URL(stack.emulatorUrl).port) : 80, 'emulator');
  peers.set(Number(new URL(stack.middlewareUrl).port), 'middleware');
  const withStack = resources();
  const { ctor, census } = trackedWebSocket();
  const options: GenesysServiceDeskOptions = {
    serverBaseUrl: stack.middlewareUrl,
    webSocketCtor: ctor,
    host: 'carbon',
    userProfile: { displayName: 'Benchmark Guest' },
  };
  const ctx: Ctx = { stack, agentId: stack.agentIds[0]!, factory: createGenesysServiceDeskFactory(options) };
  const runs: Run[] = [];
  let baseline: Record<string, number>;
  try {
    // Warm-up: the SDK, the JIT, the setup cache and the keep-alive pools are all in place before the baseline.
    const warmCb = new CountingCallback();
    const warmDesk = await ctx.factory({ callback: warmCb });
    for (let i = 0; i < WARMUP; i++) await oneChat(ctx, warmDesk, warmCb, i);
    for (let i = 0; i < WARMUP; i++) {
      const cb = new CountingCallback();
      await oneChat(ctx, await ctx.factory({ callback: cb }), cb, i);
    }
    await waitClosed(census, 10_000);
    await sleep(6000);
    await gcHard();
    baseline = resources();
    console.log(
      `active resources: at start ${fmt(initial)}; with the stack child ${fmt(withStack)}; after warm-up and idle ${fmt(baseline)}`,
    );

    const oneCb = new CountingCallback();
    const oneDesk = await ctx.factory({ callback: oneCb });
    runs.push(
      await measure(
        `one desk, ${CHATS.toLocaleString('en')} chats`,
        census,
        baseline,
        (i) => oneChat(ctx, oneDesk, oneCb, i),
        () => oneCb.counts,
      ),
    );

    const perCounts: Record<string, number> = {};
    runs.push(
      await measure(
        `a new desk for each of ${CHATS.toLocaleString('en')} chats`,
        census,
        baseline,
        async (i) => {
          const cb = new CountingCallback();
          await oneChat(ctx, await ctx.factory({ callback: cb }), cb, i);
          for (const [k, v] of Object.entries(cb.counts)) perCounts[k] = (perCounts[k] ?? 0) + v;
        },
        () => perCounts,
      ),
    );
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
      Object.keys(r.resourcesIdle).length === 0;
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
\`endChat\`. ${WARMUP} + ${WARMUP} warm-up chats first; heap after four forced GCs; \`ws\` subclassed to count sockets;
handles compared with a baseline taken after the warm-up and 6 s idle: \`process.getActiveResourcesInfo()\` (what
keeps the event loop alive), plus every \`Timeout\`/\`TCPWRAP\`/\`Immediate\` created and not yet destroyed (async_hooks,
so unref'ed timers and idle pooled sockets count too, as "live …") and the socket file descriptors of the process
(at start: ${fmt(initial)}; baseline: ${fmt(baseline)}). The benchmark's own control calls use one connection each (no pool).

${t}

Host calls: ${calls}.

Target: heap growth after GC at most ${MAX_GROWTH_MB} MB and no socket or timer left — **${verdict(rows.every((r) => r[8] === 'PASS'))}**.
"Second half" is the heap growth from chat ${CHATS / 2} to chat ${CHATS} per chat: a per-chat leak shows there, a one-off
(compiled code, caches) does not. "Right after" is measured as soon as the last chat ended and every WebSocket reached
CLOSED: what is left then are HTTP keep-alive connections of the runtime's pool (in Node, node:http's agent under the
SDK's requests to Genesys, with their idle timers; in a browser, the browser's pool), which close by themselves when
idle. The idle column is the one the target is judged on.`,
  );
  console.log('BENCHMARKS.md updated (Browser client / Teardown).');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
