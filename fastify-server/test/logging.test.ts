import {
  IDENTITY,
  OBSERVATIONS,
  SIGNED_DATA,
  addFault,
  advanceEmulatorClock,
  identitySigner,
  startTestEmulator,
  testApp,
  type RunningEmulator,
} from './helpers';

/** Logs are structured JSON and never contain a secret, whatever goes wrong. */

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu?.close();
});

it('never writes the client secret, access tokens, identity tokens or signed JWTs, even at trace level', async () => {
  const lines: string[] = [];
  const app = await testApp(
    emu,
    {
      LOG_LEVEL: 'trace',
      IDENTITY_JWT_SECRET: IDENTITY.secret,
      IDENTITY_JWT_ISSUER: IDENTITY.issuer,
      IDENTITY_JWT_AUDIENCE: IDENTITY.audience,
      GENESYS_MAX_RETRIES: '1',
    },
    { logStream: { write: (line: string) => void lines.push(line) } },
  );
  const sign = await identitySigner();
  const identity = sign({ sub: 'user-1', email: 'jane@example.com' });

  const ok = await app.inject({ method: 'POST', url: '/jwt', headers: { authorization: `Bearer ${identity}` } });
  const signed = ok.json().jwt as string;
  const firstToken = await app.genesys.tokens.get();
  // Failures whose raw SDK errors carry the bearer token in their request config: 401 (re-login), 5xx, timeouts.
  await advanceEmulatorClock(emu, 2 * 86_400_000);
  await app.inject({ method: 'POST', url: '/jwt', headers: { authorization: `Bearer ${identity}` } });
  const secondToken = await app.genesys.tokens.get();
  await addFault(emu, { endpoint: SIGNED_DATA, status: 500, times: 2 });
  await app.inject({ method: 'POST', url: '/jwt', headers: { authorization: `Bearer ${identity}` } });
  await addFault(emu, { endpoint: OBSERVATIONS, status: 502, times: 2 });
  await app.inject({ method: 'POST', url: '/availability', payload: { queue_name: 'Chat Queue' } });
  await app.inject({ method: 'POST', url: '/jwt', headers: { authorization: `Bearer ${identity}x` } });
  // Defence in depth: an object that does carry secrets is redacted by the logger itself.
  app.log.warn(
    { req: { headers: { authorization: `Bearer ${identity}` } }, jwt: signed, clientSecret: 'emulator-client-secret' },
    'redaction check',
  );
  await app.close();

  const output = lines.join('');
  expect(ok.statusCode).toBe(200);
  // Every request has its own id, with this server's prefix, on every line about it.
  const reqIds = new Set(
    lines.map((l) => (JSON.parse(l) as { reqId?: string }).reqId).filter((id): id is string => id !== undefined),
  );
  expect(reqIds.size).toBeGreaterThanOrEqual(5);
  expect(new Set([...reqIds].map((id) => id.split('-')[0])).size).toBe(1);
  for (const id of reqIds) expect(id).toMatch(/^[0-9a-f]{12}-[0-9a-z]+$/);
  expect(lines.length).toBeGreaterThan(10);
  for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  expect(output).toContain('[REDACTED]');
  expect(output).toContain('UPSTREAM_UNAVAILABLE');
  const secrets = {
    clientSecret: 'emulator-client-secret',
    basicAuth: Buffer.from('emulator-client-id:emulator-client-secret').toString('base64'),
    identitySecret: IDENTITY.secret,
    identity,
    signed,
    firstToken,
    secondToken,
  };
  for (const [name, value] of Object.entries(secrets)) {
    expect({ name, leaked: output.includes(value) }).toEqual({ name, leaked: false });
  }
});

it.each([
  ['GET', '/setup'],
  ['POST', '/availability'],
  ['OPTIONS', '/availability'],
])('logs a request from a refused origin (%s %s) in one line naming it, without a stack trace', async (method, url) => {
  const lines: string[] = [];
  const app = await testApp(
    emu,
    { LOG_LEVEL: 'trace' },
    { logStream: { write: (line: string) => void lines.push(line) } },
  );
  const res = await app.inject({
    method: method as 'GET',
    url,
    headers: { origin: 'https://evil.example.net', 'access-control-request-method': 'POST' },
    ...(method === 'POST' ? { payload: { queue_name: 'Chat Queue' } } : {}),
  });
  await app.close();
  expect(res.statusCode).toBe(403);
  expect(res.json().code).toBe('ORIGIN_NOT_ALLOWED');
  const entries = lines
    .join('')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const about = entries.filter((e) => JSON.stringify(e).includes('evil.example.net') || e['err'] !== undefined);
  expect(about).toEqual([
    expect.objectContaining({ level: 30, origin: 'https://evil.example.net', msg: expect.stringMatching(/refused/) }),
  ]);
  expect(lines.join('')).not.toMatch(/"stack"/);
});
