import type { MediaType } from '../config';
import { Errors } from '../errors';
import type { CallOptions, GenesysPlatform, PlatformLogger } from '../genesys/platform-client';
import { timeLeft } from '../genesys/deadline';
import { UpstreamError } from '../genesys/upstream-error';
import type { AvailabilityLease, SharedQueueState } from '../fleet/availability-lease';
import { summarizeObservations, type ObservationSummary } from './observation-summary';
import { CallBudget } from './call-budget';
import type { QueueDirectory } from './queue-directory';
import { pickWaitSeconds } from './wait-time';

export interface AvailabilityProviderOptions {
  platform: Pick<GenesysPlatform, 'queueObservations' | 'estimatedWaitTime'>;
  directory: QueueDirectory;
  mediaType: MediaType;
  /**
   * Pace of upstream calls per queue: on average one call per interval, so at most 60 000 / interval calls a
   * minute (12 at the default) however many customers ask. @default 5000
   */
  refreshIntervalMs: number;
  /** How old a value may get while refreshes fail before callers get the error instead. @default 60000 */
  maxStalenessMs: number;
  logger: PlatformLogger;
  now?: () => number;
  /**
   * Several instances (`REDIS_URL`): the same pacing for the whole fleet. An attempt first takes the queue's lease;
   * the instance that gets it calls Genesys and stores the snapshot, the others take that snapshot. Absent, or
   * while Redis is unusable: this instance paces itself alone.
   */
  lease?: AvailabilityLease;
  /** Longest a caller with nothing to serve waits for another instance's refresh before calling itself. @default 10000 */
  leaseWaitMs?: number;
}

/** What `/availability` is computed from. */
export interface QueueSnapshot {
  observations: ObservationSummary;
  /** Null when unknown (no estimate, or the estimate could not be refreshed for too long). */
  waitSeconds: number | null;
  /** When the oldest value in the snapshot was fetched (ms since the epoch). */
  updatedAt: number;
}

interface Timed<T> {
  value: T;
  at: number;
}

type Part = 'observations' | 'waitTime';

interface QueueState {
  queueName: string;
  /** Known once a lookup found the queue; dropped when Genesys answers 404 for it (deleted or renamed). */
  queueId?: string;
  /** The last snapshot handed out, reused while its parts are the same (callers may cache per snapshot). */
  composed?: {
    observations: Timed<ObservationSummary>;
    waitTime: Timed<number | null> | undefined;
    snapshot: QueueSnapshot;
  };
  observations?: Timed<ObservationSummary>;
  waitTime?: Timed<number | null>;
  /** The last lookup found no queue of that name. */
  missing?: boolean;
  /** Upstream requests for this queue in the last minute, lookups and retries included. */
  budget: CallBudget;
  /** Start of the last upstream attempt (success or not). */
  lastAttemptAt: number;
  /** No new attempt before this: one interval per upstream call made, or a Retry-After. */
  nextAttemptAt: number;
  inflight?: Promise<void>;
  lastError?: UpstreamError;
}

/**
 * Queue statistics shared by every caller, refreshed lazily and coalesced (see README "Coalescing").
 *
 * - Cold (first ask, or nobody asked for a while): one fill looks the queue id up when it is not cached and fetches
 *   observations and wait time together; every concurrent caller awaits that same fill (single flight).
 * - Warm: callers get the cached values at once. When the last attempt is an interval old, one background refresh
 *   makes ONE upstream call, for whichever value is older, so the two alternate and each is at most about two
 *   intervals old. Upstream calls are paced at one per interval per queue whatever the load.
 * - Failures: the last good values are served for up to `maxStalenessMs`; after that observations failures reach
 *   the caller (mapped to 502/503/504) and an unrefreshable wait time becomes null. Nothing refreshes while nobody asks.
 */
export class AvailabilityProvider {
  /** Keyed by queue name: the lookup is an upstream call like the others, so it is paced per queue too. */
  private readonly queues = new Map<string, QueueState>();
  private readonly now: () => number;
  /** After this long without an attempt, the cache is cold again: nobody was asking, so values are not current. */
  private readonly idleAfterMs: number;
  /** The documented ceiling per queue: one call per interval, 12 a minute at the 5 s default. */
  private readonly callsPerMinute: number;

  constructor(private readonly options: AvailabilityProviderOptions) {
    this.now = options.now ?? Date.now;
    this.idleAfterMs = 3 * options.refreshIntervalMs;
    this.callsPerMinute = Math.max(3, Math.floor(60_000 / options.refreshIntervalMs));
  }

