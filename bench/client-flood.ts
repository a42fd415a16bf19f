/**
 * A flood of agent messages: does the page stay responsive, and does the customer get every message?
 *
 *   pnpm bench:client:flood
 *   FLOOD_SIZES=2000 FLOOD_CHANNELS=guest-chat FLOOD_WAIT_S=60 pnpm bench:client:flood    (a quicker run)
 *   FLOOD_WRITE=0 ...                                                                      (console only)
 *   FLOOD_PROFILE=/tmp/flood ...                        (the page's CPU profile of each burst, for DevTools)
 *
 * The E2E stack (production build of the demo page with Carbon AI Chat, the real middlewares, the emulator) and
 * Chromium. A customer gets an agent; the agent then sends N messages as fast as the emulator's control API takes
 * them (FLOOD_CONCURRENCY requests at a time). Measured on the page, from the first message sent:
 * - when every one of the N is in the chat's message list (or how many are after FLOOD_WAIT_S, when not all are);
 * - the latency of a trivial `page.evaluate`, asked again as soon as it answers, until all N are shown or the wait
 *   ends: how long the page makes anything wait (a click, a key) while it takes the flood in;
 * - long tasks (PerformanceObserver 'longtask', over 50 ms each) and their total.
 * The run ends by itself: at most FLOOD_WAIT_S per burst.
 */
import { writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { Browser } from 'playwright-core';
import { launchChromium } from 'genesys-handoff-emulator/test-helpers';
import { AgentControl, eventually } from '../e2e/pages';
import { startDemoStack, type Channel, type DemoStack } from '../e2e/stack';
import type { Tab } from '../e2e/suite';
import { machine, median, table, today, writeSubsection } from './client-report';

const SIZES = (process.env['FLOOD_SIZES'] ?? '200,10000').split(',').map((s) => Number(s.trim()));
const CHANNELS = (process.env['FLOOD_CHANNELS'] ?? 'web-messaging').split(',').map((c) => c.trim() as Channel);
const WAIT_MS = Number(process.env['FLOOD_WAIT_S'] ?? '120') * 1000;
const CONCURRENCY = Number(process.env['FLOOD_CONCURRENCY'] ?? '16');
const WRITE = process.env['FLOOD_WRITE'] !== '0';
/** A path prefix: the page's CPU profile of each burst is written there (Chrome DevTools' .cpuprofile). */
const PROFILE = process.env['FLOOD_PROFILE'];

/** The text of the agent's i-th line (1-based) of a burst of n: unique, and found again on the page by `LINE`. */
const line = (i: number, n: number) => `Flood line ${i} of ${n}`;

interface BurstResult {
  channel: Channel;
  n: number;
  /** The agent's side: every message posted to the emulator. */
  sentMs: number;
  /** From the first message sent until all n were in the list; undefined if not within the wait. */
  allShownMs: number | undefined;
  shownAtEnd: number;
  /** Lines shown more than once (a duplicate). */
  duplicates: number;
  waitedMs: number;
  probes: number[];
  longTasks: number;
  longTaskMs: number;
  lastInView: boolean;
  /** The last trivial evaluate had not answered when the wait ended (its latency is counted up to then). */
  unanswered: boolean;
}

/** The promise's value, or undefined if it has not settled within `ms`. */
async function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((r) => (timer = setTimeout(r, ms, undefined)));
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** In the page before it loads: long tasks are counted from the moment the benchmark resets the counters. */
function observeLongTasks(): void {
  const w = window as unknown as { __flood: { count: number; total: number } };
  w.__flood = { count: 0, total: 0 };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      w.__flood.count++;
      w.__flood.total += e.duration;
    }
  }).observe({ type: 'longtask', buffered: false });
}

