import type { FastifyInstance } from 'fastify';
import { createServer } from 'node:net';
import {
  IDENTITY,
  OBSERVATIONS,
  SIGNED_DATA,
  TOKEN,
  TOKENS_ME,
  addFault,
  advanceEmulatorClock,
  clearFaults,
  clearUpstreamLog,
  identitySigner,
  manualClock,
  startTestEmulator,
  testApp,
  upstreamCounts,
  type RunningEmulator,
} from './helpers';

/** Genesys access: token lifecycle, 429 / 5xx / timeouts, and recovery without a restart. */

const TOKEN_LIFETIME_S = 3600;
const IDENTITY_ENV = {
  IDENTITY_JWT_SECRET: IDENTITY.secret,
  IDENTITY_JWT_ISSUER: IDENTITY.issuer,
  IDENTITY_JWT_AUDIENCE: IDENTITY.audience,
  JWT_RATE_LIMIT_MAX: '1000',
};

let emu: RunningEmulator;
let sign: Awaited<ReturnType<typeof identitySigner>>;

beforeAll(async () => {
  emu = await startTestEmulator({ accessTokenLifetimeSeconds: TOKEN_LIFETIME_S });
  sign = await identitySigner();
});
afterAll(async () => {
  await emu?.close();
});
beforeEach(async () => {
  await clearFaults(emu);
  await clearUpstreamLog(emu);
});

const jwtCall = (app: FastifyInstance, sub = 'user-1') =>
  app.inject({ method: 'POST', url: '/jwt', headers: { authorization: `Bearer ${sign({ sub })}` } });
const availability = (app: FastifyInstance) =>
  app.inject({ method: 'POST', url: '/availability', payload: { queue_name: 'Chat Queue' } });
const entries = async (endpoint: string) =>
  (
    (await (await fetch(`${emu.controlUrl}/requests?limit=1000`)).json()) as {
      entries: Array<{ endpoint: string; status: number }>;
    }
  ).entries.filter((e) => e.endpoint === endpoint);

describe('access token', () => {
  it('logs in lazily, once for many concurrent callers', async () => {
    const app = await testApp(emu, IDENTITY_ENV);
    expect(await upstreamCounts(emu)).toEqual({});
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => jwtCall(app, `u${i}`)));
    expect(results.map((r) => r.statusCode)).toEqual(Array(25).fill(200));
    expect((await upstreamCounts(emu))[TOKEN]).toBe(1);
    await app.close();
  });

  it('logs in again once when Genesys answers 401 to a token our clock thinks valid (many concurrent callers)', async () => {
    const app = await testApp(emu, IDENTITY_ENV);
    expect((await jwtCall(app)).statusCode).toBe(200);
    // Genesys' clock passes the token's expiry (ours does not): every call now gets 401 until a new login.
    await advanceEmulatorClock(emu, (TOKEN_LIFETIME_S + 60) * 1000);
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => jwtCall(app, `u${i}`)));
    expect(results.map((r) => r.statusCode)).toEqual(Array(25).fill(200));
    expect((await upstreamCounts(emu))[TOKEN]).toBe(2);
    const signed = await entries(SIGNED_DATA);
    expect(signed.filter((e) => e.status === 401)).toHaveLength(25);
    expect(signed.filter((e) => e.status === 200)).toHaveLength(26);
    await app.close();
  });

  it('renews ahead of expiry in the background, with one login for many callers and no 401', async () => {
    const clock = manualClock();
    const app = await testApp(emu, IDENTITY_ENV, { now: clock.now });
    expect((await jwtCall(app)).statusCode).toBe(200);
    // Past 90 % of the lifetime: still valid, due for renewal.
    clock.advance(TOKEN_LIFETIME_S * 950);
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => jwtCall(app, `u${i}`)));
    expect(results.every((r) => r.statusCode === 200)).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect((await upstreamCounts(emu))[TOKEN]).toBe(2);
    expect((await entries(SIGNED_DATA)).every((e) => e.status === 200)).toBe(true);

    // Expired by our clock: callers wait for one new login instead of sending a dead token.
    clock.advance(TOKEN_LIFETIME_S * 2000);
    const later = await Promise.all(Array.from({ length: 25 }, (_, i) => jwtCall(app, `v${i}`)));
    expect(later.every((r) => r.statusCode === 200)).toBe(true);
    expect((await upstreamCounts(emu))[TOKEN]).toBe(3);
    await app.close();
  });

  it('answers 502 UPSTREAM_AUTH_FAILED for wrong credentials, and does not hammer the login endpoint', async () => {
    const app = await testApp(emu, { ...IDENTITY_ENV, GENESYS_CLIENT_SECRET: 'wrong-secret' });
    const first = await jwtCall(app);
    expect(first.statusCode).toBe(502);
    expect(first.json()).toEqual({
      statusCode: 502,
      code: 'UPSTREAM_AUTH_FAILED',
      error: 'Bad Gateway',
      message: 'This server could not authenticate to Genesys Cloud',
    });
    expect((await availability(app)).json().code).toBe('UPSTREAM_AUTH_FAILED');
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().code).toBe('NOT_READY');
    // One attempt; the rest fail fast during the pause after it (login-pace.ts).
    expect((await upstreamCounts(emu))[TOKEN]).toBe(1);
    await app.close();
  });
});

