import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SignJWT } from 'jose';
import type { Connect, Plugin } from 'vite';
import type { DemoConfig } from '../src/demo-config';

/**
 * The demo page's two server routes, in `vite` (dev) and `vite preview` alike:
 * - `GET /demo-config.json`: which middleware(s) and agent console the page talks to (known only at run time, so
 *   one build serves any ports);
 * - `POST /demo-login` `{name, email}` → `{token, expiresAt, user}`: DEMO ONLY, no password. An HS256 identity JWT
 *   signed with the secret the middleware verifies (`IDENTITY_JWT_SECRET`), so authenticated chat can be tried
 *   without a real identity provider. Served only when a secret is configured.
 */

export interface DemoServerOptions {
  serverBaseUrl: string;
  authServerBaseUrl: string | null;
  agentConsoleUrl: string | null;
  /** Signing settings of the demo identity tokens; null turns the demo login off. */
  identity: { secret: string; issuer: string; audience: string } | null;
  /** @default 3600 */
  tokenLifetimeSeconds?: number;
}

/** Defaults match `scripts/dev.ts`: middlewares on 3000 (anonymous) and 3001 (authenticated). */
export const DEMO_IDENTITY_DEFAULTS = {
  issuer: 'genesys-handoff-demo',
  audience: 'genesys-handoff-middleware',
} as const;

/**
 * From the environment: `DEMO_SERVER_BASE_URL`, `DEMO_AUTH_SERVER_BASE_URL`, `DEMO_AGENT_CONSOLE_URL`,
 * `DEMO_IDENTITY_JWT_SECRET` (+ `_ISSUER`, `_AUDIENCE`).
 */
export function demoServerOptionsFromEnv(env: Record<string, string | undefined>): DemoServerOptions {
  const value = (name: string) => (env[name]?.trim() ? env[name]!.trim() : null);
  const secret = value('DEMO_IDENTITY_JWT_SECRET');
  return {
    serverBaseUrl: value('DEMO_SERVER_BASE_URL') ?? 'http://127.0.0.1:3000',
    authServerBaseUrl: value('DEMO_AUTH_SERVER_BASE_URL'),
    agentConsoleUrl: value('DEMO_AGENT_CONSOLE_URL'),
    identity: secret
      ? {
          secret,
          issuer: value('DEMO_IDENTITY_JWT_ISSUER') ?? DEMO_IDENTITY_DEFAULTS.issuer,
          audience: value('DEMO_IDENTITY_JWT_AUDIENCE') ?? DEMO_IDENTITY_DEFAULTS.audience,
        }
      : null,
  };
}

const MAX_BODY_BYTES = 4096;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,185}$/;

export function demoServer(options: DemoServerOptions): Plugin {
  const login = options.identity !== null && options.authServerBaseUrl !== null;
  const config: DemoConfig = {
    serverBaseUrl: options.serverBaseUrl,
    authServerBaseUrl: login ? options.authServerBaseUrl : null,
    agentConsoleUrl: options.agentConsoleUrl,
    login,
  };
  const secret = options.identity ? new TextEncoder().encode(options.identity.secret) : null;
  const lifetime = options.tokenLifetimeSeconds ?? 3600;

  const handle: Connect.NextHandleFunction = (req, res, next) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/demo-config.json' && req.method === 'GET') return json(res, 200, config);
    if (path !== '/demo-login') return next();
    if (!login || !secret || !options.identity)
      return json(res, 404, { error: 'The demo login is off (set DEMO_IDENTITY_JWT_SECRET).' });
    if (req.method !== 'POST') return json(res, 405, { error: 'POST {name, email}' });
    // Same-origin only: another site must not be able to mint identities for this page's visitors.
    if (!sameOrigin(req)) return json(res, 403, { error: 'cross-origin demo login refused' });
    const identity = options.identity;
    readJson(req)
      .then(async (body) => {
        const name = typeof body?.['name'] === 'string' ? body['name'].trim() : '';
        const email = typeof body?.['email'] === 'string' ? body['email'].trim().toLowerCase() : '';
        if (name === '' || name.length > 80) return json(res, 400, { error: 'Enter a name (at most 80 characters).' });
        if (!EMAIL.test(email)) return json(res, 400, { error: 'Enter an email address.' });
        const now = Math.floor(Date.now() / 1000);
        // A fresh nonce in every token: Web Messaging's identity-token exchange takes an ID token with its nonce
        // (each nonce once), and the client reads it from this claim.
        const token = await new SignJWT({ name, email, nonce: randomUUID() })
          .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
          .setSubject(`demo:${email}`)
          .setIssuer(identity.issuer)
          .setAudience(identity.audience)
          .setIssuedAt(now)
          .setExpirationTime(now + lifetime)
          .sign(secret);
        res.setHeader('cache-control', 'no-store');
        return json(res, 200, { token, expiresAt: (now + lifetime) * 1000, user: { name, email } });
      })
      .catch((e: unknown) => json(res, 400, { error: e instanceof Error ? e.message : 'bad request' }));
  };

  return {
    name: 'genesys-handoff-demo-server',
    configureServer: (server) => void server.middlewares.use(handle),
    configurePreviewServer: (server) => void server.middlewares.use(handle),
  };
}

function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

function readJson(req: IncomingMessage): Promise<Record<string, unknown> | null> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      try {
        const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
        resolve(parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : null);
      } catch {
        reject(new Error('the body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}
