import { randomUUID } from 'node:crypto';
import {
  SignJWT,
  errors as joseErrors,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  type CryptoKey,
  type JWK,
  type KeyObject,
} from 'jose';
import type { Clock } from '../clock';
import { DEMO_IDENTITY_PROVIDER, type IdentityProviderConfig } from './deployment';

/** What a verified identity token says about the customer (shown to the agent as signed data). */
export interface Identity {
  sub: string;
  claims: Record<string, unknown>;
}

export type IdentityResult = { ok: true; identity: Identity } | { ok: false; reason: string };

/**
 * The customer's identity provider as authenticated messaging sees it: identity tokens are checked for signature,
 * issuer, audience, expiry and nonce (each nonce once). The built-in demo provider signs tokens for tests and demos.
 */
export class IdentityProviders {
  private readonly usedNonces = new Set<string>();
  private readonly imported = new Map<string, Promise<CryptoKey | KeyObject | Uint8Array>>();

  private constructor(
    private readonly demoPrivate: CryptoKey,
    private readonly demoPublic: CryptoKey,
    readonly demoPublicJwk: JWK,
    private readonly clock: Clock,
  ) {}

  static async create(clock: Clock): Promise<IdentityProviders> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = await exportJWK(publicKey);
    return new IdentityProviders(privateKey, publicKey, { ...jwk, alg: 'RS256', use: 'sig' }, clock);
  }

  /** An identity token of the demo provider (`POST /control/messaging/identity-tokens`). */
  async signDemoToken(input: {
    sub: string;
    nonce?: string;
    audience?: string;
    issuer?: string;
    expiresInSeconds?: number;
    claims?: Record<string, unknown>;
  }): Promise<string> {
    const iat = this.clock.nowSeconds();
    return new SignJWT({ ...input.claims, ...(input.nonce === undefined ? {} : { nonce: input.nonce }) })
      .setProtectedHeader({ alg: 'RS256', kid: 'emulator-demo-idp', typ: 'JWT' })
      .setIssuer(input.issuer ?? DEMO_IDENTITY_PROVIDER.issuer)
      .setAudience(input.audience ?? DEMO_IDENTITY_PROVIDER.audience)
      .setSubject(input.sub)
      .setJti(randomUUID())
      .setIssuedAt(iat)
      .setExpirationTime(iat + (input.expiresInSeconds ?? 300))
      .sign(this.demoPrivate);
  }

  async verify(idp: IdentityProviderConfig, idToken: string, nonce: string): Promise<IdentityResult> {
    let key: CryptoKey | KeyObject | Uint8Array;
    try {
      key = await this.keyOf(idp);
    } catch (e) {
      return { ok: false, reason: `the identity provider's key cannot be used: ${(e as Error).message}` };
    }
    try {
      const { payload } = await jwtVerify(idToken, key, {
        issuer: idp.issuer,
        audience: idp.audience,
        currentDate: new Date(this.clock.now()),
      });
      if (typeof payload.sub !== 'string' || payload.sub === '')
        return { ok: false, reason: 'the identity token has no sub' };
      if (payload['nonce'] !== nonce) return { ok: false, reason: 'the nonce does not match the identity token' };
      const key2 = `${idp.issuer} ${nonce}`;
      if (this.usedNonces.has(key2)) return { ok: false, reason: 'the nonce was used already' };
      this.usedNonces.add(key2);
      return { ok: true, identity: { sub: payload.sub, claims: { ...payload } } };
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired) return { ok: false, reason: 'the identity token has expired' };
      if (e instanceof joseErrors.JWTClaimValidationFailed)
        return { ok: false, reason: `the identity token's ${e.claim} claim is not accepted` };
      return { ok: false, reason: `the identity token is not valid: ${(e as Error).message}` };
    }
  }

  private keyOf(idp: IdentityProviderConfig): Promise<CryptoKey | KeyObject | Uint8Array> {
    if (!idp.publicKeyJwk) return Promise.resolve(this.demoPublic);
    const id = JSON.stringify(idp.publicKeyJwk);
    let k = this.imported.get(id);
    if (!k) {
      const jwk = idp.publicKeyJwk as JWK;
      k = importJWK(jwk, typeof jwk.alg === 'string' ? jwk.alg : 'RS256');
      this.imported.set(id, k);
    }
    return k;
  }
}
