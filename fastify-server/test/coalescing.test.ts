import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import {
  OBSERVATIONS,
  QUEUES,
  TOKEN,
  WAIT_TIME,
  addFault,
  clearFaults,
  clearUpstreamLog,
  manualClock,
  startTestEmulator,
  testApp,
  upstreamCounts,
  type RunningEmulator,
} from './helpers';

/**
 * Coalescing: upstream calls per queue do not grow with callers. Time is the middleware's manual clock, so the
 * 5 s refresh interval and a simulated minute of load run in well under a second.
 */

const INTERVAL = 5000;
let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu?.close();
});
beforeEach(async () => {
  await clearFaults(emu);
  await clearUpstreamLog(emu);
});

const QUEUE = { queue_name: 'Chat Queue' };
const ask = (app: FastifyInstance) => app.inject({ method: 'POST', url: '/availability', payload: QUEUE });
const dataCalls = (counts: Record<string, number>) => ({
  observations: counts[OBSERVATIONS] ?? 0,
  waitTime: counts[WAIT_TIME] ?? 0,
});

it('answers 500 concurrent requests over real HTTP with one observations query and one wait-time query upstream', async () => {
  const app = await testApp(emu, { RATE_LIMIT_MAX: '100000' });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  try {
    const responses = await Promise.all(
      Array.from({ length: 500 }, () =>
        fetch(`http://127.0.0.1:${port}/availability`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(QUEUE),
        }).then(async (r) => ({ status: r.status, body: await r.text() })),
      ),
    );
    expect(responses.filter((r) => r.status !== 200)).toEqual([]);
    expect([...new Set(responses.map((r) => r.body))]).toHaveLength(1);
    const counts = await upstreamCounts(emu);
    expect(dataCalls(counts)).toEqual({ observations: 1, waitTime: 1 });
    expect(counts[QUEUES]).toBe(1);
    expect(counts[TOKEN]).toBe(1);
  } finally {
    await app.close();
  }
});

it('makes at most 12 upstream calls per minute per queue under constant load, alternating the two values', async () => {
  const clock = manualClock();
  const app = await testApp(emu, { RATE_LIMIT_MAX: '100000' }, { now: clock.now });
  const order: string[] = [];
  let oldest = 0;
  let oldestSteady = 0;
  // A simulated minute: 20 requests every 100 ms (200 req/s), letting each background refresh finish. Steady state
  // from 25 s on: the fill counts three intervals, then each value needs its first refresh.
  for (let step = 0; step < 600; step += 1) {
    const answers = await Promise.all(Array.from({ length: 20 }, () => ask(app)));
    expect(answers.every((a) => a.statusCode === 200)).toBe(true);
    const age = clock.now() - Date.parse(answers[0]!.json().updatedAt);
    oldest = Math.max(oldest, age);
    if (step >= 250) oldestSteady = Math.max(oldestSteady, age);
    await app.availability.idle();
    clock.advance(100);
  }
  const entries = (await (await fetch(`${emu.controlUrl}/requests?limit=1000`)).json()) as {
    entries: Array<{ endpoint: string }>;
  };
  for (const e of entries.entries)
    if (e.endpoint === OBSERVATIONS || e.endpoint === WAIT_TIME) order.push(e.endpoint === OBSERVATIONS ? 'O' : 'W');
  const counts = await upstreamCounts(emu);
  const calls = dataCalls(counts);
  await app.close();

  // The queue lookup is an upstream call for the queue like the others and counts against the same budget.
  expect(counts[QUEUES]).toBe(1);
  expect(calls.observations + calls.waitTime + 1).toBeLessThanOrEqual(12);
  // ... and the cache is really refreshed: a fill, then one call per interval.
  expect(calls.observations + calls.waitTime).toBeGreaterThanOrEqual(11);
  // The fill looks the queue up and fetches both (and so counts three intervals); then the two values take turns,
  // each at most two intervals old (four once, just after the fill).
  expect(order.slice(0, 2).sort()).toEqual(['O', 'W']);
  expect(order.slice(2).join('')).toMatch(/^(OW)*O?$/);
  expect(oldest).toBeLessThanOrEqual(4 * INTERVAL);
  expect(oldestSteady).toBeLessThanOrEqual(2 * INTERVAL);
});

