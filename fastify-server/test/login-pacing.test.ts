import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../src/app';
import {
  IDENTITY,
  TOKEN,
  addFault,
  clearFaults,
  clearUpstreamLog,
  identitySigner,
  manualClock,
  startTestEmulator,
  testApp,
  upstreamCounts,
  type RunningEmulator,
} from './helpers';
import { startRedis, type TestRedis } from './redis-server';

/**
 * Logins are paced (README "Bounds on upstream faults"): while the token endpoint fails, however many requests
 * arrive, in however many waves and at however many instances, at most 3 logins go out in any 10 s, retries
 * included; the first one after the endpoint heals serves everyone. Logins are counted at the emulator; time is the
 * middleware's manual clock where a test spans more than a few seconds.
 */

let emu: RunningEmulator;
let redis: TestRedis;
let sign: Awaited<ReturnType<typeof identitySigner>>;
const apps: FastifyInstance[] = [];

beforeAll(async () => {
  [emu, redis, sign] = await Promise.all([startTestEmulator(), startRedis(), identitySigner()]);
});
beforeEach(async () => {
  await clearFaults(emu);
  await clearUpstreamLog(emu);
});
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});
afterAll(async () => {
  await redis?.stop();
  await emu?.close();
});

const ENV = {
  IDENTITY_JWT_SECRET: IDENTITY.secret,
  IDENTITY_JWT_ISSUER: IDENTITY.issuer,
  IDENTITY_JWT_AUDIENCE: IDENTITY.audience,
  JWT_RATE_LIMIT_MAX: '100000',
  RATE_LIMIT_MAX: '100000',
};

async function start(env: Record<string, string> = {}, deps: AppDeps = {}): Promise<FastifyInstance> {
  const app = await testApp(emu, { ...ENV, ...env }, deps);
  apps.push(app);
  return app;
}

/** `/jwt` makes one Genesys call and has no pacing of its own: every request needs the token. */
const jwtCall = (app: FastifyInstance, i: number) =>
  app.inject({ method: 'POST', url: '/jwt', headers: { authorization: `Bearer ${sign({ sub: `u${i}` })}` } });

const logins = async () => (await upstreamCounts(emu))[TOKEN] ?? 0;

/** Login requests the middleware sent, whatever became of them (its metrics). */
async function loginAttempts(app: FastifyInstance): Promise<number> {
  const { body } = await app.metrics.render();
  return [...body.matchAll(/^genesys_upstream_requests_total\{operation="login",[^}]*\} (\d+)$/gm)].reduce(
    (sum, m) => sum + Number(m[1]),
    0,
  );
}

/**
 * Waves of `perWave` concurrent requests every `stepMs` of the clock for `durationMs`, spread over `fleet`; the
 * number of logins seen after each wave, by the clock's time, and every answer's status.
 */
async function waves(
  fleet: FastifyInstance[],
  clock: ReturnType<typeof manualClock>,
  durationMs: number,
  perWave = 3,
  stepMs = 200,
) {
  const seen: Array<{ at: number; logins: number }> = [];
  const statuses: number[] = [];
  const start = clock.now();
  let i = 0;
  for (let t = 0; t < durationMs; t += stepMs) {
    const batch = await Promise.all(
      Array.from({ length: perWave }, () => {
        i += 1;
        return jwtCall(fleet[i % fleet.length]!, i);
      }),
    );
    statuses.push(...batch.map((r) => r.statusCode));
    seen.push({ at: clock.now() - start, logins: await logins() });
    clock.advance(stepMs);
  }
  return { seen, statuses };
}

/** The most logins in any 10 s of the clock, from the counts seen after each wave. */
function mostIn10s(seen: Array<{ at: number; logins: number }>): number {
  let most = 0;
  for (const from of seen) {
    const before = seen.filter((s) => s.at < from.at).at(-1)?.logins ?? 0;
    const within = seen.filter((s) => s.at < from.at + 10_000).at(-1)?.logins ?? 0;
    most = Math.max(most, within - before);
  }
  return most;
}

it('with /oauth/token answering 500, 51 concurrent requests with their retries make 3 logins, not one each', async () => {
  await addFault(emu, { endpoint: TOKEN, status: 500 });
  const app = await start();
  const answers = await Promise.all(Array.from({ length: 51 }, (_, i) => jwtCall(app, i)));
  expect(answers.every((a) => a.statusCode === 502 && a.json().code === 'UPSTREAM_UNAVAILABLE')).toBe(true);
  // The first login, and one after each pause (1 s, then 2 s) for the callers' two retries.
  expect(await logins()).toBe(3);
});

