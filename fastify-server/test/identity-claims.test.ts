import type { FastifyInstance } from 'fastify';
import { generateKeyPairSync, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  IDENTITY,
  SIGNED_DATA,
  identityKeys,
  testApp,
  upstreamCounts,
  useTestEmulator,
  type IdentityKeyMode,
} from './helpers';

/**
 * Identity tokens (README "POST /jwt"): issuer and audience are required and must match, and a token is accepted
 * only for a bounded lifetime, in every key mode the site may use.
 */

const emulator = useTestEmulator();
const now = () => Math.floor(Date.now() / 1000);
const MODES: IdentityKeyMode[] = ['HS256', 'RS256', 'ES256', 'EdDSA'];

describe.each(MODES)('%s identity tokens', (mode) => {
  const keys = identityKeys(mode);
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await testApp(emulator(), {
      ...keys.env,
      JWT_RATE_LIMIT_MAX: '1000',
      IDENTITY_JWT_MAX_AGE_MS: '3600000',
      IDENTITY_JWT_CLOCK_TOLERANCE_MS: '5000',
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  const valid = () => ({ iss: IDENTITY.issuer, aud: IDENTITY.audience, sub: 'user-42', iat: now(), exp: now() + 300 });
  const post = (claims: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: '/jwt', headers: { authorization: `Bearer ${keys.sign(claims)}` } });

  it('accepts a token with the configured issuer and audience', async () => {
    const res = await post(valid());
    expect(res.statusCode).toBe(200);
  });

  it('accepts an audience list that contains the configured audience, and a token without iat', async () => {
    expect((await post({ ...valid(), aud: ['another-app', IDENTITY.audience] })).statusCode).toBe(200);
    expect((await post({ ...valid(), iat: undefined })).statusCode).toBe(200);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['without iss', { iss: undefined }, /issuer/],
    ['without aud', { aud: undefined }, /audience/],
    ['without iss and aud', { iss: undefined, aud: undefined }, /issuer|audience/],
    ['with another issuer', { iss: 'https://evil.example.com' }, /issuer/],
    ['with another audience', { aud: 'another-app' }, /audience/],
    ['with an empty audience list', { aud: [] }, /audience/],
    ['expiring a year ahead', { exp: now() + 365 * 86_400 }, /lifetime|too far/],
    ['with exp 1e308', { exp: 1e308 }, /lifetime|too far/],
    ['issued a year in the future', { iat: now() + 365 * 86_400 }, /future/],
    ['issued 10 minutes in the future', { iat: now() + 600 }, /future/],
    ['declaring a lifetime over the maximum', { iat: now() - 7200, exp: now() + 60 }, /lifetime/],
    ['with a non-numeric iat', { iat: 'yesterday' }, /iat|not valid/],
  ])('refuses a token %s (401 IDENTITY_INVALID, no Genesys call)', async (_name, change, message) => {
    const before = (await upstreamCounts(emulator()))[SIGNED_DATA] ?? 0;
    const res = await post({ ...valid(), ...change });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ statusCode: 401, code: 'IDENTITY_INVALID', error: 'Unauthorized' });
    expect(res.json().message).toMatch(message);
    expect((await upstreamCounts(emulator()))[SIGNED_DATA] ?? 0).toBe(before);
  });

  it('tolerates the configured clock skew, no more', async () => {
    expect((await post({ ...valid(), iat: now() + 3 })).statusCode).toBe(200);
    expect((await post({ ...valid(), iat: now() - 3600, exp: now() + 2 })).statusCode).toBe(200);
    expect((await post({ ...valid(), exp: now() + 3600 + 3 })).statusCode).toBe(200);
    expect((await post({ ...valid(), exp: now() + 3600 + 60 })).statusCode).toBe(401);
  });
});

describe('key-location headers (jku, x5u, jwk, x5c)', () => {
  const site = identityKeys('RS256');
  const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const attackerJwk = { ...attacker.publicKey.export({ format: 'jwk' }), kid: 'attacker', alg: 'RS256', use: 'sig' };
  let keyServer: Server;
  let keyUrl: string;
  let fetched = 0;
  let app: FastifyInstance;

  beforeAll(async () => {
    // Where a verifier that follows jku/x5u would fetch the attacker's key: counts every request.
    keyServer = createServer((_request, response) => {
      fetched += 1;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ keys: [attackerJwk] }));
    });
    await new Promise<void>((ok) => keyServer.listen(0, '127.0.0.1', ok));
    keyUrl = `http://127.0.0.1:${(keyServer.address() as AddressInfo).port}/jwks.json`;
    app = await testApp(emulator(), { ...site.env, JWT_RATE_LIMIT_MAX: '1000' });
  });
  afterAll(async () => {
    await app?.close();
    await new Promise((ok) => keyServer.close(ok));
  });

  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const claims = () => ({ iss: IDENTITY.issuer, aud: IDENTITY.audience, sub: 'user-42', exp: now() + 300 });
  const signedBy = (key: KeyObject, header: Record<string, unknown>) => {
    const input = `${enc({ alg: 'RS256', typ: 'JWT', ...header })}.${enc(claims())}`;
    return `${input}.${cryptoSign('sha256', Buffer.from(input), key).toString('base64url')}`;
  };
  const post = (token: string) =>
    app.inject({ method: 'POST', url: '/jwt', headers: { authorization: `Bearer ${token}` } });

  it.each<[string, Record<string, unknown>]>([
    ['jku', { jku: '', kid: 'attacker' }],
    ['x5u', { x5u: '', kid: 'attacker' }],
    ['jwk', { jwk: attackerJwk }],
    ['x5c', { x5c: ['MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'] }],
  ])('refuses a token signed with a key its %s header points to, and never fetches it', async (_name, header) => {
    const h = Object.fromEntries(Object.entries(header).map(([k, v]) => [k, v === '' ? keyUrl : v]));
    const res = await post(signedBy(attacker.privateKey, h));
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('IDENTITY_INVALID');
    expect(fetched).toBe(0);
    expect((await upstreamCounts(emulator()))[SIGNED_DATA]).toBeUndefined();
  });

  it("verifies the site's tokens with the configured key; one whose header is edited to name another key set fails its signature, unfetched", async () => {
    const token = site.sign({ ...claims() });
    expect((await post(token)).statusCode).toBe(200);
    // The header is signed: naming the attacker's key set in the site's token breaks the signature.
    const [head, body, signature] = token.split('.') as [string, string, string];
    const named = { ...JSON.parse(Buffer.from(head, 'base64url').toString()), jku: keyUrl, x5u: keyUrl };
    expect((await post(`${enc(named)}.${body}.${signature}`)).statusCode).toBe(401);
    expect(fetched).toBe(0);
  });
});