it('does not call upstream while nobody asks, and fills afresh when asked again', async () => {
  const clock = manualClock();
  const app = await testApp(emu, {}, { now: clock.now });
  await ask(app);
  const afterFirst = dataCalls(await upstreamCounts(emu));
  clock.advance(10 * 60_000);
  await new Promise((r) => setTimeout(r, 100));
  expect(dataCalls(await upstreamCounts(emu))).toEqual(afterFirst);

  // Asked again after a long pause: the old values are not passed off as current; one fill, awaited.
  const res = await ask(app);
  expect(Date.parse(res.json().updatedAt)).toBe(clock.now());
  expect(dataCalls(await upstreamCounts(emu))).toEqual({ observations: 2, waitTime: 2 });
  await app.close();
});

it('serves the last values while a refresh is running', async () => {
  const clock = manualClock();
  const app = await testApp(emu, {}, { now: clock.now });
  const first = (await ask(app)).json();
  await addFault(emu, { endpoint: OBSERVATIONS, latencyMs: 800, times: 1 });
  // The fill made three calls (the queue lookup and both values), so the first refresh comes three intervals later.
  clock.advance(3 * INTERVAL);

  const during = await ask(app);
  // Answered from the cache before the slow upstream call came back (the log records a request when it ends).
  expect(during.statusCode).toBe(200);
  expect(during.json().updatedAt).toBe(first.updatedAt);
  expect(dataCalls(await upstreamCounts(emu)).observations).toBe(1);

  await app.availability.idle();
  expect(dataCalls(await upstreamCounts(emu)).observations).toBe(2);
  await app.close();
});

it('keeps serving the last good values for a bounded time while refreshes fail, then errors, then recovers', async () => {
  const clock = manualClock();
  const app = await testApp(emu, { AVAILABILITY_MAX_STALENESS_MS: '20000' }, { now: clock.now });
  expect((await ask(app)).statusCode).toBe(200);
  await addFault(emu, { endpoint: OBSERVATIONS, status: 503 });
  await addFault(emu, { endpoint: WAIT_TIME, status: 503 });

  const statuses: number[] = [];
  for (let i = 0; i < 6; i += 1) {
    clock.advance(INTERVAL);
    const res = await ask(app);
    statuses.push(res.statusCode);
    if (res.statusCode !== 200) {
      expect(res.json()).toEqual({
        statusCode: 502,
        code: 'UPSTREAM_UNAVAILABLE',
        error: 'Bad Gateway',
        message: 'Genesys Cloud is not reachable right now',
      });
      expect(res.body).not.toMatch(/Injected|service\.unavailable/);
    }
    await app.availability.idle();
  }
  // 5, 10, 15, 20 s old: served; 25 s and on: older than 20 s, so the error.
  expect(statuses).toEqual([200, 200, 200, 200, 502, 502]);
  // Background refreshes do not retry and stay paced, one call per interval: the fill at 0 s (the lookup and two
  // calls), then 15, 20, 25 and 30 s.
  const failing = dataCalls(await upstreamCounts(emu));
  expect(failing.observations + failing.waitTime).toBe(2 + 4);

  await clearFaults(emu);
  clock.advance(INTERVAL);
  const recovered = await ask(app);
  expect(recovered.statusCode).toBe(200);
  expect(Date.parse(recovered.json().updatedAt)).toBeGreaterThan(clock.now() - 2 * INTERVAL - 1);
  await app.close();
});

it('answers without a wait time, rather than failing, when only the wait time cannot be fetched', async () => {
  const app = await testApp(emu);
  await addFault(emu, { endpoint: WAIT_TIME, status: 500 });
  const res = await ask(app);
  expect(res.statusCode).toBe(200);
  expect(res.json()).toMatchObject({ estimatedWaitTime: null, estimatedWaitSeconds: null, agentsOnline: true });
  await app.close();
});
