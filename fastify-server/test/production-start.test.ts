import { execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { emulatorMiddlewareEnv } from 'genesys-handoff-emulator';
import { DEMO, startTestEmulator, type RunningEmulator } from './helpers';
import { imageRuntime } from './image';
import { freePort, startRedis, type TestRedis } from './redis-server';

/**
 * No Docker engine runs here, so this does what the Dockerfile does, step for step: build, make a pruned production
 * install with `pnpm deploy --prod`, then run the image's exact command (its CMD, read from the Dockerfile) in it, with
 * the image's NODE_OPTIONS.
 */

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../..');
const PACKAGE = 'genesys-handoff-server';
/** The image's runtime NODE_OPTIONS and CMD, so the server starts exactly as it does in the container. */
const IMAGE = imageRuntime();
const [COMMAND = 'node', ...ARGS] = IMAGE.command;

let emu: RunningEmulator;
let redis: TestRedis;
let dir: string;

beforeAll(async () => {
  [emu, redis] = await Promise.all([startTestEmulator(), startRedis()]);
  dir = join(mkdtempSync(join(tmpdir(), 'handoff-prod-')), 'server');
});
afterAll(async () => {
  await emu?.close();
  await redis?.stop();
  if (dir) rmSync(resolve(dir, '..'), { recursive: true, force: true });
});

it('`pnpm start` is the command the image runs', () => {
  const scripts = (
    JSON.parse(readFileSync(resolve(__dirname, '../package.json'), 'utf8')) as { scripts: Record<string, string> }
  ).scripts;
  expect(scripts['start']).toBe(IMAGE.command.join(' '));
  expect(IMAGE.command).toContain('start.cjs');
  // Nothing hidden in the image's environment either: the same command means the same Node and V8 options.
  expect(IMAGE.nodeOptions).toBe('');
  expect(IMAGE.command).toContain('--max-semi-space-size=16');
  // Without it, a cold start under load leaves V8 pretenuring request objects for good: /availability at about 0.46
  // of a bare server instead of 0.7 (bench/availability.ts measures both side by side; no timing in tests).
  expect(IMAGE.command).toContain('--no-allocation-site-pretenuring');
});

it('`pnpm start` before a build says to build, without a stack trace', async () => {
  // The launcher alone, as in a fresh clone where dist/ does not exist yet.
  const fresh = mkdtempSync(join(tmpdir(), 'handoff-unbuilt-'));
  try {
    copyFileSync(resolve(__dirname, '../start.cjs'), join(fresh, 'start.cjs'));
    const r = await run(COMMAND, ARGS, { cwd: fresh }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('genesys-handoff-server is not built yet');
    expect(r.stderr).toContain('pnpm --filter genesys-handoff-server build');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
});

it("builds, installs production dependencies only, starts with the image's command, serves, and exits 0 on SIGTERM", async () => {
  await run('pnpm', ['--filter', PACKAGE, 'build'], { cwd: ROOT });
  await run('pnpm', ['--filter', PACKAGE, 'deploy', '--prod', dir], { cwd: ROOT });
  // Production dependencies only: no dev tools in the image.
  const { stdout: installed } = await run(
    'node',
    ['-e', "console.log(require('fs').readdirSync('node_modules').join(','))"],
    { cwd: dir },
  );
  expect(installed).toContain('fastify');
  for (const dev of ['tsx', 'autocannon', 'genesys-handoff-emulator', 'typescript', 'jest'])
    expect(installed.split(',')).not.toContain(dev.trim());

  // A bad variable stops the start with its name (and EX_CONFIG), before anything listens.
  const bad = await run(COMMAND, ARGS, {
    cwd: dir,
    env: { PATH: process.env['PATH'] ?? '', HOME: dir, NODE_OPTIONS: IMAGE.nodeOptions, PORT: 'not-a-port' },
  }).then(
    () => ({ code: 0, stderr: '' }),
    (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
  );
  expect(bad.code).toBe(78);
  expect(bad.stderr).toMatch(/^Invalid configuration: .*ORGANIZATION_ID is required.*PORT must be integer/m);

  const port = await freePort();
  const metricsPort = await freePort();
  const child = spawn(COMMAND, ARGS, {
    cwd: dir,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: dir,
      NODE_ENV: 'production',
      NODE_OPTIONS: IMAGE.nodeOptions,
      ...emulatorMiddlewareEnv(emu),
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'info',
      // The scaled setup's extras, from the production install: Redis (ioredis) and the metrics listener.
      REDIS_URL: redis.url,
      METRICS_PORT: String(metricsPort),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));

  try {
    const base = `http://127.0.0.1:${port}`;
    let healthy = false;
    for (let i = 0; i < 100 && !healthy; i += 1) {
      healthy = await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (!healthy) await new Promise((r) => setTimeout(r, 100));
    }
    expect({ healthy, output: healthy ? '' : output }).toEqual({ healthy: true, output: '' });
    expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ status: 'ready', redis: 'connected' });
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(metrics).toContain('redis_state{state="connected"} 1');
    expect(metrics).toContain('http_request_duration_seconds_count{method="GET",route="/readyz",status_code="200"} 1');
    const setup = await fetch(`${base}/setup`);
    expect(setup.status).toBe(200);
    expect(await setup.json()).toMatchObject({
      org_id: DEMO.organizationId,
      deployment_id: DEMO.deploymentId,
      queue_target: DEMO.queueName,
    });
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
  // Structured JSON logs, including the graceful shutdown.
  expect(output).toMatch(/"msg":"shutting down"/);
}, 120_000);
