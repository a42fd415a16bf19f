import { createHash, randomBytes, randomUUID } from 'node:crypto';
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

/** An authorization code of the demo provider, waiting to be redeemed once. */
interface IssuedCode {
  identity: Identity;
  redirectUri: string;
  /** PKCE (S256): base64url of the SHA-256 of the verifier the redeemer must show. */
  codeChallenge: string | undefined;
  expiresAt: number;
}

/** How long an authorization code can be redeemed (OAuth 2.0 recommends at most 10 minutes). */
const CODE_LIFETIME_MS = 60_000;

/**
 * The customer's identity provider as authenticated messaging sees it: identity tokens are checked for signature,
 * issuer, audience, expiry and nonce (each nonce once). The built-in demo provider signs tokens for tests and demos.
 */
export class IdentityProviders {
  private readonly usedNonces = new Set<string>();
  private readonly codes = new Map<string, IssuedCode>();
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

  /**
   * An authorization code of the demo provider (`POST /control/messaging/authorization-codes`): what the provider's
   * sign-in page gives the site after the customer signs in, for the given redirect URI and PKCE challenge.
   */
  issueDemoCode(input: {
    sub: string;
    redirectUri: string;
    codeChallenge?: string;
    claims?: Record<string, unknown>;
  }): string {
    const code = randomBytes(24).toString('base64url');
    this.codes.set(code, {
      identity: { sub: input.sub, claims: { ...input.claims, sub: input.sub } },
      redirectUri: input.redirectUri,
      codeChallenge: input.codeChallenge,
      expiresAt: this.clock.now() + CODE_LIFETIME_MS,
    });
    return code;
  }

  /**
   * Redeems an authorization code as Genesys does at the provider's token endpoint: once, before it expires, for
   * the redirect URI it was issued for, with the PKCE verifier when it was issued with a challenge. Only the demo
   * provider's codes: the emulator cannot reach a site's own provider.
   */
  redeem(idp: IdentityProviderConfig, code: string, redirectUri: string, codeVerifier?: string): IdentityResult {
    if (idp.publicKeyJwk)
      return { ok: false, reason: "the emulator redeems codes of its demo provider only, not of a site's own" };
    const issued = this.codes.get(code);
    this.codes.delete(code);
    if (!issued) return { ok: false, reason: 'the authorization code is not valid or was used already' };
    if (this.clock.now() > issued.expiresAt) return { ok: false, reason: 'the authorization code has expired' };
    if (issued.redirectUri !== redirectUri)
      return { ok: false, reason: 'the redirect URI is not the one the code was issued for' };
    if (issued.codeChallenge !== undefined) {
      if (!codeVerifier) return { ok: false, reason: 'the code verifier is missing (PKCE)' };
      if (createHash('sha256').update(codeVerifier).digest('base64url') !== issued.codeChallenge)
        return { ok: false, reason: 'the code verifier does not match the code challenge (PKCE)' };
    }
    return { ok: true, identity: issued.identity };
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
