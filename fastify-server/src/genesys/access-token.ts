import { toUpstreamError, type UpstreamError } from './upstream-error';

export interface TokenGrant {
  accessToken: string;
  /** Lifetime from now, from the token response's `expires_in`. */
  expiresInMs: number;
}

export interface AccessTokenOptions {
  /** Performs the client-credentials login (and installs the token in the SDK client). */
  login: () => Promise<TokenGrant>;
  /** @default Date.now */
  now?: () => number;
  /** Fetch a new token this long before expiry: 10 % of the lifetime, at most this. @default 300000 (5 min) */
  maxRefreshMarginMs?: number;
  /** After a rejected login (bad credentials), fail fast for this long instead of hammering the login endpoint. @default 5000 */
  failureCooldownMs?: number;
}

interface Current {
  token: string;
  refreshAt: number;
  expiresAt: number;
}

/**
 * The process's one client-credentials token (platform reference §1.2): fetched lazily, shared, renewed ahead of
 * expiry without making callers wait, renewed after a 401, and never fetched twice at once (single flight).
 */
export class AccessTokenManager {
  private current: Current | undefined;
  private inflight: Promise<string> | undefined;
  private failure: { error: UpstreamError; until: number } | undefined;
  private readonly now: () => number;
  private readonly maxMarginMs: number;
  private readonly cooldownMs: number;
  /** Logins performed (for logs and tests). */
  logins = 0;

  constructor(private readonly options: AccessTokenOptions) {
    this.now = options.now ?? Date.now;
    this.maxMarginMs = options.maxRefreshMarginMs ?? 300_000;
    this.cooldownMs = options.failureCooldownMs ?? 5000;
  }

  /** A token that is valid now (by our clock). */
  get(): Promise<string> {
    const cur = this.current;
    const t = this.now();
    if (cur && t < cur.refreshAt) return Promise.resolve(cur.token);
    if (cur && t < cur.expiresAt) {
      // Still valid: renew in the background so no request waits for the login.
      this.renew().catch(() => undefined);
      return Promise.resolve(cur.token);
    }
    return this.renew();
  }

  /**
   * Forget `token` after Genesys answered 401 to it. Only the token that failed is dropped: a caller whose request
   * raced a renewal must not throw away the new token (and cause a second login).
   */
  invalidate(token: string): void {
    if (this.current?.token === token) this.current = undefined;
  }

  private renew(): Promise<string> {
    if (this.inflight) return this.inflight;
    if (this.failure && this.now() < this.failure.until) return Promise.reject(this.failure.error);
    const started = this.now();
    this.logins += 1;
    const login: Promise<string> = Promise.resolve()
      .then(() => this.options.login())
      .then(
        (grant) => {
          const lifetime = Math.max(0, grant.expiresInMs);
          const margin = Math.min(this.maxMarginMs, lifetime * 0.1);
          this.current = {
            token: grant.accessToken,
            expiresAt: started + lifetime,
            refreshAt: started + lifetime - margin,
          };
          this.failure = undefined;
          return grant.accessToken;
        },
        (raw: unknown) => {
          const error = toUpstreamError(raw, 'login');
          // Wrong credentials do not fix themselves; transient failures are retried by the caller's retry loop.
          if (error.failure.kind === 'unauthorized' || error.failure.kind === 'rejected')
            this.failure = { error, until: this.now() + this.cooldownMs };
          throw error;
        },
      )
      .finally(() => {
        if (this.inflight === login) this.inflight = undefined;
      });
    this.inflight = login;
    return login;
  }
}
