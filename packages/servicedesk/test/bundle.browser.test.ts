import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium } from 'genesys-handoff-emulator/test-helpers';
import { chatOf, connectMessage, control, eventually, startStack, type Stack } from './harness';

/**
 * `servicedesk.guest-chat.bundle.js` (both channels; here guest chat) in a real browser: the classic script defines `window.WebChatServiceDeskFactory`, takes its
 * options from a global set before it loads, and runs a whole chat against the emulator and the real middleware
 * with the browser's own fetch and WebSocket (the SDK's axios replaced by redaxios in this build).
 */

const ROOT = resolve(__dirname, '../../..');
const BUNDLE = join(ROOT, 'packages/servicedesk/dist/servicedesk.guest-chat.bundle.js');

let stack: Stack;
let site: Server;
let siteUrl: string;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--mode', 'bundle-guest-chat', '--logLevel', 'error'],
    {
      cwd: ROOT,
      env: { ...process.env, SERVER_BASE_URL: 'http://127.0.0.1:1' },
      stdio: 'pipe',
    },
  );
  site = createServer((req, res) => {
    if (req.url === '/servicedesk.bundle.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(BUNDLE));
    } else {
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><title>host page</title><body>hosted web chat would be here</body>');
    }
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  stack = await startStack({}, { ALLOWED_ORIGINS: siteUrl });
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(siteUrl);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await new Promise((r) => site?.close(r));
});

afterEach(async () => {
  const name = expect.getState().currentTestName ?? 'test';
  if (pageErrors.length > 0 || (expect.getState().assertionCalls ?? 0) === 0) {
    await page
      .screenshot({ path: join(ROOT, 'test-artifacts', `bundle-${name.replace(/\W+/g, '-')}.png`) })
      .catch(() => undefined);
  }
});

/** Loads the bundle the way the hosted web chat page does: options global first, then the classic script. */
async function loadBundle(options: Record<string, unknown>) {
  await page.evaluate((o) => {
    (window as unknown as { WebChatServiceDeskFactoryOptions: unknown }).WebChatServiceDeskFactoryOptions = o;
  }, options);
  await page.addScriptTag({ url: `${siteUrl}/servicedesk.bundle.js` });
}

test('bundles the ES2015 build of RxJS (native classes and for...of), not its ES5 build', () => {
  const code = readFileSync(BUNDLE, 'utf8');
  // RxJS's Subject passes each value on in `for (const observer of this.currentObservers)`; its ES5 build goes
  // through tslib's `__values` (an iterator and a result object per subscriber per value) and prototype functions.
  expect(code).toMatch(/for\((?:const|let) \w+ of this\.currentObservers\)/);
  expect(code).not.toMatch(/\.prototype\.lift=function/);
});

test('the classic script defines window.WebChatServiceDeskFactory, and a chat runs end to end in the browser', async () => {
  await loadBundle({
    serverBaseUrl: stack.middlewareUrl,
    availability: true,
    availabilityRefreshMs: 100,
    userProfile: { displayName: 'Browser Guest' },
  });
  expect(
    await page.evaluate(
      () => typeof (window as unknown as { WebChatServiceDeskFactory: unknown }).WebChatServiceDeskFactory,
    ),
  ).toBe('function');

  // The page side: a recording host callback, like the hosted web chat's.
  await page.evaluate(async (message) => {
    const w = window as unknown as Record<string, unknown> & {
      WebChatServiceDeskFactory: (p: unknown) => Record<string, (...a: unknown[]) => Promise<unknown>>;
    };
    const calls: unknown[][] = [];
    const record =
      (name: string) =>
      (...args: unknown[]) => {
        calls.push([name, ...args]);
        return Promise.resolve();
      };
    const callback = Object.fromEntries(
      [
        'agentJoined',
        'agentLeftChat',
        'agentEndedChat',
        'beginTransferToAnotherAgent',
        'agentTyping',
        'sendMessageToUser',
        'updateAgentAvailability',
        'setErrorStatus',
      ].map((n) => [n, record(n)]),
    );
    // Hosted web chat's instance takes language pack changes; the desk applies the hand-off's wording to it.
    const instance = { updateLanguagePack: record('updateLanguagePack') };
    const desk = w.WebChatServiceDeskFactory({ callback, instance });
    w['__calls'] = calls;
    w['__desk'] = desk;
    await desk['startChat']!(message, { agentAppInfo: { sessionHistoryKey: 'browser-key' } });
  }, connectMessage());

  const chat = await chatOf(stack, 'Browser Guest');
  expect(chat.guest.customFields).toMatchObject({ sessionHistoryKey: 'browser-key', topic: 'refunds' });
  const agent = [...stack.emu.engine.agents.values()][0]!;
  const calls = async () => page.evaluate(() => (window as unknown as { __calls: unknown[][] }).__calls);
  // The queue position is shown while the customer waits (an answer still on its way when the agent joins is dropped).
  await eventually(async () => (await calls()).some((c) => c[0] === 'updateAgentAvailability'));
  await control(stack, 'POST', `/chats/${chat.id}/accept`, { agentId: agent.id });
  await control(stack, 'POST', `/chats/${chat.id}/messages`, { body: 'Hello from the agent' });
  await eventually(async () =>
    (await calls()).some((c) => c[0] === 'sendMessageToUser' && c[1] === 'Hello from the agent'),
  );

  await page.evaluate(() =>
    (window as unknown as { __desk: Record<string, (...a: unknown[]) => Promise<unknown>> }).__desk[
      'sendMessageToAgent'
    ]!({ input: { text: 'Hello from the browser' } }, 'm1'),
  );
  const detail = await control<{ messages: Array<{ body: string; senderRole: string }> }>(
    stack,
    'GET',
    `/chats/${chat.id}`,
  );
  expect(detail.messages.filter((m) => m.senderRole === 'CUSTOMER').map((m) => m.body)).toContain(
    'Hello from the browser',
  );

  const seen = await calls();
  const joined = seen.find((c) => c[0] === 'agentJoined')!;
  // Hosted watsonx: an AgentProfile (no user_type) and snake_case availability.
  expect(joined[1]).toEqual({
    id: expect.any(String),
    nickname: agent.name,
    profile_picture_url: agent.avatarImageUrl,
  });
  const availability = seen.filter((c) => c[0] === 'updateAgentAvailability').map((c) => Object.keys(c[1] as object));
  expect(availability.length).toBeGreaterThan(0);
  // The wait in words, as a message: hosted web chat's own numbers read "Current wait time is 0 minutes".
  for (const keys of availability) expect(keys).toEqual(['message']);
  expect(seen.find((c) => c[0] === 'updateLanguagePack')?.[1]).toMatchObject({
    agent_reconnected: "You're connected again.",
    agent_cardMessageChatEnded: 'Your live agent request is closed.',
  });

  await page.evaluate(() =>
    (window as unknown as { __desk: Record<string, (...a: unknown[]) => Promise<unknown>> }).__desk['endChat']!({
      endedByAgent: false,
    }),
  );
  expect(await chatOf(stack, 'Browser Guest')).toMatchObject({ state: 'ended', endReason: 'guest' });
  expect(pageErrors).toEqual([]);
});
