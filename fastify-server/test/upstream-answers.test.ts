import type { FastifyInstance } from 'fastify';
import {
  IDENTITY,
  OBSERVATIONS,
  QUEUES,
  SIGNED_DATA,
  TOKEN,
  TOKENS_ME,
  addFault,
  clearFaults,
  identitySigner,
  manualClock,
  testApp,
  upstreamCounts,
  useTestEmulator,
} from './helpers';

/**
 * A 200 that is not a Genesys answer (an HTML page from a gateway, truncated JSON, `null`, a wrong shape) is an
 * upstream fault: the caller gets 502 UPSTREAM_INVALID_ANSWER, nothing of it is cached, and the next healthy answer
 * serves again. The emulator answers the garbage (its `body` fault) through the real Platform SDK.
 */

const emulator = useTestEmulator();

const GARBAGE: Array<[string, string, string?]> = [
  ['an HTML page', '<html><body><h1>502 Bad Gateway</h1></body></html>', 'text/html'],
  ['truncated JSON', '{"entities": [{"id": "b6f1e0c2", "na'],
  ['null', 'null'],
  ['a wrong shape', '{"entities": "none"}'],
  ['an empty object', '{}'],
];

const INVALID = {
  statusCode: 502,
  code: 'UPSTREAM_INVALID_ANSWER',
  error: 'Bad Gateway',
  message: 'Genesys Cloud sent an answer this server could not read',
};

const IDENTITY_ENV = {
  IDENTITY_JWT_SECRET: IDENTITY.secret,
  IDENTITY_JWT_ISSUER: IDENTITY.issuer,
  IDENTITY_JWT_AUDIENCE: IDENTITY.audience,
};

const ask = (app: FastifyInstance) =>
  app.inject({ method: 'POST', url: '/availability', payload: { queue_name: 'Chat Queue' } });

async function noRetries() {
  const clock = manualClock();
  const app = await testApp(emulator(), { GENESYS_MAX_RETRIES: '0', ...IDENTITY_ENV }, { now: clock.now });
  return { app, clock };
}

describe.each(GARBAGE)('a 200 with %s', (_what, body, contentType) => {
  const garbage = { body, ...(contentType ? { contentType } : {}), times: 1 };

  it('from the queue lookup is 502, not "no such queue", is not cached, and the next healthy answer serves', async () => {
    const { app, clock } = await noRetries();
    await addFault(emulator(), { endpoint: QUEUES, ...garbage });
    const res = await ask(app);
    expect(res.statusCode).toBe(502);
    expect(res.json()).toEqual(INVALID);
    // One call spent: the next attempt one 5 s interval later, and it looks the queue up again.
    clock.advance(5_000);
    const again = await ask(app);
    expect(again.statusCode).toBe(200);
    expect(again.json().agentsOnline).toBe(true);
    expect((await upstreamCounts(emulator()))[QUEUES]).toBe(2);
    await app.close();
  });

  it('from the queue observations is 502, not "no agents", and the next healthy answer serves', async () => {
    const { app, clock } = await noRetries();
    await addFault(emulator(), { endpoint: OBSERVATIONS, ...garbage });
    const res = await ask(app);
    expect(res.statusCode).toBe(502);
    expect(res.json()).toEqual(INVALID);
    clock.advance(15_000);
    const again = await ask(app);
    expect(again.statusCode).toBe(200);
    expect(again.json().agentsOnline).toBe(true);
    await app.close();
  });
});

it('is retried inside the request like a 5xx', async () => {
  const app = await testApp(emulator());
  await addFault(emulator(), { endpoint: QUEUES, body: '<html></html>', contentType: 'text/html', times: 1 });
  expect((await ask(app)).statusCode).toBe(200);
  expect((await upstreamCounts(emulator()))[QUEUES]).toBe(2);
  await app.close();
});

it('from signed data is 502 UPSTREAM_INVALID_ANSWER on /jwt', async () => {
  const sign = await identitySigner();
  const { app } = await noRetries();
  const jwt = () => app.inject({ method: 'POST', url: '/jwt', headers: { authorization: `Bearer ${sign({})}` } });
  await addFault(emulator(), { endpoint: SIGNED_DATA, body: '{"jwt": 42}', times: 1 });
  const res = await jwt();
  expect(res.statusCode).toBe(502);
  expect(res.json()).toEqual(INVALID);
  expect((await jwt()).statusCode).toBe(200);
  await app.close();
});

it('from the token endpoint is a failed login (502), not an empty token, and the next login serves', async () => {
  const { app, clock } = await noRetries();
  await addFault(emulator(), { endpoint: TOKEN, body: '<html>login</html>', contentType: 'text/html', times: 1 });
  const res = await ask(app);
  expect(res.statusCode).toBe(502);
  expect(res.json()).toEqual(INVALID);
  clock.advance(5_000);
  expect((await ask(app)).statusCode).toBe(200);
  expect((await upstreamCounts(emulator()))[TOKEN]).toBe(2);
  await app.close();
});

it('from tokens/me makes /readyz not ready until Genesys answers properly again', async () => {
  const app = await testApp(emulator(), { READINESS_CACHE_MS: '0' });
  await addFault(emulator(), { endpoint: TOKENS_ME, body: 'null' });
  expect((await app.inject({ method: 'GET', url: '/readyz' })).json()).toMatchObject({ code: 'NOT_READY' });
  await clearFaults(emulator());
  expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  await app.close();
});