describe('429, 5xx and timeouts', () => {
  it('waits for Retry-After and then succeeds', async () => {
    const app = await testApp(emu, IDENTITY_ENV);
    await jwtCall(app);
    await clearUpstreamLog(emu);
    await addFault(emu, { endpoint: SIGNED_DATA, status: 429, retryAfterSeconds: 1, times: 1 });
    const started = Date.now();
    const res = await jwtCall(app);
    const elapsed = Date.now() - started;
    expect(res.statusCode).toBe(200);
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect((await entries(SIGNED_DATA)).map((e) => e.status)).toEqual([429, 200]);
    await app.close();
  });

  it('passes a long Retry-After on as 503 UPSTREAM_RATE_LIMITED instead of holding the request', async () => {
    const app = await testApp(emu, { ...IDENTITY_ENV, GENESYS_MAX_RETRY_WAIT_MS: '2000' });
    await addFault(emu, { endpoint: SIGNED_DATA, status: 429, retryAfterSeconds: 30, times: 1 });
    const res = await jwtCall(app);
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('30');
    expect(res.json()).toEqual({
      statusCode: 503,
      code: 'UPSTREAM_RATE_LIMITED',
      error: 'Service Unavailable',
      message: 'Genesys Cloud is rate limiting this server; retry in 30 seconds',
    });
    expect((await entries(SIGNED_DATA)).map((e) => e.status)).toEqual([429]);
    await app.close();
  });

  it("pauses availability refreshes for a rate limit's Retry-After", async () => {
    const clock = manualClock();
    const app = await testApp(emu, { GENESYS_MAX_RETRIES: '0' }, { now: clock.now });
    await addFault(emu, { endpoint: OBSERVATIONS, status: 429, retryAfterSeconds: 20, times: 1 });
    const res = await availability(app);
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('20');
    clock.advance(10_000);
    expect((await availability(app)).statusCode).toBe(503);
    expect((await upstreamCounts(emu))[OBSERVATIONS]).toBe(1);
    clock.advance(10_000);
    expect((await availability(app)).statusCode).toBe(200);
    await app.close();
  });

  it('cuts a long Retry-After (600 s) to GENESYS_RETRY_AFTER_CAP_MS: browsers are told no more, and Genesys is asked again after it', async () => {
    const clock = manualClock();
    const app = await testApp(emu, { GENESYS_MAX_RETRIES: '0' }, { now: clock.now });
    await addFault(emu, { endpoint: OBSERVATIONS, status: 429, retryAfterSeconds: 600, times: 1 });
    const res = await availability(app);
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('60');
    expect(res.json().message).toBe('Genesys Cloud is rate limiting this server; retry in 60 seconds');
    clock.advance(59_000);
    expect((await availability(app)).headers['retry-after']).toBe('1');
    expect((await upstreamCounts(emu))[OBSERVATIONS]).toBe(1);
    clock.advance(1_000);
    expect((await availability(app)).statusCode).toBe(200);
    await app.close();
  });

  it('takes the cap from GENESYS_RETRY_AFTER_CAP_MS', async () => {
    const app = await testApp(emu, { ...IDENTITY_ENV, GENESYS_RETRY_AFTER_CAP_MS: '20000' });
    await addFault(emu, { endpoint: SIGNED_DATA, status: 429, retryAfterSeconds: 3000, times: 1 });
    const res = await jwtCall(app);
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('20');
    await app.close();
  });

  it('takes an absurd Retry-After (86400 s) as absent: availability pauses 1 s, then asks again at the paced rate', async () => {
    const clock = manualClock();
    const app = await testApp(emu, { GENESYS_MAX_RETRIES: '0' }, { now: clock.now });
    await addFault(emu, { endpoint: OBSERVATIONS, status: 429, retryAfterSeconds: 86_400, times: 1 });
    const res = await availability(app);
    expect(res.statusCode).toBe(503);
    // The fill made three calls (lookup, observations, wait time): the next attempt three 5 s intervals later.
    expect(res.headers['retry-after']).toBe('15');
    clock.advance(15_000);
    expect((await availability(app)).statusCode).toBe(200);
    await app.close();
  });

  it.each(['-5', '2030-01-01', 'soon'])(
    'takes a malformed Retry-After (%s) as 1 s: not retried at once, not a wait of years',
    async (retryAfter) => {
      const app = await testApp(emu, { ...IDENTITY_ENV, GENESYS_MAX_RETRY_WAIT_MS: '500' });
      await jwtCall(app);
      await clearUpstreamLog(emu);
      await addFault(emu, { endpoint: SIGNED_DATA, status: 429, retryAfter });
      const res = await jwtCall(app);
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
      // A 1 s wait is longer than the 500 ms worth waiting inside a request: one request, no retry.
      expect((await entries(SIGNED_DATA)).map((e) => e.status)).toEqual([429]);
      await app.close();
    },
  );

  it('retries 5xx a bounded number of times, answers 502 UPSTREAM_UNAVAILABLE, and recovers without a restart', async () => {
    const clock = manualClock();
    const app = await testApp(emu, { GENESYS_MAX_RETRIES: '2' }, { now: clock.now });
    await addFault(emu, { endpoint: OBSERVATIONS, status: 503, times: 3 });
    const res = await availability(app);
    expect(res.statusCode).toBe(502);
    expect(res.json()).toEqual({
      statusCode: 502,
      code: 'UPSTREAM_UNAVAILABLE',
      error: 'Bad Gateway',
      message: 'Genesys Cloud is not reachable right now',
    });
    expect(res.body).not.toMatch(/Injected|service\.unavailable|contextId/);
    expect((await upstreamCounts(emu))[OBSERVATIONS]).toBe(3);
    // The fault is used up. The next attempt is paced by the calls spent (lookup, 3 observations attempts, wait
    // time: one 5 s interval each), then succeeds.
    clock.advance(20_000);
    expect((await availability(app)).statusCode).toBe(502);
    clock.advance(5_000);
    const again = await availability(app);
    expect(again.statusCode).toBe(200);
    expect(again.json().agentsOnline).toBe(true);
    await app.close();
  });

  it('answers 504 UPSTREAM_TIMEOUT when Genesys is too slow, and recovers', async () => {
    const clock = manualClock();
    const app = await testApp(
      emu,
      { GENESYS_REQUEST_TIMEOUT_MS: '150', GENESYS_MAX_RETRIES: '1', ...IDENTITY_ENV },
      { now: clock.now },
    );
    await jwtCall(app);
    await addFault(emu, { endpoint: OBSERVATIONS, latencyMs: 600, times: 2 });
    const res = await availability(app);
    expect(res.statusCode).toBe(504);
    expect(res.json()).toEqual({
      statusCode: 504,
      code: 'UPSTREAM_TIMEOUT',
      error: 'Gateway Timeout',
      message: 'Genesys Cloud did not answer in time',
    });
    await addFault(emu, { endpoint: SIGNED_DATA, latencyMs: 600, times: 2 });
    expect((await jwtCall(app)).json().code).toBe('UPSTREAM_TIMEOUT');
    // Four calls spent (the lookup, two observations attempts that timed out, the wait time): the next attempt
    // comes four intervals later.
    clock.advance(20_000);
    expect((await availability(app)).statusCode).toBe(200);
    expect((await jwtCall(app)).statusCode).toBe(200);
    await app.close();
  });

  it('retries a connection Genesys resets, answers 502 UPSTREAM_UNAVAILABLE when every attempt is reset, and recovers', async () => {
    const clock = manualClock();
    const app = await testApp(emu, { ...IDENTITY_ENV, GENESYS_MAX_RETRIES: '2' }, { now: clock.now });
    await addFault(emu, { endpoint: SIGNED_DATA, reset: true, times: 1 });
    expect((await jwtCall(app)).statusCode).toBe(200);
    expect((await entries(SIGNED_DATA)).map((e) => e.status)).toEqual([0, 200]);
    await addFault(emu, { endpoint: OBSERVATIONS, reset: true, times: 3 });
    const res = await availability(app);
    expect(res.statusCode).toBe(502);
    expect(res.json().code).toBe('UPSTREAM_UNAVAILABLE');
    expect((await entries(OBSERVATIONS)).map((e) => e.status)).toEqual([0, 0, 0]);
    clock.advance(25_000);
    expect((await availability(app)).statusCode).toBe(200);
    await app.close();
  });

  it('answers 502 UPSTREAM_UNAVAILABLE when nothing listens at the API address', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const app = await testApp(emu, { GENESYS_API_BASE_URL: `http://127.0.0.1:${port}`, GENESYS_MAX_RETRIES: '1' });
    const res = await availability(app);
    expect(res.statusCode).toBe(502);
    expect(res.json().code).toBe('UPSTREAM_UNAVAILABLE');
    await app.close();
  });
});

describe('GET /readyz', () => {
  it('is ready with a valid token, 503 NOT_READY while Genesys fails, and ready again after', async () => {
    const app = await testApp(emu, { READINESS_CACHE_MS: '0' });
    expect((await app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready' });
    await addFault(emu, { endpoint: TOKENS_ME, status: 500 });
    const down = await app.inject({ method: 'GET', url: '/readyz' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ code: 'NOT_READY' });
    await clearFaults(emu);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    await app.close();
  });

  it('caches the answer so probes cost few upstream calls', async () => {
    const app = await testApp(emu, { READINESS_CACHE_MS: '60000' });
    await Promise.all(Array.from({ length: 20 }, () => app.inject({ method: 'GET', url: '/readyz' })));
    await app.inject({ method: 'GET', url: '/readyz' });
    expect((await upstreamCounts(emu))[TOKENS_ME]).toBe(1);
    await app.close();
  });
});