  /**
   * The queue's snapshot for a caller whose answer is due at `deadline` (see genesys/deadline.ts). An attempt this
   * caller starts ends by then; one it joins was started earlier, by a caller whose answer is due earlier.
   */
  async snapshot(queueName: string, deadline?: number): Promise<QueueSnapshot> {
    let s = this.queues.get(queueName);
    if (!s) {
      s = {
        queueName,
        budget: new CallBudget(this.callsPerMinute, 60_000, this.now),
        lastAttemptAt: Number.NEGATIVE_INFINITY,
        nextAttemptAt: Number.NEGATIVE_INFINITY,
      };
      this.queues.set(queueName, s);
    }
    const t = this.now();
    const cold = !s.observations || t - s.lastAttemptAt > this.idleAfterMs;
    // An attempt starts only when the minute's budget has room for its first calls (a lookup when the id is not
    // known, and one call per value it fetches), so no attempt is left half done for lack of budget.
    const needed = (s.queueId === undefined ? 1 : 0) + (cold ? 2 : 1);
    if (!s.inflight && t >= s.nextAttemptAt && s.budget.room() >= needed) {
      const state = s;
      const lease = this.options.lease;
      state.inflight = (lease ? this.leased(state, lease, deadline) : this.attempt(state, cold, deadline)).finally(
        () => {
          state.inflight = undefined;
        },
      );
    }
    // Cold callers, and callers whose cached observations are too old to serve, wait for the upstream call in
    // flight; everyone else is answered from the cache while it runs.
    if (s.inflight && (cold || !this.servable(s.observations, t))) await s.inflight;

    if (s.missing) throw new Errors.QueueNotFound();
    return this.serve(s);
  }

  private attempt(s: QueueState, cold: boolean, deadline: number | undefined): Promise<void> {
    return cold ? this.fill(s, deadline) : this.refreshOne(s, deadline);
  }

  private isCold(s: QueueState, t: number): boolean {
    return !s.observations || t - s.lastAttemptAt > this.idleAfterMs;
  }

