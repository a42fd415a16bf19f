import type { FastifyInstance } from 'fastify';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import {
  IDENTITY,
  SIGNED_DATA,
  clearUpstreamLog,
  decodeJwt,
  identitySigner,
  startTestEmulator,
  testApp,
  upstreamCounts,
  type RunningEmulator,
} from './helpers';

/** `POST /jwt`: signed data only for a verified user of the host site, with that user's claims. */

let emu: RunningEmulator;
let app: FastifyInstance;
let sign: Awaited<ReturnType<typeof identitySigner>>;

const IDENTITY_ENV = {
  IDENTITY_JWT_SECRET: IDENTITY.secret,
  IDENTITY_JWT_ISSUER: IDENTITY.issuer,
  IDENTITY_JWT_AUDIENCE: IDENTITY.audience,
};

beforeAll(async () => {
  emu = await startTestEmulator();
  app = await testApp(emu, { ...IDENTITY_ENV, JWT_RATE_LIMIT_MAX: '1000' });
  sign = await identitySigner();
});
afterAll(async () => {
  await app?.close();
  await emu?.close();
});

const post = (a: FastifyInstance, headers: Record<string, string> = {}, payload?: unknown) =>
  a.inject({ method: 'POST', url: '/jwt', headers, ...(payload === undefined ? {} : { payload: payload as string }) });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('POST /jwt', () => {
  it("returns a signed-data token carrying the verified user's claims, never the request body's", async () => {
    const res = await post(
      app,
      bearer(sign({ sub: 'user-42', name: 'Jane Doe', email: 'jane@example.com', role: 'customer' })),
      { sub: 'admin', authorized: false, email: 'evil@example.com' },
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const { jwt } = res.json();
    expect(Object.keys(res.json())).toEqual(['jwt']);
    // What the emulator (as Genesys) signed: exactly the verified identity.
    expect(decodeJwt(jwt)['data']).toEqual({
      authorized: true,
      sub: 'user-42',
      name: 'Jane Doe',
      email: 'jane@example.com',
    });
  });

  it('leaves out display claims that are not strings', async () => {
    const res = await post(app, bearer(sign({ sub: 'user-7', name: { first: 'x' }, email: 42 })));
    expect(res.statusCode).toBe(200);
    expect(decodeJwt(res.json().jwt)['data']).toEqual({ authorized: true, sub: 'user-7' });
  });

  it.each([
    ['no Authorization header', {}],
    ['another scheme', { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }],
  ])('answers 401 IDENTITY_REQUIRED with %s', async (_name, headers) => {
    const res = await post(app, headers);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({
      statusCode: 401,
      code: 'IDENTITY_REQUIRED',
      error: 'Unauthorized',
      message: expect.stringContaining('Authorization: Bearer'),
    });
  });

  const now = () => Math.floor(Date.now() / 1000);
  const noneToken = () =>
    `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'user-42', iss: IDENTITY.issuer, aud: IDENTITY.audience, exp: now() + 300 })).toString('base64url')}.`;

  it.each<[string, () => Record<string, string>, RegExp]>([
    ['a malformed token', () => bearer('not.a.jwt'), /not valid/],
    ['an expired token', () => bearer(sign({ exp: now() - 60 })), /expired/],
    ['a wrong issuer', () => bearer(sign({ iss: 'https://evil.example.com' })), /not valid/],
    ['a wrong audience', () => bearer(sign({ aud: 'another-app' })), /not valid/],
    ['no subject', () => bearer(sign({ sub: undefined })), /not valid|subject/],
    ['no expiry', () => bearer(sign({ exp: undefined })), /not valid/],
    ['an unsigned ("alg": "none") token', () => bearer(noneToken()), /not valid/],
    [
      'a token signed with another secret',
      () => bearer(identitySignerWith('another-secret-of-enough-length-0123456789')({})),
      /not valid/,
    ],
  ])('answers 401 IDENTITY_INVALID for %s, without asking Genesys', async (_name, headers, message) => {
    await clearUpstreamLog(emu);
    const res = await post(app, headers());
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ statusCode: 401, code: 'IDENTITY_INVALID', error: 'Unauthorized' });
    expect(res.json().message).toMatch(message);
    expect((await upstreamCounts(emu))[SIGNED_DATA]).toBeUndefined();
  });

  it("verifies RS256 tokens with the site's public key, and refuses an HMAC token forged with that key", async () => {
    const keys = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const keyed = await testApp(emu, {
      IDENTITY_JWT_PUBLIC_KEY: keys.publicKey.replace(/\n/g, '\\n'),
      IDENTITY_JWT_ISSUER: IDENTITY.issuer,
      IDENTITY_JWT_AUDIENCE: IDENTITY.audience,
    });
    try {
      const signRs = await identitySigner(keys);
      const ok = await post(keyed, bearer(signRs({ sub: 'rsa-user' })));
      expect(ok.statusCode).toBe(200);
      expect(decodeJwt(ok.json().jwt)['data']).toMatchObject({ sub: 'rsa-user' });
      // The classic algorithm confusion: HS256 with the public key as the secret.
      const forged = await post(keyed, bearer(identitySignerWith(keys.publicKey)({ sub: 'attacker' })));
      expect(forged.statusCode).toBe(401);
      expect(forged.json().code).toBe('IDENTITY_INVALID');
    } finally {
      await keyed.close();
    }
  });

  it('rate-limits per verified user, not per address', async () => {
    const limited = await testApp(emu, { ...IDENTITY_ENV, JWT_RATE_LIMIT_MAX: '2' });
    try {
      const alice = bearer(sign({ sub: 'alice' }));
      expect((await post(limited, alice)).statusCode).toBe(200);
      expect((await post(limited, alice)).statusCode).toBe(200);
      const third = await post(limited, alice);
      expect(third.statusCode).toBe(429);
      expect(third.json().code).toBe('RATE_LIMITED');
      expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
      // Same address, another user: not limited.
      expect((await post(limited, bearer(sign({ sub: 'bob' })))).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('answers 404 AUTH_CHAT_DISABLED when authenticated chat is not configured', async () => {
    const plain = await testApp(emu);
    try {
      const res = await post(plain, bearer(sign({})));
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'AUTH_CHAT_DISABLED' });
    } finally {
      await plain.close();
    }
  });
});

/** An HS256 signer with an arbitrary secret (bypasses @fastify/jwt's key checks on purpose). */
function identitySignerWith(secret: string) {
  return (claims: Record<string, unknown>) => {
    const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const payload = {
      iss: IDENTITY.issuer,
      aud: IDENTITY.audience,
      sub: 'user-42',
      exp: Math.floor(Date.now() / 1000) + 300,
      ...claims,
    };
    const head = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc(payload)}`;
    return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
  };
}
