import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { IDENTITY, OBSERVATIONS, addFault, identitySigner, testApp, upstreamCounts, useTestEmulator } from './helpers';

/**
 * The response deadline (README "Time budgets"): a route that calls Genesys answers by RESPONSE_DEADLINE_MS,
 * retries included, so the browser client (which gives up after 10 s) always gets the answer. Over real HTTP against
 * the emulator, whose faults make Genesys hang or fail. The deadline is 1 s here; durations are checked loosely
 * against the client's timeout only.
 */

const emulator = useTestEmulator();
const CLIENT_TIMEOUT_MS = 10_000;
/** Far longer than the 1 s deadline. */
const HANG_MS = 4000;

/**
 * Makes every Genesys request matching `endpoint` (all when absent) hang, and returns how many requests reached the
 * hang so far (the emulator logs a request when it answers, which a hanging one has not done yet).
 */
async function hang(endpoint?: string): Promise<() => Promise<number>> {
  const HITS = 1000;
  const rule = await addFault(emulator(), { ...(endpoint ? { endpoint } : {}), latencyMs: HANG_MS, times: HITS });
  const { id } = rule as { id: string };
  return async () => {
    const { entities } = (await (await fetch(`${emulator().controlUrl}/faults`)).json()) as {
      entities: Array<{ id: string; times: number }>;
    };
    return HITS - (entities.find((f) => f.id === id)?.times ?? 0);
  };
}

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(overrides: Record<string, string> = {}): Promise<string> {
  app = await testApp(emulator(), {
    RESPONSE_DEADLINE_MS: '1000',
    // The SDK's own timeout still ends each abandoned request soon after the deadline.
    GENESYS_REQUEST_TIMEOUT_MS: '2000',
    RATE_LIMIT_MAX: '100000',
    IDENTITY_JWT_SECRET: IDENTITY.secret,
    IDENTITY_JWT_ISSUER: IDENTITY.issuer,
    IDENTITY_JWT_AUDIENCE: IDENTITY.audience,
    ...overrides,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

async function timed(request: Promise<Response>) {
  const started = Date.now();
  const res = await request;
  return { status: res.status, headers: res.headers, body: (await res.json()) as unknown, ms: Date.now() - started };
}

const askAvailability = (url: string) =>
  timed(
    fetch(`${url}/availability`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ queue_name: 'Chat Queue' }),
    }),
  );

const UPSTREAM_TIMEOUT = {
  statusCode: 504,
  code: 'UPSTREAM_TIMEOUT',
  error: 'Gateway Timeout',
  message: 'Genesys Cloud did not answer in time',
};

/** 504 UPSTREAM_TIMEOUT, well before the browser client would have given up (loosely: half its timeout). */
function expectTimedOutInTime(answers: Array<Awaited<ReturnType<typeof timed>>>): void {
  for (const answer of answers) {
    expect(answer.status).toBe(504);
    expect(answer.body).toEqual(UPSTREAM_TIMEOUT);
    expect(answer.ms).toBeLessThan(CLIENT_TIMEOUT_MS / 2);
  }
}

it('answers a cold /availability and /jwt with 504 UPSTREAM_TIMEOUT at the deadline when Genesys hangs, login included', async () => {
  const url = await start();
  const sign = await identitySigner();
  const hits = await hang();

  const [availability, jwt] = await Promise.all([
    askAvailability(url),
    timed(fetch(`${url}/jwt`, { method: 'POST', headers: { authorization: `Bearer ${sign({ sub: 'user-1' })}` } })),
  ]);

  expectTimedOutInTime([availability, jwt]);
  // One login for both callers (single flight), not one per caller or per retry, and no call without a token.
  expect(await hits()).toBe(1);
});

it('keeps the cold fill single-flight under the deadline: concurrent callers share one hanging lookup, not retried', async () => {
  const url = await start();
  const hits = await hang('/api/v2/');

  const answers = await Promise.all(Array.from({ length: 10 }, () => askAvailability(url)));

  expectTimedOutInTime(answers);
  // The attempt took the whole budget: no retry could finish in time, so none was sent.
  expect(await hits()).toBe(1);
});

it('does not wait for a Retry-After that ends past the deadline: the caller gets the 503 with it at once', async () => {
  const url = await start();
  // 3 s is a wait the server would take inside a request (GENESYS_MAX_RETRY_WAIT_MS is 5 s), but not in a 1 s budget.
  await addFault(emulator(), { endpoint: OBSERVATIONS, status: 429, retryAfterSeconds: 3, times: 1 });

  const answer = await askAvailability(url);

  expect(answer.status).toBe(503);
  // At least what Genesys asked for (the next paced attempt may be later still).
  expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(3);
  expect(answer.body).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED' });
  expect((await upstreamCounts(emulator()))[OBSERVATIONS]).toBe(1);
});

it('still retries inside the deadline when a retry fits', async () => {
  const url = await start();
  await addFault(emulator(), { endpoint: OBSERVATIONS, status: 503, times: 1 });

  const answer = await askAvailability(url);

  expect(answer.status).toBe(200);
  expect((await upstreamCounts(emulator()))[OBSERVATIONS]).toBe(2);
});