it('makes at most 3 logins in any 10 s while the token endpoint fails, over a minute of waves', async () => {
  await addFault(emu, { endpoint: TOKEN, status: 503 });
  const clock = manualClock();
  const app = await start({ GENESYS_MAX_RETRY_WAIT_MS: '0' }, { now: clock.now });
  const { seen, statuses } = await waves([app], clock, 60_000);
  expect(statuses.every((s) => s === 502)).toBe(true);
  expect(mostIn10s(seen)).toBeLessThanOrEqual(3);
  // Still trying: at 0, 1, 3 and 7 s, then every 10 s or so.
  expect(seen.at(-1)!.logins).toBeGreaterThanOrEqual(7);
});

it('pauses after every kind of login failure: a timeout, a reset connection, a garbled answer', async () => {
  const clock = manualClock();
  const app = await start({ GENESYS_MAX_RETRY_WAIT_MS: '0', GENESYS_REQUEST_TIMEOUT_MS: '200' }, { now: clock.now });
  const faults: Array<{ latencyMs?: number; reset?: boolean; body?: string; contentType?: string }> = [
    { latencyMs: 1000 },
    { reset: true },
    { body: '<html></html>', contentType: 'text/html' },
  ];
  let n = 0;
  for (const fault of faults) {
    await clearFaults(emu);
    await addFault(emu, { endpoint: TOKEN, ...fault });
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => jwtCall(app, i)));
    expect(answers.every((a) => a.statusCode >= 502)).toBe(true);
    expect(
      (await Promise.all(Array.from({ length: 10 }, (_, i) => jwtCall(app, i)))).every((a) => a.statusCode >= 502),
    ).toBe(true);
    // Counted by the middleware: the emulator does not log a request whose client gave up on it.
    expect(await loginAttempts(app)).toBe(n + 1);
    n += 1;
    clock.advance(10_000);
  }
});

it('serves again with the first login after the token endpoint heals, within the longest pause (10 s)', async () => {
  await addFault(emu, { endpoint: TOKEN, status: 500 });
  const clock = manualClock();
  const app = await start({ GENESYS_MAX_RETRY_WAIT_MS: '0' }, { now: clock.now });
  const failing = await waves([app], clock, 30_000);
  expect(failing.statuses.every((s) => s === 502)).toBe(true);
  await clearFaults(emu);
  const before = await logins();
  const healed = await waves([app], clock, 20_000);
  const firstOk = healed.statuses.indexOf(200);
  expect(firstOk).toBeGreaterThanOrEqual(0);
  // Three requests a wave, a wave every 200 ms: the first 200 within 10 s, and every answer after it a 200.
  expect(firstOk / 3).toBeLessThanOrEqual(50);
  expect(healed.statuses.slice(firstOk).every((s) => s === 200)).toBe(true);
  expect((await logins()) - before).toBeLessThanOrEqual(2);
});

it('shows the pace in the metrics: logins held back, and the seconds until the next one may be tried', async () => {
  await addFault(emu, { endpoint: TOKEN, status: 500 });
  const clock = manualClock();
  const app = await start({ GENESYS_MAX_RETRY_WAIT_MS: '0' }, { now: clock.now });
  // Five at once share the one login (single flight); five more during its pause share one held-back renewal.
  await Promise.all(Array.from({ length: 5 }, (_, i) => jwtCall(app, i)));
  await Promise.all(Array.from({ length: 5 }, (_, i) => jwtCall(app, i)));
  const { body } = await app.metrics.render();
  expect(body).toMatch(/^genesys_logins_paced_total 1$/m);
  expect(body).toMatch(/^genesys_login_pause_seconds 1$/m);
  clock.advance(1_000);
  expect((await app.metrics.render()).body).toMatch(/^genesys_login_pause_seconds 0$/m);
});

it('paces the fleet: three instances sharing Redis make at most 3 logins in any 10 s together', async () => {
  await addFault(emu, { endpoint: TOKEN, status: 500 });
  const clock = manualClock();
  const prefix = `pace-${Math.random().toString(36).slice(2)}:`;
  const fleet = await Promise.all(
    [0, 1, 2].map(() =>
      start(
        {
          REDIS_URL: redis.url,
          REDIS_KEY_PREFIX: prefix,
          REDIS_COMMAND_TIMEOUT_MS: '5000',
          GENESYS_MAX_RETRY_WAIT_MS: '0',
        },
        { now: clock.now },
      ),
    ),
  );
  for (let i = 0; i < 200 && !fleet.every((a) => a.sharedState?.state === 'connected'); i += 1)
    await new Promise((r) => setTimeout(r, 25));
  const { seen, statuses } = await waves(fleet, clock, 30_000, 6, 500);
  expect(statuses.every((s) => s === 502)).toBe(true);
  expect(mostIn10s(seen)).toBeLessThanOrEqual(3);
  await clearFaults(emu);
  const healed = await waves(fleet, clock, 12_000, 6, 500);
  expect(healed.statuses.slice(-6)).toEqual(Array(6).fill(200));
});
