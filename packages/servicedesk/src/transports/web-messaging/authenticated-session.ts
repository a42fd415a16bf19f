import { GenesysApiError, ServiceDeskError } from '../../errors';
import type { IdentityCredential } from '../chat-transport';
import { isRecord, str } from '../parse-json';

/** The `oauth` part of the identity-token exchange. */
type OAuthParams = { idToken: string; nonce: string } | { code: string; redirectUri: string; codeVerifier?: string };

export interface AuthEndpoints {
  /** The REST origin, e.g. `https://api.mypurecloud.ie` or the emulator's URL. */
  apiBaseUrl: string;
  deploymentId: string;
  fetch: typeof fetch;
}

/**
 * The Genesys credentials of an authenticated Web Messaging session: the JWT that `configureAuthenticatedSession`
 * carries and the refresh token that renews it (a 401 means the JWT expired). Only the refresh token is kept for a
 * reload; the JWT is fetched again with it.
 */
export class AuthenticatedSession {
  private constructor(
    private readonly endpoints: AuthEndpoints,
    readonly refreshToken: string,
    private jwt: string | undefined,
  ) {}

  /** Exchanges the site's identity at Genesys (`oauthcodegrantjwtexchange`, no authorization header). */
  static async exchange(endpoints: AuthEndpoints, identity: IdentityCredential): Promise<AuthenticatedSession> {
    const body = await post(endpoints, 'identity exchange', '/api/v2/webdeployments/token/oauthcodegrantjwtexchange', {
      deploymentId: endpoints.deploymentId,
      oauth: oauthParams(identity),
    });
    const jwt = str(body['jwt']);
    const refreshToken = str(body['refreshToken']);
    if (!jwt || !refreshToken)
      throw new GenesysApiError('identity exchange', { detail: 'the answer lacks jwt or refreshToken' });
    return new AuthenticatedSession(endpoints, refreshToken, jwt);
  }

  /** A session restored after a reload from its refresh token; the JWT is fetched when first needed. */
  static restore(endpoints: AuthEndpoints, refreshToken: string): AuthenticatedSession {
    return new AuthenticatedSession(endpoints, refreshToken, undefined);
  }

  /** The JWT for `configureAuthenticatedSession` (renewed first when there is none). */
  async currentJwt(): Promise<string> {
    return this.jwt ?? this.refresh();
  }

  /** A new JWT from the refresh token (`token/refresh`); rejects when Genesys no longer accepts the refresh token. */
  async refresh(): Promise<string> {
    const body = await post(this.endpoints, 'token refresh', '/api/v2/webdeployments/token/refresh', {
      refreshToken: this.refreshToken,
    });
    const jwt = str(body['jwt']);
    if (!jwt) throw new GenesysApiError('token refresh', { detail: 'the answer lacks jwt' });
    this.jwt = jwt;
    return jwt;
  }

  /**
   * Signs the customer out at Genesys (`token/revoke`): every connection of their authenticated sessions gets
   * LogoutEvent, and the refresh token stops working.
   */
  async revoke(): Promise<void> {
    const jwt = await this.currentJwt();
    const url = `${this.endpoints.apiBaseUrl.replace(/\/+$/, '')}/api/v2/webdeployments/token/revoke`;
    let res: Response;
    try {
      res = await this.endpoints.fetch(url, { method: 'DELETE', headers: { authorization: `Bearer ${jwt}` } });
    } catch (e) {
      throw new GenesysApiError('sign-out', { cause: e });
    }
    if (!res.ok) throw new GenesysApiError('sign-out', { status: res.status });
  }
}

/** The identity as the exchange's `oauth`: a bare ID token's nonce is its own `nonce` claim. */
function oauthParams(identity: IdentityCredential): OAuthParams {
  if (typeof identity !== 'string') return identity;
  const nonce = jwtClaim(identity, 'nonce');
  if (!nonce) {
    throw new ServiceDeskError(
      'IDENTITY_UNAVAILABLE',
      'the identity token has no nonce claim: give getIdentityToken an { idToken, nonce } (or an authorization code)',
    );
  }
  return { idToken: identity, nonce };
}

/** A string claim of a JWT's payload, read without verifying it (Genesys verifies the token). */
function jwtClaim(jwt: string, claim: string): string | undefined {
  const payload = jwt.split('.')[1];
  if (!payload) return undefined;
  try {
    const b64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(b64.padEnd(Math.ceil(b64.length / 4) * 4, '=')), (c) => c.charCodeAt(0));
    const json: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return isRecord(json) ? str(json[claim]) : undefined;
  } catch {
    return undefined;
  }
}

async function post(
  endpoints: AuthEndpoints,
  operation: string,
  path: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await endpoints.fetch(`${endpoints.apiBaseUrl.replace(/\/+$/, '')}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
  } catch (e) {
    throw new GenesysApiError(operation, { cause: e });
  }
  let json: unknown;
  try {
    json = await res.json();
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const detail = isRecord(json) ? str(json['message']) : undefined;
    const genesysCode = isRecord(json) ? str(json['code']) : undefined;
    throw new GenesysApiError(operation, {
      status: res.status,
      ...(genesysCode ? { genesysCode } : {}),
      ...(detail ? { detail } : {}),
    });
  }
  if (!isRecord(json)) throw new GenesysApiError(operation, { status: res.status, detail: 'not a JSON object' });
  return json;
}