  /**
   * An attempt under the fleet's lease: with the lease, the usual fill or refresh, then the result stored for the
   * others; without it, the snapshot another instance stored, and the next look when its lease ends. A caller with
   * nothing servable waits for that instance's result, but never longer than its lease (it then takes the lease
   * itself) nor than `leaseWaitMs`.
   */
  private async leased(s: QueueState, lease: AvailabilityLease, deadline: number | undefined): Promise<void> {
    const interval = this.options.refreshIntervalMs;
    const pollMs = Math.min(250, Math.max(10, Math.floor(interval / 10)));
    const maxPolls = Math.ceil((this.options.leaseWaitMs ?? 10_000) / pollMs);
    let firstSeen: number | undefined;
    for (let polls = 0; ; polls += 1) {
      const t = this.now();
      const got = await lease.acquire(s.queueName, t, t + interval);
      if (got === undefined) return this.attempt(s, this.isCold(s, t), deadline);
      if (got.state) this.adopt(s, got.state);
      if (got.acquired) {
        await this.attempt(s, this.isCold(s, this.now()), deadline);
        await lease.publish(s.queueName, this.toShared(s));
        return;
      }
      s.nextAttemptAt = Math.max(s.nextAttemptAt, got.until);
      firstSeen ??= got.state?.lastAttemptAt ?? Number.NEGATIVE_INFINITY;
      const finished = (got.state?.lastAttemptAt ?? Number.NEGATIVE_INFINITY) !== firstSeen;
      // The gate's holder has stored its outcome (it moves the gate to its next attempt as it does): nothing is in
      // flight, the gate is a pause (calls spent, a Retry-After), and its outcome is this caller's answer.
      const published = got.state !== null && got.state.nextAttemptAt >= got.until;
      if (this.servable(s.observations, this.now()) || s.missing || finished || published) return;
      // Waited long enough, or the caller's deadline has come: the attempt then fails at once as a timeout.
      if (polls >= maxPolls || (deadline !== undefined && timeLeft(deadline) <= pollMs))
        return this.attempt(s, this.isCold(s, this.now()), deadline);
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  /** Takes whatever another instance fetched more recently than this one. */
  private adopt(s: QueueState, shared: SharedQueueState): void {
    const o = shared.observations;
    if (o && (!s.observations || o.at > s.observations.at))
      s.observations = { at: o.at, value: { ...o.value, positions: new Map(o.value.positions) } };
    const w = shared.waitTime;
    if (w && (!s.waitTime || w.at > s.waitTime.at)) s.waitTime = { at: w.at, value: w.value };
    if (shared.lastAttemptAt > s.lastAttemptAt) {
      s.lastAttemptAt = shared.lastAttemptAt;
      const e = shared.lastError;
      s.lastError = e ? new UpstreamError(e.operation, e.failure, e.attempts) : undefined;
      if (shared.missing) this.forgetQueue(s, true);
      else if (shared.queueId !== undefined) {
        s.missing = false;
        s.queueId = shared.queueId;
        this.options.directory.remember(s.queueName, shared.queueId);
      }
    }
  }

  private toShared(s: QueueState): SharedQueueState {
    const o = s.observations;
    const e = s.lastError;
    return {
      ...(o ? { observations: { at: o.at, value: { ...o.value, positions: [...o.value.positions] } } } : {}),
      ...(s.waitTime ? { waitTime: s.waitTime } : {}),
      ...(s.queueId !== undefined ? { queueId: s.queueId } : {}),
      ...(s.missing ? { missing: true } : {}),
      lastAttemptAt: s.lastAttemptAt,
      nextAttemptAt: s.nextAttemptAt,
      ...(e ? { lastError: { operation: e.operation, failure: e.failure, attempts: e.attempts } } : {}),
    };
  }

  /** Age of the oldest cached value of each queue that has one (metrics). */
  *cacheAges(): Iterable<{ queue: string; ageSeconds: number }> {
    const t = this.now();
    for (const s of this.queues.values()) {
      if (!s.observations) continue;
      const oldest = Math.min(s.observations.at, s.waitTime?.at ?? s.observations.at);
      yield { queue: s.queueName, ageSeconds: Math.max(0, t - oldest) / 1000 };
    }
  }

  /** Resolves when no refresh is running (graceful shutdown, tests). */
  async idle(): Promise<void> {
    await Promise.all([...this.queues.values()].map((s) => s.inflight));
  }

  private servable<T>(v: Timed<T> | undefined, t: number): v is Timed<T> {
    return v !== undefined && t - v.at <= this.options.maxStalenessMs;
  }

  private serve(s: QueueState): QueueSnapshot {
    const t = this.now();
    const { observations, waitTime } = s;
    if (!this.servable(observations, t)) {
      if (observations && !s.lastError) return this.compose(s, observations, waitTime);
      throw this.pendingError(s, t);
    }
    return this.compose(s, observations, this.servable(waitTime, t) ? waitTime : undefined);
  }

  /**
   * The last failure, for a caller who cannot be served from the cache. A rate limit tells the time left until the
   * next attempt, which is when an answer can change.
   */
  private pendingError(s: QueueState, t: number): UpstreamError {
    const e = s.lastError;
    if (!e) return new UpstreamError('queue observations', { kind: 'unavailable' });
    if (e.failure.kind !== 'rate-limited') return e;
    const retryAfterMs = Math.max(1000, s.nextAttemptAt - t);
    return new UpstreamError(e.operation, { ...e.failure, retryAfterMs }, e.attempts);
  }

  private compose(
    s: QueueState,
    observations: Timed<ObservationSummary>,
    waitTime: Timed<number | null> | undefined,
  ): QueueSnapshot {
    const c = s.composed;
    if (c && c.observations === observations && c.waitTime === waitTime) return c.snapshot;
    const snapshot: QueueSnapshot = {
      observations: observations.value,
      waitSeconds: waitTime ? waitTime.value : null,
      updatedAt: waitTime ? Math.min(observations.at, waitTime.at) : observations.at,
    };
    s.composed = { observations, waitTime, snapshot };
    return snapshot;
  }

  /**
   * The queue id (when not cached) and both values (cold start); the retries of the platform client apply, as a
   * caller is waiting. The values are stored together when both calls are done, so no caller sees half a fill.
   */
  private async fill(s: QueueState, deadline: number | undefined): Promise<void> {
    const started = this.begin(s);
    let calls = 0;
    const onAttempt = () => {
      calls += 1;
    };
    const admit = () => s.budget.take();
    const due = deadline === undefined ? {} : { deadline };
    let queueId: string | null;
    try {
      queueId = await this.resolve(s, { onAttempt, admit, ...due });
    } catch (e) {
      this.end(s, started, calls, e);
      return;
    }
    if (queueId === null) {
      this.end(s, started, calls, undefined);
      return;
    }
    const [observations, waitTime] = await Promise.allSettled([
      this.fetchObservations(queueId, { onAttempt, admit, ...due }),
      this.fetchWaitTime(queueId, { onAttempt, admit, ...due }),
    ]);
    if (observations.status === 'fulfilled') s.observations = observations.value;
    if (waitTime.status === 'fulfilled') s.waitTime = waitTime.value;
    const failed = [observations, waitTime].find((r): r is PromiseRejectedResult => r.status === 'rejected');
    this.end(s, started, calls, failed?.reason);
  }

  /** One upstream call for the older value; no retries (the next interval is the retry, the cache covers the gap). */
  private async refreshOne(s: QueueState, deadline: number | undefined): Promise<void> {
    const started = this.begin(s);
    let calls = 0;
    const options = {
      retries: 0,
      onAttempt: () => (calls += 1),
      admit: () => s.budget.take(),
      ...(deadline === undefined ? {} : { deadline }),
    };
    try {
      // The id's cache entry may have expired: a lookup then counts against the same pace.
      const queueId = await this.resolve(s, options);
      if (queueId !== null) await this.refreshPart(s, queueId, options);
      this.end(s, started, calls, undefined);
    } catch (e) {
      this.end(s, started, calls, e);
    }
  }

  private async refreshPart(s: QueueState, queueId: string, options: CallOptions): Promise<void> {
    const t = this.now();
    // Observations first when they are about to become unservable; otherwise the missing or older value.
    const part: Part = !this.servable(s.observations, t + this.options.refreshIntervalMs)
      ? 'observations'
      : !s.waitTime || s.waitTime.at < s.observations.at
        ? 'waitTime'
        : 'observations';
    if (part === 'observations') s.observations = await this.fetchObservations(queueId, options);
    else s.waitTime = await this.fetchWaitTime(queueId, options);
  }

  /** The queue's id from the directory (cached there, single flight); null and `missing` when there is none. */
  private async resolve(s: QueueState, callOptions: CallOptions): Promise<string | null> {
    const queueId = await this.options.directory.resolve(s.queueName, callOptions);
    if (queueId === null) this.forgetQueue(s, true);
    else s.queueId = queueId;
    return queueId;
  }

  /** The queue is gone (deleted, renamed): drop its values and id; the pace stays, so lookups are paced too. */
  private forgetQueue(s: QueueState, missing: boolean): void {
    s.queueId = undefined;
    s.observations = undefined;
    s.waitTime = undefined;
    s.composed = undefined;
    s.missing = missing;
  }

  private begin(s: QueueState): number {
    const started = this.now();
    s.lastAttemptAt = started;
    return started;
  }

  private end(s: QueueState, started: number, calls: number, error: unknown): void {
    s.nextAttemptAt = started + Math.max(1, calls) * this.options.refreshIntervalMs;
    if (error === undefined) {
      s.lastError = undefined;
      if (s.queueId !== undefined) s.missing = false;
      return;
    }
    const upstream =
      error instanceof UpstreamError ? error : new UpstreamError('availability refresh', { kind: 'rejected' });
    s.lastError = upstream;
    if (upstream.failure.kind === 'not-found') {
      // The queue was deleted or renamed since its id was cached: look it up again at the next attempt.
      this.options.directory.forget(s.queueName);
      this.forgetQueue(s, true);
    }
    // Genesys asked us to back off: do not come back before it says so.
    if (upstream.failure.kind === 'rate-limited')
      s.nextAttemptAt = Math.max(s.nextAttemptAt, this.now() + upstream.failure.retryAfterMs);
    this.options.logger.warn(
      { queueId: s.queueId, ...upstream.toLog() },
      'queue availability refresh failed; serving the last values while they are fresh enough',
    );
  }

  private async fetchObservations(queueId: string, callOptions: CallOptions): Promise<Timed<ObservationSummary>> {
    const at = this.now();
    const response = await this.options.platform.queueObservations(queueId, callOptions);
    return { value: summarizeObservations(response, queueId, this.options.mediaType), at };
  }

  private async fetchWaitTime(queueId: string, callOptions: CallOptions): Promise<Timed<number | null>> {
    const at = this.now();
    const predictions = await this.options.platform.estimatedWaitTime(queueId, callOptions);
    return { value: pickWaitSeconds(predictions, this.options.mediaType), at };
  }
}
