import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { launchChromium } from 'genesys-handoff-emulator/test-helpers';
import type { EmulatorOptions } from 'genesys-handoff-emulator';
import { ALSO_ON_GUEST_CHAT, LIVE_CHANNEL, chosenChannels, runsOn } from './channels';
import { ARTIFACTS, startDemoStack, type Channel, type DemoStack } from './stack';

/**
 * One E2E test file = one stack per channel it runs on (emulator, middlewares, vite preview of the production build)
 * and one Chromium; each test ("flow") gets fresh browser contexts, so no storage leaks between flows. A failing flow
 * leaves a screenshot and the console log of every page it opened, plus the preview server's output, in
 * `test-artifacts/`.
 *
 * Every flow runs on Web Messaging; on guest chat only the flows `ALSO_ON_GUEST_CHAT` names (`e2e/channels.ts`, with the
 * reason for each), and a file that names none there starts no guest chat stack. `E2E_CHANNELS=guest-chat`
 * (comma-separated) runs only the channels named, for a quicker local loop; CI runs both.
 */

function testFile(): string {
  return basename(expect.getState().testPath ?? 'e2e', '.e2e.test.ts');
}

/** The flow names this file declared, to check every name of `ALSO_ON_GUEST_CHAT` against. */
const declaredFlows = new Set<string>();

/**
 * Declares the file's flows once per channel that runs any of them, each channel in its own `describe` (its name leads
 * the test names).
 */
export function forEachChannel(body: (channel: Channel) => void): void {
  const file = testFile();
  const named = Object.keys(ALSO_ON_GUEST_CHAT[file] ?? {});
  const channels = chosenChannels().filter((c) => c === LIVE_CHANNEL || named.length > 0);
  describe.each(channels.map((c) => [c]))('%s', (channel) => body(channel));
  const missing = named.filter((name) => !declaredFlows.has(name));
  if (channels.length > 0 && missing.length > 0)
    throw new Error(`ALSO_ON_GUEST_CHAT names flows that ${file}.e2e.test.ts does not declare: ${missing.join('; ')}`);
}

/** Locator waits fail well before Jest's timeout, so a failure names what it waited for. */
export const UI_TIMEOUT_MS = 10_000;

export interface Tab {
  page: Page;
  context: BrowserContext;
  label: string;
  /** Console messages and uncaught errors, for the failure report. */
  log: string[];
  /** Uncaught page errors: any fails the flow, unless the flow expects it (`allowedErrors`). */
  errors: string[];
  allowedErrors: RegExp[];
  /** Requests to anything but 127.0.0.1 (all blocked): any fails the flow, the demo must run offline. */
  blocked: string[];
}

export interface OpenOptions {
  /** Runs before the first navigation (routes, clock, init scripts). */
  beforeLoad?: (page: Page) => Promise<void>;
  /** The window's size in CSS pixels. @default 1280 × 900 */
  viewport?: { width: number; height: number };
  /** A device's user agent and touch (a phone's), instead of desktop Chromium's. */
  device?: { userAgent: string; isMobile: true; hasTouch: true; deviceScaleFactor: number };
}

export interface Flow {
  stack: DemoStack;
  /** Opens `path` of the demo site (or an absolute URL) in a new browser context. */
  open(path?: string, label?: string, options?: OpenOptions): Promise<Tab>;
}

export interface FlowOptions {
  /** @default 60 s */
  timeoutMs?: number;
  /** Channels the flow does not apply to, each with the reason (shown in the skipped test's name). */
  notOn?: Partial<Record<Channel, string>>;
  /** Channels the product does not do this on yet, each with the reason (shown in the skipped test's name). */
  pendingOn?: Partial<Record<Channel, string>>;
}

