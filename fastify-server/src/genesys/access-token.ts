import { setTimeout as sleepFor } from 'node:timers/promises';
import { tokenFingerprint, type SharedTokenStore, type StoredToken } from '../fleet/shared-token';
import { LoginPace, type LoginPaceStore } from './login-pace';
import { UpstreamError, toUpstreamError, type UpstreamFailure } from './upstream-error';

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
  /** The fleet's login pace in Redis (`fleet/shared-login-pace.ts`); absent or unusable: this instance's own. */
  sharedPace?: LoginPaceStore;
  /**
   * The fleet's token in Redis: one instance logs in for all, the others take its token; a 401 drops it for all.
   * Absent (no `REDIS_URL`), or whenever Redis is unusable: this instance logs in for itself.
   */
  shared?: SharedTokenStore;
  /** Installs a token another instance obtained in the SDK client (the login installs its own). */
  install?: (token: string) => void;
  /** Longest wait for another instance's login before logging in ourselves (it died or hangs). @default 10000 */
  sharedLoginWaitMs?: number;
  /** How often a waiting instance looks for the token another one is fetching. @default 50 */
  sharedPollMs?: number;
  /** Told of every token taken into use and every failed login (metrics). */
  onRenewal?: (source: 'login' | 'shared', outcome: 'ok' | 'failed') => void;
  /** Told of every login the pace did not let through (metrics). */
  onPaced?: () => void;
}

interface Current {
  token: string;
  refreshAt: number;
  expiresAt: number;
}

/**
 * The process's one client-credentials token (docs/platform-api.md, "OAuth client credentials"): fetched lazily, shared, renewed ahead of
 * expiry without making callers wait, renewed after a 401, and never fetched twice at once (single flight). With a
 * shared store the same holds for the whole fleet: a new token is taken from Redis when another instance has one,
 * and only the instance that claims the renewal logs in.
 */
export class AccessTokenManager {
  private current: Current | undefined;
  private inflight: Promise<string> | undefined;
  private readonly now: () => number;
  private readonly maxMarginMs: number;
  /** Single flight is not enough when logins fail: every failure pauses the next one (`login-pace.ts`). */
  readonly pace: LoginPace;
  /** The last token Genesys refused: never taken from the shared store again. */
  private refused: string | undefined;
  /** Logins performed (for logs and tests). */
  logins = 0;
  /** Tokens dropped after a 401, here or at another instance (for logs and tests). */
  dropped = 0;

  constructor(private readonly options: AccessTokenOptions) {
    this.now = options.now ?? Date.now;
    this.maxMarginMs = options.maxRefreshMarginMs ?? 300_000;
    this.pace = new LoginPace(options.sharedPace);
    // Another instance got a 401 for the token we hold too: stop using it before Genesys refuses us as well.
    options.shared?.onInvalidated((fingerprint) => {
      if (this.current && tokenFingerprint(this.current.token) === fingerprint) {
        this.refused = this.current.token;
        this.current = undefined;
        this.dropped += 1;
      }
    });
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
    if (this.current?.token === token) {
      this.current = undefined;
      this.dropped += 1;
    }
    this.refused = token;
    // Every instance drops it (compare-and-delete in Redis, then a message); our own renewal skips it meanwhile.
    this.options.shared?.invalidate(token).catch(() => undefined);
  }

  private renew(): Promise<string> {
    if (this.inflight) return this.inflight;
    const renewal: Promise<string> = this.obtain().finally(() => {
      if (this.inflight === renewal) this.inflight = undefined;
    });
    this.inflight = renewal;
    return renewal;
  }

  /** The fleet's token when another instance has a fresh one, else a login (claimed for the fleet when possible). */
  private async obtain(): Promise<string> {
    const shared = this.options.shared;
    if (shared) {
      const waitMs = this.options.sharedLoginWaitMs ?? 10_000;
      const giveUpAt = this.now() + waitMs;
      for (;;) {
        const stored = await shared.read();
        if (stored === undefined) break;
        if (this.fresh(stored)) return this.adopt(stored);
        const claimed = await shared.claimRenewal(waitMs);
        if (claimed === undefined) break;
        if (claimed) {
          // Another instance may have stored its token and let go of the claim between our read and our claim.
          const again = await shared.read();
          if (again && this.fresh(again)) {
            await shared.releaseRenewal();
            return this.adopt(again);
          }
          return this.login(shared);
        }
        // Another instance is logging in: wait for its token, but not longer than a login may take.
        if (this.now() >= giveUpAt) break;
        await sleepFor(this.options.sharedPollMs ?? 50);
      }
    }
    return this.login(undefined);
  }

  private fresh(stored: StoredToken | null): stored is StoredToken {
    return stored !== null && stored.token !== this.refused && this.now() < stored.refreshAt;
  }

  private adopt(stored: StoredToken): string {
    this.options.install?.(stored.token);
    this.current = { token: stored.token, refreshAt: stored.refreshAt, expiresAt: stored.expiresAt };
    this.options.onRenewal?.('shared', 'ok');
    return stored.token;
  }

  /** Logs in; with `shared`, this instance holds the fleet's claim and stores the token for the others. */
  private async login(shared: SharedTokenStore | undefined): Promise<string> {
    const started = this.now();
    const admission = await this.pace.admit(started);
    if (!admission.admitted) {
      await shared?.releaseRenewal();
      this.options.onPaced?.();
      throw pausedLogin(admission.failure, admission.retryInMs);
    }
    this.logins += 1;
    let grant: TokenGrant;
    try {
      grant = await this.options.login();
    } catch (raw) {
      this.options.onRenewal?.('login', 'failed');
      await shared?.releaseRenewal();
      const error = toUpstreamError(raw, 'login');
      const pause = await this.pace.failed(this.now(), error.failure);
      throw new UpstreamError('login', error.failure, error.attempts, pause);
    }
    await this.pace.succeeded();
    const lifetime = Math.max(0, grant.expiresInMs);
    const margin = Math.min(this.maxMarginMs, lifetime * 0.1);
    this.current = { token: grant.accessToken, expiresAt: started + lifetime, refreshAt: started + lifetime - margin };
    this.options.onRenewal?.('login', 'ok');
    // Stored even when Redis was unusable at the start of the renewal: it may be back, and the token is good.
    await this.options.shared?.write(this.current);
    return grant.accessToken;
  }
}

/**
 * The answer to a caller whose login the pace holds back: the last login failure (a 429 with the time left as its
 * wait), or "unavailable" when this instance knows none (the window is full of successful logins).
 */
function pausedLogin(failure: UpstreamFailure | undefined, retryInMs: number): UpstreamError {
  const f: UpstreamFailure =
    failure === undefined
      ? { kind: 'unavailable' }
      : failure.kind === 'rate-limited'
        ? { ...failure, retryAfterMs: retryInMs }
        : failure;
  return new UpstreamError('login', f, 0, retryInMs);
}
