import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, errors as joseErrors, generateKeyPair, jwtVerify, type CryptoKey } from 'jose';
import type { Clock } from './clock';

export const GUEST_JWT_ISSUER = 'urn:purecloud:webchat';
/** Issuer of signed-data JWTs. Genesys does not document the claims of `POST /api/v2/signeddata`; this is our choice. */
export const SIGNED_DATA_ISSUER = 'urn:purecloud:signeddata';

/** Issuer of the history JWT of `getJwt` (undocumented claims; the emulator's choice). */
export const MESSAGING_JWT_ISSUER = 'urn:purecloud:webmessaging';
/** Issuer of the authenticated-messaging JWT of the code exchange (undocumented claims; the emulator's choice). */
export const MESSAGING_AUTH_ISSUER = 'urn:purecloud:webmessaging:auth';

export interface GuestClaims {
  conv: string;
  did: string;
  sub: string;
  org: string;
  exp: number;
}

export type VerifyResult<T> = { ok: true; claims: T } | { ok: false; reason: 'expired' | 'invalid'; detail: string };

/** Signs and verifies the emulator's JWTs with one RS256 key pair made at start (real guest JWTs are RS256 with a `kid`). */
export class TokenService {
  private constructor(
    private readonly privateKey: CryptoKey,
    private readonly publicKey: CryptoKey,
    private readonly kid: string,
    private readonly clock: Clock,
  ) {}

  static async create(clock: Clock): Promise<TokenService> {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    return new TokenService(privateKey, publicKey, randomUUID(), clock);
  }

  /** A guest chat JWT with the payload shape of the real samples (docs/guest-chat-protocol.md, "Errors, close codes and tokens"). */
  async mintGuestJwt(c: {
    conv: string;
    did: string;
    sub: string;
    org: string;
    lifetimeSeconds: number;
  }): Promise<string> {
    const iat = this.clock.nowSeconds();
    return new SignJWT({ data: { conv: c.conv, did: c.did, sub: c.sub }, org: c.org })
      .setProtectedHeader({ alg: 'RS256', kid: this.kid, typ: 'JWT' })
      .setIssuer(GUEST_JWT_ISSUER)
      .setIssuedAt(iat)
      .setExpirationTime(iat + c.lifetimeSeconds)
      .sign(this.privateKey);
  }

  async verifyGuestJwt(token: string): Promise<VerifyResult<GuestClaims>> {
    const r = await this.verify(token, GUEST_JWT_ISSUER);
    if (!r.ok) return r;
    const p = r.claims;
    const data = p['data'] as Record<string, unknown> | undefined;
    if (
      !data ||
      typeof data['conv'] !== 'string' ||
      typeof data['did'] !== 'string' ||
      typeof data['sub'] !== 'string' ||
      typeof p['org'] !== 'string'
    ) {
      return { ok: false, reason: 'invalid', detail: 'the token has no data.conv/did/sub or org claim' };
    }
    return {
      ok: true,
      claims: { conv: data['conv'], did: data['did'], sub: data['sub'], org: p['org'], exp: Number(p['exp']) },
    };
  }

  /** `POST /api/v2/signeddata`: signs whatever JSON object the caller sends, under `data`. */
  async signData(data: Record<string, unknown>, org: string, lifetimeSeconds: number): Promise<string> {
    return this.signClaims({ data, org }, SIGNED_DATA_ISSUER, lifetimeSeconds);
  }

  async verifySignedData(token: string): Promise<VerifyResult<{ data: Record<string, unknown>; org: string }>> {
    const r = await this.verify(token, SIGNED_DATA_ISSUER);
    if (!r.ok) return r;
    const data = r.claims['data'];
    const org = r.claims['org'];
    if (typeof data !== 'object' || data === null || Array.isArray(data) || typeof org !== 'string') {
      return { ok: false, reason: 'invalid', detail: 'the token carries no signed data' };
    }
    return { ok: true, claims: { data: data as Record<string, unknown>, org } };
  }

  /** A JWT of the emulator's own key with `claims`, for `issuer`, valid `lifetimeSeconds` from the emulator's now. */
  async signClaims(claims: Record<string, unknown>, issuer: string, lifetimeSeconds: number): Promise<string> {
    const iat = this.clock.nowSeconds();
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: this.kid, typ: 'JWT' })
      .setIssuer(issuer)
      .setJti(randomUUID())
      .setIssuedAt(iat)
      .setExpirationTime(iat + lifetimeSeconds)
      .sign(this.privateKey);
  }

  /** Verifies a JWT of `signClaims` for `issuer` (signature, issuer, expiry on the emulator's clock). */
  verifyClaims(token: string, issuer: string): Promise<VerifyResult<Record<string, unknown>>> {
    return this.verify(token, issuer);
  }

  /** An opaque client-credentials access token (Genesys' are opaque too). */
  static opaqueToken(): string {
    return randomBytes(32).toString('base64url');
  }

  private async verify(token: string, issuer: string): Promise<VerifyResult<Record<string, unknown>>> {
    try {
      const { payload } = await jwtVerify(token, this.publicKey, {
        issuer,
        algorithms: ['RS256'],
        currentDate: new Date(this.clock.now()),
      });
      return { ok: true, claims: payload as Record<string, unknown> };
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired) return { ok: false, reason: 'expired', detail: 'the token has expired' };
      return {
        ok: false,
        reason: 'invalid',
        detail: e instanceof Error ? e.message : 'the token could not be verified',
      };
    }
  }
}

/** Reads the payload of a JWT without verifying it (to name the conversation in a 4100 close reason). */
export function peekConversationId(token: string): string | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as { data?: { conv?: unknown } };
    return typeof payload.data?.conv === 'string' ? payload.data.conv : undefined;
  } catch {
    return undefined;
  }
}
