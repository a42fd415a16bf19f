import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../src/app';
import {
  OBSERVATIONS,
  QUEUES,
  SITE,
  TOKEN,
  WAIT_TIME,
  addFault,
  clearFaults,
  manualClock,
  TOKENS_ME,
  advanceEmulatorClock,
  clearUpstreamLog,
  startTestEmulator,
  testApp,
  upstreamCounts,
  type RunningEmulator,
} from './helpers';
import { startRedis, type TestRedis } from './redis-server';

/**
 * Several instances of the middleware in one process, sharing one real Redis (`redis-server` on a free port) and
 * one emulator over loopback, as replicas behind a load balancer do. Upstream calls are counted at the emulator.
 */

let emu: RunningEmulator;
let redis: TestRedis;
const apps: FastifyInstance[] = [];

beforeAll(async () => {
  [emu, redis] = await Promise.all([startTestEmulator(), startRedis()]);
});
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
  await redis.start().catch(() => undefined);
});
afterAll(async () => {
  await redis?.stop();
  await emu?.close();
});

/**
 * `count` instances sharing Redis under a key prefix of their own (so tests do not see each other's keys), each
 * connected to it unless Redis is down. The command timeout is generous: on a loaded CI machine a 250 ms answer
 * is no sign of a slow Redis (the test of a hanging Redis sets its own).
 */
async function fleet(
  count: number,
  env: Record<string, string> | ((instance: number) => Record<string, string>) = {},
  deps: AppDeps = {},
): Promise<FastifyInstance[]> {
  const prefix = `test-${Math.random().toString(36).slice(2)}:`;
  const started = await Promise.all(
    Array.from({ length: count }, (_, instance) =>
      testApp(
        emu,
        {
          REDIS_URL: redis.url,
          REDIS_KEY_PREFIX: prefix,
          READINESS_CACHE_MS: '0',
          REDIS_COMMAND_TIMEOUT_MS: '5000',
          LOG_LEVEL: process.env['DBG_LOG'] ?? 'silent',
          ...(typeof env === 'function' ? env(instance) : env),
        },
        deps,
      ),
    ),
  );
  apps.push(...started);
  if (redis.running())
    await eventually(() => started.every((a) => a.sharedState?.state === 'connected'), 'every instance connected');
  return started;
}

const readyz = async (app: FastifyInstance) => (await app.inject({ method: 'GET', url: '/readyz' })).json();

/** Polls `check` (bounded): for what another instance learns through Redis pub/sub, which has no completion event. */
async function eventually(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 800; i += 1) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`never: ${what}`);
}

describe('the OAuth token', () => {
  it('is fetched once for three instances asking at the same time', async () => {
    const three = await fleet(3);
    await clearUpstreamLog(emu);
    const answers = await Promise.all(three.flatMap((a) => [readyz(a), readyz(a)]));
    expect(answers).toEqual(Array(6).fill({ status: 'ready', redis: 'connected' }));
    expect(three.map((a) => a.genesys.tokens.logins).sort()).toEqual([0, 0, 1]);
    expect((await upstreamCounts(emu))[TOKEN]).toBe(1);
  });

  it('is dropped by every instance when Genesys refuses it to one, and renewed once for all', async () => {
    const three = await fleet(3);
    await Promise.all(three.map(readyz));
    await clearUpstreamLog(emu);
    // Every token the emulator issued expires: the next call with it is a 401.
    await advanceEmulatorClock(emu, 2 * 86_400_000);
    const [a, b, c] = three as [FastifyInstance, FastifyInstance, FastifyInstance];

    expect(await readyz(a)).toEqual({ status: 'ready', redis: 'connected' });
    // The others hear of it through Redis and drop the token before using it.
    await eventually(() => b.genesys.tokens.dropped === 1 && c.genesys.tokens.dropped === 1, 'b and c dropped it');
    expect(await Promise.all([readyz(b), readyz(c)])).toEqual(Array(2).fill({ status: 'ready', redis: 'connected' }));

    const log = (await (
      await fetch(`${emu.controlUrl}/requests?endpoint=${encodeURIComponent(TOKENS_ME)}`)
    ).json()) as {
      entries: Array<{ status: number }>;
    };
    // One refusal (a's), one login for the fleet, then three successful calls.
    expect(log.entries.map((e) => e.status)).toEqual([401, 200, 200, 200]);
    expect((await upstreamCounts(emu))[TOKEN]).toBe(1);
  });
});