export function e2eSuite(options: { channel: Channel; emulator?: EmulatorOptions }) {
  let stack: DemoStack | undefined;
  let browser: Browser | undefined;
  const file = testFile();

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startDemoStack(options), launchChromium()]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  function flow(name: string, body: (f: Flow) => Promise<void>, flowOptions: number | FlowOptions = {}): void {
    const o = typeof flowOptions === 'number' ? { timeoutMs: flowOptions } : flowOptions;
    declaredFlows.add(name);
    if (o.notOn?.[LIVE_CHANNEL] !== undefined && !runsOn('guest-chat', file, name))
      throw new Error(`"${name}" is not on ${LIVE_CHANNEL} and not in ALSO_ON_GUEST_CHAT: it would run nowhere`);
    if (!runsOn(options.channel, file, name)) return;
    const notHere = o.notOn?.[options.channel];
    const pending = o.pendingOn?.[options.channel];
    if (notHere !== undefined || pending !== undefined) {
      test.skip(`${name} [${notHere !== undefined ? `not on ${options.channel}: ${notHere}` : `pending on ${options.channel}: ${pending}`}]`, () =>
        undefined);
      return;
    }
    test(
      name,
      async () => {
        if (!stack || !browser) throw new Error('the E2E stack did not start');
        const s = stack;
        const b = browser;
        const tabs: Tab[] = [];
        const open = async (path = '/', label = `tab${tabs.length}`, opts: OpenOptions = {}): Promise<Tab> => {
          const context = await b.newContext({
            viewport: opts.viewport ?? { width: 1280, height: 900 },
            ...opts.device,
            locale: 'en-US',
            timezoneId: 'UTC',
          });
          context.setDefaultTimeout(UI_TIMEOUT_MS);
          const tab: Tab = {
            page: await context.newPage(),
            context,
            label,
            log: [],
            errors: [],
            allowedErrors: [],
            blocked: [],
          };
          tabs.push(tab);
          await context.route('**/*', (route) => {
            const url = route.request().url();
            if (new URL(url).hostname === '127.0.0.1') return route.continue();
            tab.blocked.push(url);
            return route.abort();
          });
          tab.page.on('console', (m) => tab.log.push(`[${m.type()}] ${m.text()}`));
          tab.page.on('pageerror', (e) => {
            tab.errors.push(e.message);
            tab.log.push(`[pageerror] ${e.stack ?? e.message}`);
          });
          await opts.beforeLoad?.(tab.page);
          await tab.page.goto(path.startsWith('http') ? path : `${s.siteUrl}${path}`);
          return tab;
        };
        try {
          await body({ stack: s, open });
          for (const t of tabs) {
            const errors = t.errors.filter((e) => !t.allowedErrors.some((allowed) => allowed.test(e)));
            expect({ tab: t.label, errors, blocked: t.blocked }).toEqual({ tab: t.label, errors: [], blocked: [] });
          }
        } catch (e) {
          await saveArtifacts(`${file}--${options.channel}--${name}`, tabs, s);
          throw e;
        } finally {
          await Promise.all(tabs.map((t) => t.context.close().catch(() => undefined)));
        }
      },
      o.timeoutMs ?? 60_000,
    );
  }

  return { flow, stack: () => stack!, channel: options.channel };
}

async function saveArtifacts(name: string, tabs: Tab[], stack: DemoStack): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  const slug = name
    .replace(/[^a-z0-9]+/gi, '-')
    .toLowerCase()
    .slice(0, 120);
  for (const [i, t] of tabs.entries()) {
    await t.page.screenshot({ path: join(ARTIFACTS, `e2e-${slug}-${i}-${t.label}.png`) }).catch(() => undefined);
  }
  const logs = tabs.map(
    (t) => `== ${t.label} (${t.page.url()})\n${t.log.join('\n')}\nblocked: ${t.blocked.join(', ') || 'none'}`,
  );
  await writeFile(
    join(ARTIFACTS, `e2e-${slug}.log`),
    `${logs.join('\n\n')}\n\n== vite preview\n${stack.serverLog.join('')}`,
  ).catch(() => undefined);
}
