import jwt from '@fastify/jwt';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { IdentityConfig } from '../config';
import { Errors } from '../errors';
import { lifetimeProblem } from '../identity/token-lifetime';

/** The signed-in user of the host site, as its identity token asserts. */
export interface VerifiedIdentity {
  sub: string;
  name?: string;
  email?: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** False when authenticated chat is not configured. */
    identityEnabled: boolean;
    /** Verifies the request's bearer identity token; throws IDENTITY_REQUIRED / IDENTITY_INVALID (401). */
    verifyIdentity(request: FastifyRequest): Promise<VerifiedIdentity>;
  }
  interface FastifyRequest {
    identity?: VerifiedIdentity;
  }
}

export interface IdentityPluginOptions {
  identity: IdentityConfig | null;
}

const HMAC = ['HS256', 'HS384', 'HS512'] as const;

/** What a refused claim is called in the answer. */
const CLAIM_NAMES: Record<string, string> = {
  iss: 'issuer ("iss")',
  aud: 'audience ("aud")',
  sub: 'subject ("sub")',
  exp: 'expiry ("exp")',
  iat: 'issue time ("iat")',
  nbf: 'start time ("nbf")',
};

/**
 * Identity of the host site's user, from a JWT the site issues (a shared secret, or the site's public key so the
 * middleware can only verify). Issuer, audience, subject and expiry are required (a token the site signed for
 * another purpose or another service has another or no `iss`/`aud`); the lifetime is capped; "none" and algorithm
 * swaps fail.
 */
export default fp<IdentityPluginOptions>(
  async (app, { identity }) => {
    app.decorateRequest('identity', undefined);
    if (!identity) {
      app.decorate('identityEnabled', false);
      app.decorate('verifyIdentity', async (): Promise<VerifiedIdentity> => {
        throw new Errors.AuthChatDisabled();
      });
      return;
    }

    await app.register(jwt, {
      secret: identity.secret ?? { public: identity.publicKey ?? '' },
      verify: {
        allowedIss: identity.issuer,
        allowedAud: identity.audience,
        // allowedIss/allowedAud only compare a claim that is present: without these a token lacking them passes.
        requiredClaims: ['iss', 'aud', 'sub', 'exp'],
        clockTolerance: identity.clockToleranceMs,
        // With a public key fast-jwt derives the allowed algorithms from the key type.
        ...(identity.secret ? { algorithms: [...HMAC] } : {}),
      },
    });

    app.decorate('identityEnabled', true);
    app.decorate('verifyIdentity', async (request: FastifyRequest): Promise<VerifiedIdentity> => {
      if (!request.headers.authorization) throw new Errors.IdentityRequired();
      let claims: Record<string, unknown>;
      try {
        claims = await request.jwtVerify<Record<string, unknown>>();
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'FST_JWT_NO_AUTHORIZATION_IN_HEADER') throw new Errors.IdentityRequired();
        if (code === 'FST_JWT_AUTHORIZATION_TOKEN_EXPIRED')
          throw new Errors.IdentityInvalid('has expired; get a new one from the site');
        throw new Errors.IdentityInvalid(describeRefusal(e));
      }
      const lifetime = lifetimeProblem(claims, Date.now(), identity);
      if (lifetime) throw new Errors.IdentityInvalid(lifetime);
      const { sub, name, email } = claims;
      if (typeof sub !== 'string' || sub === '' || sub.length > 256)
        throw new Errors.IdentityInvalid('has no usable subject ("sub")');
      const verified: VerifiedIdentity = { sub };
      // Optional display claims: kept only when they are sane strings, as the agent sees them.
      if (typeof name === 'string' && name !== '' && name.length <= 256) verified.name = name;
      if (typeof email === 'string' && email !== '' && email.length <= 320) verified.email = email;
      request.identity = verified;
      return verified;
    });
  },
  { name: 'identity' },
);

/** A precise reason for the claims fast-jwt names ("The iss claim is required."); the rest stays generic. */
function describeRefusal(e: unknown): string {
  const message = e instanceof Error ? e.message : '';
  const claim = /The (\w+) claim/.exec(message)?.[1];
  const name = claim === undefined ? undefined : CLAIM_NAMES[claim];
  if (name === undefined) return 'is not valid (signature, issuer, audience or format)';
  if (/is required/.test(message)) return `is not valid: it has no ${name}`;
  if (/is not allowed/.test(message)) return `is not valid: its ${name} is not the one this server expects`;
  return `is not valid: its ${name} is malformed`;
}
