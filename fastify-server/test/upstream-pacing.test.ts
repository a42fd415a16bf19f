import type { FastifyInstance } from 'fastify';
import {
  OBSERVATIONS,
  QUEUES,
  WAIT_TIME,
  addFault,
  manualClock,
  testApp,
  upstreamCounts,
  useTestEmulator,
} from './helpers';

/**
 * Pacing before the first success: with nothing cached (no queue id, no values), a standing upstream failure must
 * cost no more upstream calls per queue than a warm cache does (README "Coalescing": at most 12 calls in any minute
 * at the 5 s interval; a 429 pauses until its Retry-After). Counted at the emulator's request log; time is the
 * middleware's manual clock, so a simulated minute of requests runs in a few seconds.
 */

const emulator = useTestEmulator();

const ask = (app: FastifyInstance) =>
  app.inject({ method: 'POST', url: '/availability', payload: { queue_name: 'Chat Queue' } });

const queueCalls = async () => {
  const counts = await upstreamCounts(emulator());
  return (counts[QUEUES] ?? 0) + (counts[OBSERVATIONS] ?? 0) + (counts[WAIT_TIME] ?? 0);
};

/** `perStep` concurrent requests every `stepMs` for `durationMs` of the middleware's clock. */
async function load(app: FastifyInstance, clock: ReturnType<typeof manualClock>, durationMs: number, perStep = 2) {
  const answers: Array<{ status: number; retryAfter: string | undefined; code: string }> = [];
  for (let t = 0; t < durationMs; t += 200) {
    const batch = await Promise.all(Array.from({ length: perStep }, () => ask(app)));
    for (const res of batch)
      answers.push({
        status: res.statusCode,
        retryAfter: res.headers['retry-after'] as string | undefined,
        code: res.json().code,
      });
    clock.advance(200);
  }
  return answers;
}

it('makes one queue lookup per Retry-After under a standing 429 (Retry-After: 30) with nothing cached', async () => {
  await addFault(emulator(), { endpoint: '/api/v2', status: 429, retryAfterSeconds: 30 });
  const clock = manualClock();
  const app = await testApp(emulator(), { RATE_LIMIT_MAX: '100000' }, { now: clock.now });
  // 40 requests in the first 8 s (the attack run's figure), then on to a full minute.
  const first = await load(app, clock, 8_000, 1);
  expect(first).toHaveLength(40);
  expect(await queueCalls()).toBe(1);
  const rest = await load(app, clock, 52_000, 1);
  // Once at 0 s and once when the Retry-After has passed (30 s).
  expect(await queueCalls()).toBe(2);
  for (const a of [...first, ...rest]) {
    expect(a).toMatchObject({ status: 503, code: 'UPSTREAM_RATE_LIMITED' });
    // Callers are told the time left until the next attempt, never more than Genesys asked for.
    expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(a.retryAfter)).toBeLessThanOrEqual(30);
  }
  expect(first[20]!.retryAfter).toBe('26');
  await app.close();
});

it.each([500, 503])(
  'makes at most 12 upstream calls a minute for the queue under a standing %i with nothing cached',
  async (status) => {
    await addFault(emulator(), { endpoint: '/api/v2', status });
    const clock = manualClock();
    const app = await testApp(emulator(), { RATE_LIMIT_MAX: '100000' }, { now: clock.now });
    const answers = await load(app, clock, 60_000);
    expect(answers.every((a) => a.status === 502 && a.code === 'UPSTREAM_UNAVAILABLE')).toBe(true);
    const calls = await queueCalls();
    expect(calls).toBeLessThanOrEqual(12);
    // ... and the lookup is still retried within the budget (not given up on).
    expect(calls).toBeGreaterThanOrEqual(6);
    await app.close();
  },
);

it('paces the first fill under a standing 503 once the queue id is known: at most 12 calls a minute', async () => {
  await addFault(emulator(), { endpoint: OBSERVATIONS, status: 503 });
  await addFault(emulator(), { endpoint: WAIT_TIME, status: 503 });
  const clock = manualClock();
  const app = await testApp(emulator(), { RATE_LIMIT_MAX: '100000' }, { now: clock.now });
  const answers = await load(app, clock, 60_000);
  expect(answers.every((a) => a.status === 502)).toBe(true);
  expect(await queueCalls()).toBeLessThanOrEqual(12);
  await app.close();
});

it('shares one attempt among concurrent cold callers while the lookup fails', async () => {
  await addFault(emulator(), { endpoint: '/api/v2', status: 503 });
  const clock = manualClock();
  const app = await testApp(emulator(), { RATE_LIMIT_MAX: '100000', GENESYS_MAX_RETRIES: '0' }, { now: clock.now });
  const answers = await Promise.all(Array.from({ length: 40 }, () => ask(app)));
  expect(answers.every((a) => a.statusCode === 502)).toBe(true);
  expect(await queueCalls()).toBe(1);
  // Asked again at once: paced, no new call.
  await Promise.all(Array.from({ length: 40 }, () => ask(app)));
  expect(await queueCalls()).toBe(1);
  await app.close();
});

it('recovers once the fault is gone, within one interval of the pace', async () => {
  await addFault(emulator(), { endpoint: '/api/v2', status: 503, times: 3 });
  const clock = manualClock();
  const app = await testApp(emulator(), { RATE_LIMIT_MAX: '100000' }, { now: clock.now });
  expect((await ask(app)).statusCode).toBe(502);
  // Three calls spent (two retries): the next attempt three intervals later.
  clock.advance(14_000);
  expect((await ask(app)).statusCode).toBe(502);
  clock.advance(1_000);
  expect((await ask(app)).statusCode).toBe(200);
  await app.close();
});
