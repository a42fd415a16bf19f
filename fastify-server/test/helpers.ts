import jwt from '@fastify/jwt';
import Fastify, { type FastifyInstance } from 'fastify';
import { DEMO, callControl, startEmulator, type EmulatorOptions, type RunningEmulator } from 'genesys-handoff-emulator';
import { createHmac, generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import { buildApp, type AppDeps } from '../src/app';
import { loadConfig } from '../src/config';

/** Test harness: the real emulator, the real Platform SDK (through GENESYS_API_BASE_URL → setGateway), our app. */

export { DEMO };
export type { RunningEmulator };

export const SITE = 'https://shop.example.com';
export const IDENTITY = {
  secret: 'identity-secret-for-tests-0123456789abcdef',
  issuer: 'https://shop.example.com',
  audience: 'genesys-handoff',
} as const;

export function startTestEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ port: 0, ...options });
}

/** Environment of a middleware pointed at `emu`; `overrides` win (an `undefined` value removes a variable). */
export function testEnv(
  emu: RunningEmulator,
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return {
    ORGANIZATION_ID: emu.options.organizationId,
    DEPLOYMENT_ID: emu.options.deployments[0]?.id ?? DEMO.deploymentId,
    // The tests' conversations are guest chats (web chat deployment, `chat` media type), not the default channel's.
    GENESYS_CHANNEL: 'guest-chat',
    QUEUE_TARGET: emu.options.queues[0]?.name ?? DEMO.queueName,
    GENESYS_CLIENT_ID: DEMO.clientId,
    GENESYS_CLIENT_SECRET: DEMO.clientSecret,
    GENESYS_API_BASE_URL: emu.url,
    ALLOWED_ORIGINS: SITE,
    LOG_LEVEL: 'silent',
    GENESYS_RETRY_BASE_DELAY_MS: '5',
    ...overrides,
  };
}

export async function testApp(
  emu: RunningEmulator,
  overrides: Record<string, string | undefined> = {},
  deps: AppDeps = {},
): Promise<FastifyInstance> {
  const app = await buildApp(loadConfig({ env: testEnv(emu, overrides), dotenv: false }), deps);
  await app.ready();
  return app;
}

/** A clock the test moves by hand (the middleware's; the emulator has its own, moved with {@link advanceEmulatorClock}). */
export function manualClock(start = Date.now()) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

function controlCall<T>(emu: RunningEmulator, method: string, path: string, body?: unknown): Promise<T> {
  return callControl<T>(emu.controlUrl, method, path, body);
}

export const OBSERVATIONS = 'POST /api/v2/analytics/queues/observations/query';
export const WAIT_TIME = 'GET /api/v2/routing/queues/:queueId/estimatedwaittime';
export const QUEUES = 'GET /api/v2/routing/queues';
export const TOKEN = 'POST /oauth/token';
export const SIGNED_DATA = 'POST /api/v2/signeddata';
export const TOKENS_ME = 'GET /api/v2/tokens/me';

/** Upstream requests per endpoint from the emulator's request log (control API). */
export async function upstreamCounts(emu: RunningEmulator): Promise<Record<string, number>> {
  return (await controlCall<{ counts: Record<string, number> }>(emu, 'GET', '/requests')).counts;
}

export const clearUpstreamLog = (emu: RunningEmulator) => controlCall(emu, 'DELETE', '/requests');

export interface Fault {
  endpoint?: string;
  latencyMs?: number;
  status?: number;
  retryAfterSeconds?: number;
  /** A 429's Retry-After header verbatim. */
  retryAfter?: string;
  /** Answer this body as it is (a 200 unless `status` says otherwise). */
  body?: string;
  contentType?: string;
  /** Close the connection without an answer. */
  reset?: boolean;
  times?: number;
}
export const addFault = (emu: RunningEmulator, fault: Fault) => controlCall(emu, 'POST', '/faults', fault);
export const clearFaults = (emu: RunningEmulator) => controlCall(emu, 'DELETE', '/faults');
export const advanceEmulatorClock = (emu: RunningEmulator, ms: number) =>
  controlCall(emu, 'POST', '/clock', { advanceMs: ms });
export const setAgent = (
  emu: RunningEmulator,
  id: string,
  patch: { onQueue?: boolean; routingStatus?: string | null },
) => controlCall(emu, 'PATCH', `/agents/${id}`, patch);

/** Signs identity tokens as the host site would (HS256 with the shared secret, or RS256 with `keys`). */
export async function identitySigner(keys?: { privateKey: string; publicKey: string }) {
  const signer = Fastify();
  await signer.register(
    jwt,
    keys
      ? { secret: { private: keys.privateKey, public: keys.publicKey }, sign: { algorithm: 'RS256' } }
      : { secret: IDENTITY.secret },
  );
  await signer.ready();
  return (claims: Record<string, unknown>) =>
    signer.jwt.sign({
      iss: IDENTITY.issuer,
      aud: IDENTITY.audience,
      sub: 'user-42',
      exp: Math.floor(Date.now() / 1000) + 300,
      ...claims,
    });
}

/** The claims of a JWT, unverified (to look inside the signed data the emulator returns). */
export function decodeJwt(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/**
 * One emulator for a test file (started before all tests, closed after), its faults and request log cleared
 * before each test. Returns a getter: the emulator exists only once `beforeAll` has run.
 */
export function useTestEmulator(options: EmulatorOptions = {}): () => RunningEmulator {
  let emu: RunningEmulator | undefined;
  beforeAll(async () => {
    emu = await startTestEmulator(options);
  });
  afterAll(async () => {
    await emu?.close();
  });
  beforeEach(async () => {
    await clearFaults(current());
    await clearUpstreamLog(current());
  });
  const current = () => {
    if (!emu) throw new Error('the test emulator is not running (use it inside a test)');
    return emu;
  };
  return current;
}

/** The four ways a site may sign identity tokens, with what the middleware is configured with for each. */
export type IdentityKeyMode = 'HS256' | 'RS256' | 'ES256' | 'EdDSA';

/**
 * A signer for `mode` and the IDENTITY_* variables that make the middleware verify it. Tokens are signed with
 * node:crypto directly (no library defaults), so a test decides every claim, including leaving one out.
 */
export function identityKeys(mode: IdentityKeyMode): {
  env: Record<string, string>;
  sign: (claims: Record<string, unknown>) => string;
} {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const common = { IDENTITY_JWT_ISSUER: IDENTITY.issuer, IDENTITY_JWT_AUDIENCE: IDENTITY.audience };
  const signed = (signature: (input: string) => Buffer) => (claims: Record<string, unknown>) => {
    const input = `${enc({ alg: mode, typ: 'JWT' })}.${enc(claims)}`;
    return `${input}.${signature(input).toString('base64url')}`;
  };
  if (mode === 'HS256')
    return {
      env: { ...common, IDENTITY_JWT_SECRET: IDENTITY.secret },
      sign: signed((input) => createHmac('sha256', IDENTITY.secret).update(input).digest()),
    };
  const pair =
    mode === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : mode === 'ES256'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('ed25519');
  const publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return {
    env: { ...common, IDENTITY_JWT_PUBLIC_KEY: publicPem },
    sign: signed((input) =>
      mode === 'EdDSA'
        ? cryptoSign(null, Buffer.from(input), pair.privateKey)
        : cryptoSign('sha256', Buffer.from(input), { key: pair.privateKey, dsaEncoding: 'ieee-p1363' }),
    ),
  };
}
