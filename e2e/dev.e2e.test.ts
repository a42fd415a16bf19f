import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser } from 'playwright-core';
import { launchChromium } from 'genesys-handoff-emulator/test-helpers';
import { AgentControl, CustomerPage, eventually } from './pages';
import { ARTIFACTS, ROOT, freePort, type DemoStack } from './stack';
import { UI_TIMEOUT_MS, type Tab } from './suite';

/**
 * `pnpm dev` (scripts/dev.ts) as a newcomer runs it, on free ports: it starts the emulator, both middlewares and the
 * Vite dev server on Web Messaging (the default channel), prints the two URLs, serves a page on which a chat reaches an agent, and stops on Ctrl+C.
 */

let dev: ChildProcess | undefined;
let browser: Browser | undefined;
const output: string[] = [];

afterAll(async () => {
  await browser?.close();
  if (dev && dev.exitCode === null) dev.kill('SIGKILL');
});

test('pnpm dev: emulator, middlewares and the demo page on one command; a chat reaches an agent; Ctrl+C stops it all', async () => {
  const [site, api, auth, emulator] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  dev = spawn(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/dev.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    // An empty GENESYS_CLIENT_ID wins over a developer's .env: this is the no-org path; an empty GENESYS_CHANNEL, the
    // default channel.
    env: {
      ...process.env,
      DEMO_PORT: String(site),
      PORT: String(api),
      AUTH_PORT: String(auth),
      EMULATOR_PORT: String(emulator),
      GENESYS_CLIENT_ID: '',
      GENESYS_CHANNEL: '',
    },
  });
  dev.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
  dev.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  const exited = new Promise<number | null>((resolve) => dev!.once('exit', (code) => resolve(code)));
  try {
    await eventually(
      () => output.join('').includes('Ctrl+C stops everything.') || dev!.exitCode !== null,
      60_000,
      'pnpm dev to print its URLs',
    );
    const printed = output.join('');
    expect(printed).toContain(`customer page      http://127.0.0.1:${site}/`);
    expect(printed).toContain(`agent console      http://127.0.0.1:${emulator}/console/`);
    expect(printed).toContain('channel            Web Messaging (GENESYS_CHANNEL=guest-chat for guest chat)');
    expect(printed).toContain('automatic agent    off: you play the agent in the console (EMULATOR_AUTO_AGENT=true');
    expect(await (await fetch(`http://127.0.0.1:${site}/demo-config.json`)).json()).toEqual({
      serverBaseUrl: `http://127.0.0.1:${api}`,
      authServerBaseUrl: `http://127.0.0.1:${auth}`,
      agentConsoleUrl: `http://127.0.0.1:${emulator}/console/`,
      login: true,
    });
    expect((await fetch(`http://127.0.0.1:${emulator}/console/`)).status).toBe(200);
    expect(await (await fetch(`http://127.0.0.1:${site}/servicedesk.bundle.js`)).text()).toMatch(
      /^var WebChatServiceDeskFactory=/,
    );

    // The customer page from the dev server, in a browser, as far as an agent joining.
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // The dev server's first page load optimises dependencies: allow for it.
    context.setDefaultTimeout(Math.max(UI_TIMEOUT_MS, 30_000));
    const page = await context.newPage();
    const tab: Tab = { page, context, label: 'dev', log: [], errors: [], allowedErrors: [], blocked: [] };
    page.on('pageerror', (e) => tab.errors.push(e.message));
    // React's development build reports list items without keys; the waiting banner used to cause one per chat.
    const reactWarnings: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && /unique "key" prop/.test(m.text())) reactWarnings.push(m.text());
    });
    await page.goto(`http://127.0.0.1:${site}/`);
    const customer = new CustomerPage(tab);
    try {
      await customer.openChat();
      await customer.requestAgent();
      await customer.banner.getByText(/Expected wait/).waitFor();
      expect(reactWarnings).toEqual([]);
      const agents = new AgentControl({
        channel: 'web-messaging',
        emulator: { controlUrl: `http://127.0.0.1:${emulator}/control` } as DemoStack['emulator'],
      });
      const chat = await agents.queuedChatOf(await customer.guestName());
      expect((await agents.chat(chat.id)).media).toBe('message');
      await agents.join(chat.id, { name: 'Blair Expert' });
      await customer.text('Blair Expert connected.').waitFor();
      expect(tab.errors).toEqual([]);
    } catch (e) {
      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'e2e-dev-customer.png') }).catch(() => undefined);
      throw e;
    }

    dev.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output.join('')).toContain('SIGINT: stopping...');
    // Everything it started is gone.
    await expect(fetch(`http://127.0.0.1:${site}/`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${emulator}/control/state`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${api}/setup`)).rejects.toThrow();
  } catch (e) {
    await mkdir(ARTIFACTS, { recursive: true });
    await writeFile(join(ARTIFACTS, 'e2e-dev.log'), output.join('')).catch(() => undefined);
    throw e;
  }
}, 120_000);