describe('queue availability', () => {
  const ask = (app: FastifyInstance) =>
    app.inject({ method: 'POST', url: '/availability', payload: { queue_name: 'Chat Queue' } });

  it.each([2, 3])(
    'is refreshed once per interval for %i instances together, as for one (a simulated minute)',
    async (count) => {
      // One clock for the fleet, moved by hand: the lease compares the instances' times, Redis keeps them.
      const clock = manualClock();
      const instances = await fleet(count, { RATE_LIMIT_MAX: '100000' }, { now: clock.now });
      await clearUpstreamLog(emu);
      const statuses: number[] = [];
      for (let step = 0; step < 240; step += 1) {
        const answers = await Promise.all(instances.map(ask));
        statuses.push(...answers.map((r) => r.statusCode));
        await Promise.all(instances.map((a) => a.availability.idle()));
        clock.advance(250);
      }
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
      const counts = await upstreamCounts(emu);
      // One lookup for the fleet, and the documented 12 calls a minute per queue at the 5 s default in all.
      expect(counts[QUEUES]).toBe(1);
      expect((counts[QUEUES] ?? 0) + (counts[OBSERVATIONS] ?? 0) + (counts[WAIT_TIME] ?? 0)).toBeLessThanOrEqual(12);
      expect(counts[OBSERVATIONS]).toBeGreaterThanOrEqual(4);
      // Every instance serves fresh values: each at most two intervals old at the holder, and another instance takes
      // the holder's snapshot at most one interval later.
      const updated = await Promise.all(instances.map(async (a) => (await ask(a)).json().updatedAt as string));
      for (const at of updated) expect(clock.now() - Date.parse(at)).toBeLessThanOrEqual(3 * 5000);
    },
  );

  it("caps a 429's pause for the fleet, and holds a gate set further ahead (an older instance's day-long Retry-After) no longer than that", async () => {
    const clock = manualClock();
    const [a, b] = await fleet(2, { RATE_LIMIT_MAX: '100000', GENESYS_MAX_RETRIES: '0' }, { now: clock.now });
    await clearUpstreamLog(emu);
    await addFault(emu, { endpoint: OBSERVATIONS, status: 429, retryAfterSeconds: 600, times: 1 });
    expect((await ask(a!)).headers['retry-after']).toBe('60');
    // The other instance takes the paused state from Redis: told the capped wait, and no call of its own.
    const paused = await ask(b!);
    expect(paused.statusCode).toBe(503);
    expect(Number(paused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect((await upstreamCounts(emu))[OBSERVATIONS]).toBe(1);
    clock.advance(60_000);
    expect((await ask(b!)).statusCode).toBe(200);

    // A gate a day ahead, as an instance without the cap would have set it.
    const shared = a!.sharedState!;
    const gate = shared.key(`availability:${encodeURIComponent('Chat Queue')}:gate`);
    await shared.redis.set(gate, `${clock.now() + 86_400_000}:old`, 'PX', 600_000);
    await clearUpstreamLog(emu);
    clock.advance(70_000);
    expect((await ask(a!)).statusCode).toBe(200);
    await a!.availability.idle();
    expect((await upstreamCounts(emu))[OBSERVATIONS]).toBe(1);
    expect(Number((await shared.redis.get(gate))?.split(':')[0])).toBeLessThanOrEqual(clock.now() + 60_000);
  });

  it('is refreshed by another instance one interval after the lease holder died mid-refresh', async () => {
    const clock = manualClock();
    const [a, b] = (await fleet(
      2,
      { GENESYS_REQUEST_TIMEOUT_MS: '3000', GENESYS_MAX_RETRIES: '0' },
      { now: clock.now },
    )) as [FastifyInstance, FastifyInstance];
    expect((await ask(a)).statusCode).toBe(200);
    const filled = (await ask(a)).json().updatedAt as string;
    // The fill made three calls (lookup, observations, wait time): the next attempt is three intervals later.
    clock.advance(3 * 5000);
    await clearUpstreamLog(emu);
    // a takes the lease and its refresh hangs: a holder that never comes back.
    await addFault(emu, { endpoint: '/api/v2/', latencyMs: 4000, times: 1 });
    expect((await ask(a)).json().updatedAt).toBe(filled);
    // b, which never asked, gets a's snapshot at once instead of waiting for the hung refresh.
    expect((await ask(b)).json().updatedAt).toBe(filled);
    // One interval later the lease is open again: b refreshes for the fleet, with the hung call still in flight.
    clock.advance(5000);
    expect((await ask(b)).statusCode).toBe(200);
    await b.availability.idle();
    const fresh = (await ask(b)).json().updatedAt as string;
    expect(fresh).not.toBe(filled);
    expect((await upstreamCounts(emu))[OBSERVATIONS] ?? 0).toBe(1);
    await clearFaults(emu);
  });

  it("stops waiting for another instance's hanging fill at its own response deadline", async () => {
    // a may take 5 s, b only 1 s: b must not wait for a's answer.
    const [a, b] = (await fleet(2, (i) => ({ RESPONSE_DEADLINE_MS: i === 0 ? '5000' : '1000' }))) as [
      FastifyInstance,
      FastifyInstance,
    ];
    await addFault(emu, { endpoint: '/api/v2/', latencyMs: 3000, times: 1 });
    const answered: string[] = [];
    const fromA = ask(a).then((r) => (answered.push('a'), r));
    // a holds the lease once its queue lookup reached the hang (the one-time fault is then used up).
    await eventually(
      async () =>
        ((await (await fetch(`${emu.controlUrl}/faults`)).json()) as { entities: unknown[] }).entities.length === 0,
      "a's lookup hanging",
    );
    const fromB = ask(b).then((r) => (answered.push('b'), r));
    const [atA, atB] = await Promise.all([fromA, fromB]);
    expect(atB.statusCode).toBe(504);
    expect(atB.json().code).toBe('UPSTREAM_TIMEOUT');
    expect(atA.statusCode).toBe(200);
    expect(answered).toEqual(['b', 'a']);
  });
});

describe('rate limits', () => {
  it('are counted across instances', async () => {
    const two = await fleet(2, { RATE_LIMIT_MAX: '5' });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      const app = two[i % 2]!;
      statuses.push((await app.inject({ method: 'GET', url: '/setup', headers: { origin: SITE } })).statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });
});

describe('when Redis fails', () => {
  /** Requests from `apps` in rounds of 20 until `done` resolves (or 400 rounds); every status seen. */
  async function load(instances: FastifyInstance[], done: Promise<unknown>): Promise<number[]> {
    let finished = false;
    void done.finally(() => (finished = true));
    const statuses: number[] = [];
    for (let round = 0; round < 400 && !finished; round += 1) {
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          instances[i % instances.length]!.inject(
            i % 2
              ? { method: 'POST', url: '/availability', payload: { queue_name: 'Chat Queue' } }
              : { method: 'GET', url: '/setup' },
          ),
        ),
      );
      statuses.push(...answers.map((r) => r.statusCode));
    }
    return statuses;
  }

  it('keeps answering from memory while Redis is stopped, reports it, and shares again once it is back', async () => {
    const two = await fleet(2, { RATE_LIMIT_MAX: '100000' });
    const [a, b] = two as [FastifyInstance, FastifyInstance];
    // Both on the fleet's token before the outage.
    await Promise.all(two.map(readyz));
    const outage = (async () => {
      await new Promise((r) => setTimeout(r, 100));
      await redis.stop();
      await eventually(
        async () => (await readyz(a)).redis === 'disconnected' && (await readyz(b)).redis === 'disconnected',
        'both see Redis gone',
      );
      await new Promise((r) => setTimeout(r, 200));
      await redis.start();
      await eventually(
        async () => (await readyz(a)).redis === 'connected' && (await readyz(b)).redis === 'connected',
        'both see Redis back',
      );
    })();
    const statuses = await load(two, outage);
    await outage;
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);

    // Shared again, pub/sub included: the next login (after Genesys refuses the token) is one for both instances.
    await clearUpstreamLog(emu);
    await advanceEmulatorClock(emu, 2 * 86_400_000);
    expect(await readyz(a)).toEqual({ status: 'ready', redis: 'connected' });
    await eventually(() => b.genesys.tokens.dropped >= 1, 'b dropped the refused token');
    expect(await readyz(b)).toEqual({ status: 'ready', redis: 'connected' });
    expect((await upstreamCounts(emu))[TOKEN]).toBe(1);
  });

  it('answers from memory while Redis hangs (accepts connections, never answers) and shares again after', async () => {
    const [a] = (await fleet(1, { REDIS_COMMAND_TIMEOUT_MS: '250' })) as [FastifyInstance];
    const fallbacks = async () =>
      Number(/shared_state_fallbacks_total\{use="rate-limit"\} (\d+)/.exec((await a.metrics.render()).body)?.[1] ?? 0);
    redis.freeze();
    try {
      // The first command waits for the command timeout and fails over; the next ones do not wait at all.
      const answers = await Promise.all(Array.from({ length: 10 }, () => a.inject({ method: 'GET', url: '/setup' })));
      expect(answers.map((r) => r.statusCode)).toEqual(Array(10).fill(200));
      expect(await readyz(a)).toEqual({ status: 'ready', redis: 'degraded' });
      expect((await a.metrics.render()).body).toContain('redis_state{state="degraded"} 1');
      expect(await fallbacks()).toBeGreaterThanOrEqual(10);
    } finally {
      redis.thaw();
    }
    await eventually(async () => (await readyz(a)).redis === 'connected', 'a sees Redis answer again');
    const before = await fallbacks();
    expect((await a.inject({ method: 'GET', url: '/setup' })).statusCode).toBe(200);
    expect(await fallbacks()).toBe(before);
  });

  it('starts without Redis, answers, and shares once Redis comes up', async () => {
    await redis.stop();
    const [a] = (await fleet(1)) as [FastifyInstance];
    expect((await a.inject({ method: 'GET', url: '/setup' })).statusCode).toBe(200);
    expect(await readyz(a)).toEqual({ status: 'ready', redis: 'disconnected' });
    await redis.start();
    await eventually(async () => (await readyz(a)).redis === 'connected', 'a connects');
  });
});