async function burst(browser: Browser, stack: DemoStack, n: number): Promise<BurstResult> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  try {
    const page = await context.newPage();
    await page.addInitScript(observeLongTasks);
    await page.goto(stack.siteUrl);
    const tab: Tab = { page, context, label: 'customer', log: [], errors: [], allowedErrors: [], blocked: [] };
    const agents = new AgentControl(stack);
    const { customer, chat } = await agents.connectCustomer(tab);
    // The greeting of Web Messaging's join is shown: the list is settled before the burst.
    await page.evaluate(() => {
      (window as unknown as { __flood: { count: number; total: number } }).__flood = { count: 0, total: 0 };
    });

    const cdp = PROFILE ? await context.newCDPSession(page) : undefined;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
      await cdp.send('Profiler.start');
    }
    const start = performance.now();
    let sentMs = 0;
    let stop = false;
    const bodies = Array.from({ length: n }, (_, i) => line(i + 1, n));
    const sending = agents
      .sayAll(chat.id, bodies, CONCURRENCY, () => stop)
      .then(() => (sentMs = performance.now() - start));
    const probes: number[] = [];
    let shown = { shown: 0, distinct: 0 };
    let allShownMs: number | undefined;
    /** The newest line shown (the agent's requests overlap: not necessarily the last one given). */
    let last: string | undefined;
    const pattern = new RegExp(`^Flood line \\d+ of ${n}$`);
    let unanswered = false;
    try {
      for (;;) {
        const t0 = performance.now();
        const left = start + WAIT_MS - t0;
        // A frozen page may not answer for minutes: the last probe counts as long as it was waited for.
        const answered = await within(
          page.evaluate(() => 1),
          Math.max(left, 1000),
        );
        probes.push(performance.now() - t0);
        if (answered === undefined) {
          unanswered = true;
          break;
        }
        const lines = await within(
          customer.linesMatching(pattern),
          Math.max(start + WAIT_MS - performance.now(), 1000),
        );
        if (lines === undefined) break;
        shown = { shown: lines.length, distinct: new Set(lines).size };
        last = lines[lines.length - 1];
        const elapsed = performance.now() - start;
        if (shown.distinct >= n) {
          allShownMs = elapsed;
          break;
        }
        if (elapsed > WAIT_MS) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      stop = true;
      await sending;
    }
    const waitedMs = performance.now() - start;
    if (cdp) {
      const { profile } = await cdp.send('Profiler.stop');
      const file = `${PROFILE}-${stack.channel}-${n}.cpuprofile`;
      await writeFile(file, JSON.stringify(profile));
      console.log(`CPU profile of the page: ${file}`);
    }
    const tasks = (await within(
      page.evaluate(() => (window as unknown as { __flood: { count: number; total: number } }).__flood),
      10_000,
    )) ?? { count: Number.NaN, total: Number.NaN };
    const lastInView =
      allShownMs !== undefined &&
      last !== undefined &&
      // The host scrolls once more after drawing.
      (await eventually(() => customer.inView(customer.text(last!)), 5000).then(
        () => true,
        () => false,
      ));
    return {
      channel: stack.channel,
      n,
      sentMs,
      allShownMs,
      shownAtEnd: shown.distinct,
      duplicates: shown.shown - shown.distinct,
      waitedMs,
      probes,
      longTasks: tasks.count,
      longTaskMs: tasks.total,
      lastInView,
      unanswered,
    };
  } finally {
    await context.close();
  }
}

const s = (ms: number | undefined) => (ms === undefined ? '—' : (ms / 1000).toFixed(1));

async function main(): Promise<void> {
  const results: BurstResult[] = [];
  const browser = await launchChromium();
  try {
    for (const channel of CHANNELS) {
      const stack = await startDemoStack({ channel });
      try {
        for (const n of SIZES) {
          const r = await burst(browser, stack, n);
          results.push(r);
          console.log(
            `${channel} n=${n}: sent in ${s(r.sentMs)} s; all shown: ${s(r.allShownMs)} s; shown ${r.shownAtEnd} after ${s(r.waitedMs)} s; ` +
              `evaluate median ${median(r.probes).toFixed(0)} ms, max ${Math.max(...r.probes).toFixed(0)} ms (${r.probes.length}); ` +
              `long tasks ${r.longTasks}, ${s(r.longTaskMs)} s; duplicates ${r.duplicates}; last line in view ${r.lastInView}`,
          );
        }
      } finally {
        await stack.close();
      }
    }
  } finally {
    await browser.close();
  }
  const rows = results.map((r) => [
    r.channel,
    r.n,
    s(r.sentMs),
    r.allShownMs === undefined ? `not all: ${r.shownAtEnd} after ${s(r.waitedMs)}` : s(r.allShownMs),
    median(r.probes).toFixed(0),
    `${Math.max(...r.probes).toFixed(0)}${r.unanswered ? ' (no answer yet)' : ''}`,
    r.probes.length,
    Number.isNaN(r.longTasks) ? 'no answer' : r.longTasks,
    Number.isNaN(r.longTaskMs) ? '—' : s(r.longTaskMs),
    r.duplicates,
    r.allShownMs === undefined ? '—' : r.lastInView ? 'yes' : 'no',
  ]);
  const head = [
    'channel',
    'N',
    'agent sent all, s',
    'all N shown, s',
    'evaluate median, ms',
    'evaluate max, ms',
    'evaluates',
    'long tasks',
    'long tasks total, s',
    'duplicates',
    'last line in view',
  ];
  const t = table(head, rows);
  console.log(`\n${t}`);
  if (!WRITE) return;
  writeSubsection(
    'Flood',
    `Command: \`pnpm bench:client:flood\` (\`bench/client-flood.ts\`; FLOOD_SIZES=${SIZES.join(',')}, FLOOD_CHANNELS=${CHANNELS.join(',')}, FLOOD_WAIT_S=${WAIT_MS / 1000}, FLOOD_CONCURRENCY=${CONCURRENCY}). Run ${today()} on ${machine()}.

The demo page (production build, Carbon AI Chat) in Chromium, the real middleware and the emulator on loopback. A
customer gets an agent, who then sends N messages as fast as the emulator's control API takes them. Times from the
first message sent. "Evaluate" is a trivial \`page.evaluate\` asked again as soon as it answers, for as long as the
burst is being shown: how long a click or a key waits. Long tasks: PerformanceObserver \`longtask\` over the same time.

${t}`,
  );
  console.log('BENCHMARKS.md updated (Browser client / Flood).');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
