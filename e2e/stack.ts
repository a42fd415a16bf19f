import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { DEMO_IDENTITY_DEFAULTS } from 'genesys-handoff-demo/demo-server';
import type { EmulatorOptions, RunningEmulator } from 'genesys-handoff-emulator';
import { startLocalStack, type Channel } from '../scripts/local-stack';

export type { Channel };

/**
 * The E2E stack: the production build of the demo (`vite build`, once per test run) served by `vite preview`, the
 * real middlewares and the emulator, all on 127.0.0.1. Vite runs as a child process, as a user runs it (and
 * because Vite's Node API is ESM-only while Jest runs CommonJS here).
 */

export const ROOT = resolve(__dirname, '..');
export const ARTIFACTS = join(ROOT, 'test-artifacts');
const VITE = join(ROOT, 'node_modules/vite/bin/vite.js');
const DIST = join(ROOT, 'packages/demo/dist');

/** The demo site's identity signing settings; the authenticated middleware verifies with the same secret. */
export const IDENTITY = { secret: 'e2e-demo-identity-secret-0123456789abcdef', ...DEMO_IDENTITY_DEFAULTS };

/**
 * `vite build` of the demo, once per Jest run (`E2E_RUN_ID` comes from e2e/global-setup.ts): the first test file to
 * get here builds under a lock directory; the others wait for its stamp.
 */
export async function ensureDemoBuilt(): Promise<void> {
  const runId = process.env['E2E_RUN_ID'] ?? `pid-${process.ppid}`;
  const stamp = join(DIST, '.e2e-build-id');
  const lock = join(ROOT, 'node_modules/.e2e-build.lock');
  const built = () => existsSync(stamp) && readFileSync(stamp, 'utf8') === runId;
  const deadline = Date.now() + 120_000;
  while (!built()) {
    try {
      mkdirSync(lock);
    } catch {
      // Another test file is building; a lock older than two minutes was left by a killed run.
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error('timed out waiting for another test file to build the demo');
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    try {
      if (built()) break;
      const r = spawnSync(process.execPath, [VITE, 'build', '--logLevel', 'warn'], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
      });
      if (r.status !== 0) throw new Error(`vite build failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
      writeFileSync(stamp, runId);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

export interface DemoStack {
  /** The channel the middlewares tell the demo page to use. */
  channel: Channel;
  emulator: RunningEmulator;
  middlewareUrl: string;
  authMiddlewareUrl: string;
  /** The demo site (vite preview of the production build). */
  siteUrl: string;
  /** What vite preview printed (kept for failure reports). */
  serverLog: string[];
  close(): Promise<void>;
}

export interface DemoStackOptions {
  channel: Channel;
  emulator?: EmulatorOptions;
}

export async function startDemoStack(options: DemoStackOptions): Promise<DemoStack> {
  await ensureDemoBuilt();
  const port = await freePort();
  const siteUrl = `http://127.0.0.1:${port}`;
  const local = await startLocalStack({
    channel: options.channel,
    emulatorPort: 0,
    middlewarePorts: [0, 0],
    siteOrigin: siteUrl,
    identity: IDENTITY,
    ...(options.emulator ? { emulator: options.emulator } : {}),
    // Fast availability refresh so "no agents" and queue positions follow the test's changes at once.
    middlewareEnv: {
      LOG_LEVEL: 'silent',
      AVAILABILITY_REFRESH_INTERVAL_MS: '100',
      RATE_LIMIT_MAX: '100000',
      JWT_RATE_LIMIT_MAX: '1000',
    },
  });
  const serverLog: string[] = [];
  let preview: ChildProcess | undefined;
  try {
    preview = spawn(
      process.execPath,
      [VITE, 'preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1'],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true',
          DEMO_SERVER_BASE_URL: local.middlewareUrl,
          DEMO_AUTH_SERVER_BASE_URL: local.authMiddlewareUrl,
          DEMO_AGENT_CONSOLE_URL: local.emulator.consoleUrl,
          DEMO_IDENTITY_JWT_SECRET: IDENTITY.secret,
          DEMO_IDENTITY_JWT_ISSUER: IDENTITY.issuer,
          DEMO_IDENTITY_JWT_AUDIENCE: IDENTITY.audience,
        },
      },
    );
    preview.stdout?.on('data', (d: Buffer) => serverLog.push(d.toString()));
    preview.stderr?.on('data', (d: Buffer) => serverLog.push(d.toString()));
    await waitForUrl(`${siteUrl}/demo-config.json`, preview, serverLog);
  } catch (e) {
    preview?.kill();
    await local.close();
    throw e;
  }
  const child = preview;
  return {
    channel: options.channel,
    emulator: local.emulator,
    middlewareUrl: local.middlewareUrl,
    authMiddlewareUrl: local.authMiddlewareUrl,
    siteUrl,
    serverLog,
    close: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill();
        await exited;
      }
      await local.close();
    },
  };
}

async function waitForUrl(url: string, child: ChildProcess, log: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`vite preview exited (${child.exitCode}):\n${log.join('')}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`vite preview did not answer ${url} in ${timeoutMs} ms:\n${log.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
