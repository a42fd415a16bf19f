import { backoffDelay, type BackoffConfig } from './backoff';
import type { UpstreamFailure } from './upstream-error';

/**
 * How often the client-credentials login may be tried (README "Bounds on upstream faults"). A failing token
 * endpoint must not be hammered by every request that needs a token: logins are single-flight (`access-token.ts`),
 * each failure of any kind pauses the next attempt, and a sliding window caps the attempts whatever the pauses.
 * With Redis the pace is the fleet's (`fleet/shared-login-pace.ts`); while Redis is unusable each instance paces itself.
 */

/** At most this many login attempts (successes, failures and retries alike) in any {@link LOGIN_WINDOW_MS}. */
export const LOGIN_ATTEMPTS_PER_WINDOW = 3;
export const LOGIN_WINDOW_MS = 10_000;

/**
 * The pause after the n-th failed login in a row: 1 s, 2 s, 4 s, 8 s, then 10 s; no jitter, as the fleet shares one
 * pause. A 429's (bounded) Retry-After is waited for when it is longer. So a healed token endpoint is tried again
 * within 10 s, and the first login that succeeds serves everyone at once.
 */
export const LOGIN_BACKOFF: BackoffConfig = { initialMs: 1000, maxMs: 10_000, jitter: 0 };

/** The pause a failed login starts, when it is the `failures`-th in a row. */
export function loginPauseMs(failures: number, failure: UpstreamFailure): number {
  const backoff = backoffDelay(failures, LOGIN_BACKOFF);
  return failure.kind === 'rate-limited' ? Math.max(backoff, failure.retryAfterMs) : backoff;
}

export type LoginAdmission =
  | { admitted: true }
  /** Not now: try again in `retryInMs`; `failure` is the last login failure, when one is known. */
  | { admitted: false; retryInMs: number; failure: UpstreamFailure | undefined };

/** Where the pace is kept. `undefined` from a method: the store is unusable now (Redis down); ask the next one. */
export interface LoginPaceStore {
  /** Admits one attempt now and records it, unless a pause runs or the window is full. */
  admit(now: number): Promise<LoginAdmission | undefined>;
  /** Records a failed login and starts the pause `pauseMs(failures in a row)`; resolves with that pause. */
  failed(now: number, failure: UpstreamFailure): Promise<number | undefined>;
  /** A login succeeded: no pause, the count of failures in a row starts again. */
  succeeded(): Promise<void>;
}

/** The pace in this process's memory: alone, or while the fleet's store is unusable. */
export class MemoryLoginPace implements LoginPaceStore {
  private readonly attempts: number[] = [];
  private failures = 0;
  private pausedUntil = Number.NEGATIVE_INFINITY;
  private failure: UpstreamFailure | undefined;

  async admit(now: number): Promise<LoginAdmission> {
    const refusal = this.refusal(now);
    if (refusal) return refusal;
    this.attempts.push(now);
    return { admitted: true };
  }

  async failed(now: number, failure: UpstreamFailure): Promise<number> {
    this.failures += 1;
    const pause = loginPauseMs(this.failures, failure);
    this.pause(now + pause, failure);
    return pause;
  }

  async succeeded(): Promise<void> {
    this.failures = 0;
    this.pausedUntil = Number.NEGATIVE_INFINITY;
    this.failure = undefined;
  }

  /** An attempt the fleet admitted: counted here too, so a fallback to memory keeps the window. */
  record(now: number): void {
    this.prune(now);
    this.attempts.push(now);
  }

  /** A pause the fleet is in (another instance's failure), held here too. */
  pause(until: number, failure: UpstreamFailure | undefined): void {
    this.pausedUntil = Math.max(this.pausedUntil, until);
    if (failure) this.failure = failure;
  }

  /** Milliseconds until a login may be tried (0: now), for the metrics. */
  waitMs(now: number): number {
    return this.refusal(now)?.retryInMs ?? 0;
  }

  private refusal(now: number): Extract<LoginAdmission, { admitted: false }> | undefined {
    if (now < this.pausedUntil) return { admitted: false, retryInMs: this.pausedUntil - now, failure: this.failure };
    this.prune(now);
    const oldest = this.attempts[0];
    if (oldest !== undefined && this.attempts.length >= LOGIN_ATTEMPTS_PER_WINDOW)
      return { admitted: false, retryInMs: oldest + LOGIN_WINDOW_MS - now, failure: this.failure };
    return undefined;
  }

  private prune(now: number): void {
    while (this.attempts.length > 0 && (this.attempts[0] ?? 0) <= now - LOGIN_WINDOW_MS) this.attempts.shift();
  }
}

/** The fleet's pace when its store answers, this process's otherwise; both kept in step. */
export class LoginPace {
  readonly local = new MemoryLoginPace();

  constructor(private readonly shared?: LoginPaceStore) {}

  async admit(now: number): Promise<LoginAdmission> {
    const fleet = await this.shared?.admit(now);
    if (fleet === undefined) return this.local.admit(now);
    if (fleet.admitted) this.local.record(now);
    else this.local.pause(now + fleet.retryInMs, fleet.failure);
    return fleet;
  }

  async failed(now: number, failure: UpstreamFailure): Promise<number> {
    const local = await this.local.failed(now, failure);
    return (await this.shared?.failed(now, failure)) ?? local;
  }

  async succeeded(): Promise<void> {
    await Promise.all([this.local.succeeded(), this.shared?.succeeded()]);
  }
}
