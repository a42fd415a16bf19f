/**
 * `pnpm test:examples`: the packages as someone else's app gets them. Packs the three packages, checks each tarball
 * (publint, and attw for its types), installs them into the apps under `examples/` copied outside the workspace (so
 * nothing resolves from this repository's node_modules), type-checks and builds the apps, starts the emulator and
 * the middleware from their tarballs through their bins, and carries a chat from each app to the agent console
 * and back in Chromium. Exits non-zero, saying which step failed, on the first failure.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  cpSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from 'genesys-handoff-emulator/test-helpers';
import { freePort } from '../e2e/stack';

const ROOT = resolve(__dirname, '..');
const PACK = join(ROOT, '.pack');
const ARTIFACTS = join(ROOT, 'test-artifacts');
const PACKAGES = [
  { name: 'genesys-handoff-servicedesk', dir: 'packages/servicedesk' },
  { name: 'genesys-handoff-server', dir: 'fastify-server' },
  { name: 'genesys-handoff-emulator', dir: 'packages/emulator' },
];
/**
 * attw's checks per package. The client is ESM only (`esm-only`: a CommonJS `require` of it is Node's own
 * require(esm), not a types problem), and its two classic-script bundles are files for a `<script>` tag, with no types
 * by design. The server and the emulator are CommonJS, checked under every resolution.
 */
const ATTW_ARGS: Record<string, string[]> = {
  'genesys-handoff-servicedesk': [
    '--profile',
    'esm-only',
    '--exclude-entrypoints',
    'servicedesk.bundle.js',
    'servicedesk.guest-chat.bundle.js',
  ],
  'genesys-handoff-server': [],
  'genesys-handoff-emulator': [],
};
const STEP_TIMEOUT_MS = 30_000;

const running: ChildProcess[] = [];
const servers: Server[] = [];

function step(what: string): void {
  console.log(`\n== ${what}`);
}

/** Runs a command to its end; its output is shown only when it fails. */
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  const r = spawnSync(command, args, {
    cwd,
    env: { ...process.env, IBM_TELEMETRY_DISABLED: 'true', ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) failed with ${r.status ?? r.signal}:\n${output}`);
  }
  return output;
}

/** Starts a long-running command and waits until `ready` says it is up; its output is kept for failure reports. */
async function start(
  name: string,
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  ready: () => Promise<boolean>,
): Promise<void> {
  let output = '';
  // A process group of its own: npx starts the bin as its child, and stopping the group stops both.
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  running.push(child);
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${output}`);
    if (await ready().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} did not start within ${STEP_TIMEOUT_MS / 1000} s:\n${output}`);
}

function stopAll(): void {
  for (const c of running) {
    try {
      if (c.pid !== undefined && c.exitCode === null) process.kill(-c.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

const answers = (url: string) => async () => (await fetch(url)).ok;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
};

/** A static site, as any web server would serve the example's build output. */
async function serveStatic(dir: string, port: number): Promise<void> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = join(dir, path === '/' ? 'index.html' : path);
    if (!file.startsWith(dir)) return void res.writeHead(400).end();
    try {
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
}

function pack(): void {
  step('pack the three packages');
  rmSync(PACK, { recursive: true, force: true });
  for (const p of PACKAGES) {
    run('pnpm', ['pack', '--pack-destination', PACK], join(ROOT, p.dir));
    const made = readdirSync(PACK).find((f) => f.startsWith(`${p.name}-`) && f.endsWith('.tgz'));
    if (!made) throw new Error(`pnpm pack made no tarball for ${p.name}`);
    // A name without the version, so the examples' package.json files name it once for every release.
    renameSync(join(PACK, made), join(PACK, `${p.name}.tgz`));
  }
}

function lint(): void {
  for (const p of PACKAGES) {
    const tarball = join(PACK, `${p.name}.tgz`);
    step(`publint and attw: ${p.name}`);
    console.log(run('pnpm', ['exec', 'publint', '--strict', tarball], ROOT).trim());
    console.log(run('pnpm', ['exec', 'attw', tarball, ...(ATTW_ARGS[p.name] ?? [])], ROOT).trim());
  }
}

/** Copies `examples/` and the tarballs into a folder outside the workspace, keeping their relative paths. */
function copyOut(): string {
  const out = mkdtempSync(join(tmpdir(), 'handoff-examples-'));
  cpSync(join(ROOT, 'examples'), join(out, 'examples'), {
    recursive: true,
    filter: (src) => !/[\\/](node_modules|dist)$/.test(src),
  });
  cpSync(PACK, join(out, '.pack'), { recursive: true });
  return out;
}

function install(dir: string): void {
  step(`npm install: ${dir}`);
  run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock'], dir);
}

async function carbonChat(browser: Browser, appUrl: string, consoleUrl: string): Promise<void> {
  step('browser: Carbon AI Chat example -> agent console -> back');
  const context = await browser.newContext();
  try {
    const customer = await context.newPage();
    const errors: string[] = [];
    customer.on('pageerror', (e) => errors.push(e.message));
    await customer.goto(appUrl);
    await customer.getByRole('button', { name: 'Open the chat window' }).click();
    const panel = customer.getByTestId('main_panel');
    const input = customer.getByRole('textbox', { name: 'Message to send' });
    await input.fill('I want to talk to an agent');
    await input.press('Enter');
    await panel.getByText('An agent is available. Select "Connect to agent" to start chatting.').waitFor();
    await panel.getByRole('button', { name: 'Connect to agent' }).click();
    await customer.getByText('Request for agent sent...').first().waitFor();

    const agent = await acceptNewest(context, consoleUrl, 'The customer asked: I want to talk to an agent');
    await agentSays(agent, 'Hello, I am Alex. How can I help?');
    await panel.getByText('Hello, I am Alex. How can I help?', { exact: true }).waitFor();
    await panel.getByText('Alex Agent connected.', { exact: true }).waitFor();
    // What the customer sees once the agent has answered, kept for a person to look at (in test-artifacts/).
    mkdirSync(ARTIFACTS, { recursive: true });
    await customer.screenshot({ path: join(ARTIFACTS, 'example-carbon-react.png') });

    await input.fill('My parcel has not arrived.');
    await input.press('Enter');
    await agent
      .locator('[data-testid="message"][data-role="CUSTOMER"]', { hasText: 'My parcel has not arrived.' })
      .waitFor();
    if (errors.length) throw new Error(`the example page threw: ${errors.join('; ')}`);
    console.log('the customer reached Alex Agent, and both read what the other wrote');
  } finally {
    await context.close();
  }
}

async function watsonxChat(browser: Browser, siteUrl: string, consoleUrl: string): Promise<void> {
  step('browser: hosted watsonx web chat example (bundle configured at run time) -> agent console -> back');
  const context = await browser.newContext();
  try {
    const site = await context.newPage();
    // IBM's web chat script cannot be loaded here (its CDN is out of reach); the page's own part is what is tested:
    // the bundle from the package, configured by handoff-config.js, given to web chat as its serviceDeskFactory.
    await site.route('https://web-chat.global.assistant.watson.appdomain.cloud/**', (r) => r.abort());
    await site.goto(siteUrl);
    const wired = await site.evaluate(() => {
      const w = window as unknown as { WebChatServiceDeskFactory?: unknown; watsonAssistantChatOptions?: object };
      return (
        typeof w.WebChatServiceDeskFactory === 'function' &&
        (w.watsonAssistantChatOptions as { serviceDeskFactory?: unknown }).serviceDeskFactory ===
          w.WebChatServiceDeskFactory
      );
    });
    if (!wired) throw new Error('window.WebChatServiceDeskFactory is not a function given to web chat');
    // What web chat does with it: make the desk with its callback, ask for agents, start the chat. (Page code is a
    // string: this script's compiler wraps functions in helpers that do not exist in the page.)
    await site.evaluate(WEB_CHAT_STARTS_A_CHAT);
    if (!(await site.evaluate(() => (window as unknown as { online: boolean }).online)))
      throw new Error('the desk said no agent is online');
    const agent = await acceptNewest(context, consoleUrl, 'From the watsonx example');
    await agentSays(agent, 'Hi from the agent console');
    await site.waitForFunction(() =>
      (window as unknown as { agentSaid: string[] }).agentSaid.some((m) => m.includes('Hi from the agent console')),
    );
    console.log("the hosted web chat's desk reached the agent and got the agent's message");
  } finally {
    await context.close();
  }
}

/** What the hosted web chat does with the factory, in the page: a desk, the agents question, the chat's start. */
const WEB_CHAT_STARTS_A_CHAT = `(async () => {
  window.agentSaid = [];
  const callback = new Proxy({}, {
    get: (_target, name) => (arg) => { if (name === 'sendMessageToUser') window.agentSaid.push(JSON.stringify(arg)); },
  });
  const desk = window.WebChatServiceDeskFactory({ callback });
  const connect = { output: { generic: [{ response_type: 'connect_to_agent', message_to_human_agent: 'From the watsonx example' }] } };
  window.online = await desk.areAnyAgentsOnline(connect);
  await desk.startChat(connect, {});
})()`;

/** Opens the agent console, waits for the chat whose notice is `notice` and accepts it. */
async function acceptNewest(
  context: Awaited<ReturnType<Browser['newContext']>>,
  consoleUrl: string,
  notice: string,
): Promise<Page> {
  const agent = await context.newPage();
  await agent.goto(consoleUrl);
  const card = agent.locator('[data-testid="queue-item"]').first();
  await card.waitFor();
  await card.getByTestId('accept').click();
  await agent.locator('[data-testid="conv-state"][data-state="connected"]').waitFor();
  await agent.locator('[data-testid="notice"]', { hasText: notice }).or(agent.getByText(notice)).first().waitFor();
  return agent;
}

async function agentSays(agent: Page, text: string): Promise<void> {
  const reply = agent.getByTestId('message-input');
  await reply.fill(text);
  await reply.press('Enter');
}

async function main(): Promise<void> {
  pack();
  lint();
  const out = copyOut();
  console.log(`examples copied to ${out}`);
  const [emulatorPort, serverPort, carbonPort, watsonxPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const serverUrl = `http://127.0.0.1:${serverPort}`;
  const emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
  let browser: Browser | undefined;
  try {
    const middleware = join(out, 'examples/middleware');
    const carbon = join(out, 'examples/carbon-react');
    const watsonx = join(out, 'examples/watsonx-embed');
    const bundlers = join(out, 'examples/bundlers');
    for (const dir of [middleware, carbon, watsonx, bundlers]) install(dir);

    // Neither entry needs configuration in the common bundlers: no aliases, no Node built-ins, no warnings.
    for (const bundler of ['esbuild', 'webpack']) {
      step(`bundle both entries with ${bundler}, no configuration`);
      const output = run('npm', ['run', `build:${bundler}`], bundlers);
      const complaint = /warning|externalized|polyfill|can't resolve|could not resolve/i.exec(output);
      if (complaint) throw new Error(`${bundler} complained ("${complaint[0]}"):\n${output}`);
    }

    step('type-check and build the Carbon AI Chat example (strict TypeScript, stock Vite)');
    const vite = run('npm', ['run', 'build'], carbon, { VITE_HANDOFF_SERVER_URL: serverUrl });
    const complaint = /externalized for browser compatibility|is not exported by/i.exec(vite);
    if (complaint) throw new Error(`vite complained ("${complaint[0]}"):\n${vite}`);
    step('build the watsonx example');
    run('npm', ['run', 'build'], watsonx);

    step('start the emulator and the middleware through their bins');
    await start(
      'npx genesys-handoff-emulator',
      'npx',
      ['--no-install', 'genesys-handoff-emulator'],
      middleware,
      { EMULATOR_PORT: String(emulatorPort) },
      answers(`${emulatorUrl}/console/`),
    );
    // As the server README says: its .env-sample (set up for the emulator) as .env; the environment wins over it.
    copyFileSync(join(middleware, 'node_modules/genesys-handoff-server/.env-sample'), join(middleware, '.env'));
    const carbonUrl = `http://127.0.0.1:${carbonPort}`;
    const watsonxUrl = `http://127.0.0.1:${watsonxPort}`;
    await start(
      'npx genesys-handoff-server',
      'npx',
      ['--no-install', 'genesys-handoff-server'],
      middleware,
      { PORT: String(serverPort), GENESYS_API_BASE_URL: emulatorUrl, ALLOWED_ORIGINS: `${carbonUrl},${watsonxUrl}` },
      answers(`${serverUrl}/healthz`),
    );

    await serveStatic(join(carbon, 'dist'), carbonPort);
    // The watsonx site's run-time settings, as a deployment would write them.
    const settings = { serverBaseUrl: serverUrl, availability: true };
    writeFileSync(
      join(watsonx, 'dist/handoff-config.js'),
      `window.WebChatServiceDeskFactoryOptions = ${JSON.stringify(settings)};\n`,
    );
    await serveStatic(join(watsonx, 'dist'), watsonxPort);

    browser = await launchChromium();
    await carbonChat(browser, carbonUrl, `${emulatorUrl}/console/`);
    await watsonxChat(browser, watsonxUrl, `${emulatorUrl}/console/`);
    console.log('\nexamples: all steps passed');
  } finally {
    await browser?.close();
    for (const s of servers) s.close();
    stopAll();
    rmSync(out, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(`\nexamples: FAILED\n${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    stopAll();
    process.exit(1);
  },
);
