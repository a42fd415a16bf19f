import platformClient from 'purecloud-platform-client-v2';
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { Metrics } from '../metrics/metrics';
import type { SharedTokenStore } from '../fleet/shared-token';
import { AccessTokenManager } from './access-token';
import type { LoginPaceStore } from './login-pace';
import { backoffDelay } from './backoff';
import { beforeDeadline, deadlineAfter, timeLeft } from './deadline';
import { UpstreamError, toUpstreamError } from './upstream-error';
import {
  LoginAnswer,
  MessageDetailsAnswer,
  ObservationsAnswer,
  QueueListingAnswer,
  SignedDataAnswer,
  TokenInfoAnswer,
  WaitTimeAnswer,
  answerCheck,
  type AnswerCheck,
} from './upstream-answers';

export type QueueObservationResponse = platformClient.Models.QueueObservationQueryResponse;
export type WaitTimePredictions = platformClient.Models.EstimatedWaitTimePredictions;
export type TokenInfo = platformClient.Models.TokenInfo;

/** The few log methods the client uses (a pino/Fastify logger fits). */
export interface PlatformLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface PlatformOptions {
  clientId: string;
  clientSecret: string;
  /** Region domain for `setEnvironment`, e.g. `mypurecloud.ie`. */
  environment: string;
  /** Replaces the region's login and API hosts (`setGateway`), e.g. the emulator's origin. */
  apiBaseUrl: URL | null;
  requestTimeoutMs: number;
  /** Retries of a 429, 5xx, timeout or network failure. */
  maxRetries: number;
  retryBaseDelayMs: number;
  /** A Retry-After longer than this is not waited for: the failure is returned (and passed on as 503 + Retry-After). */
  maxRetryWaitMs: number;
  /** Every 429's wait is cut to this (`retry-after.ts`). @default 60000 */
  retryAfterCapMs?: number;
  /** The time budget of a call made without a {@link CallOptions.deadline} (retries and waits included). */
  responseDeadlineMs: number;
  logger: PlatformLogger;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Counts upstream requests, Retry-After waits and token renewals. */
  metrics?: Pick<Metrics, 'upstreamRequest' | 'retryAfterWait' | 'tokenRenewal' | 'loginPaced'>;
  /** The fleet's token in Redis (`REDIS_URL`); absent: this process logs in for itself. */
  sharedToken?: SharedTokenStore;
  /** The fleet's login pace in Redis (`REDIS_URL`); absent: this process paces its logins alone. */
  sharedLoginPace?: LoginPaceStore;
}

export interface CallOptions {
  /** Overrides {@link PlatformOptions.maxRetries} for this call. */
  retries?: number;
  /** Called once per upstream request the call makes (retries included), for request budgets. */
  onAttempt?: () => void;
  /**
   * Asked before each upstream request (retries included); false: the request is not sent and the call fails with
   * the last failure (a caller's request budget is spent).
   */
  admit?: () => boolean;
  /**
   * When the caller's answer is due (see `deadline.ts`): every attempt ends by then (as a timeout), and none starts,
   * retries included, with less than {@link MIN_ATTEMPT_MS} left. @default now + {@link PlatformOptions.responseDeadlineMs}
   */
  deadline?: number;
}

/**
 * An attempt needs at least this much time before the deadline: Genesys normally answers within a few hundred ms, so
 * a shorter attempt would mostly add a request and end in the same timeout.
 */
export const MIN_ATTEMPT_MS = 250;

const LOGIN_TIMER_MARGIN_MS = 5;

/** The Genesys Cloud Platform API calls the middleware makes, with token handling and retries built in. */
export interface GenesysPlatform {
  /** The id of the queue named exactly `name` (every page of the name-filtered listing is searched), or null. */
  findQueueIdByName(name: string, options?: CallOptions): Promise<string | null>;
  queueObservations(queueId: string, options?: CallOptions): Promise<QueueObservationResponse>;
  estimatedWaitTime(queueId: string, options?: CallOptions): Promise<WaitTimePredictions>;
  /**
   * The conversation a message belongs to (`GET /api/v2/conversations/messages/{messageId}/details`), or null when
   * Genesys has no message of that id (404). Web Messaging guests know their messages' ids, not their conversation's.
   */
  messageConversationId(messageId: string, options?: CallOptions): Promise<string | null>;
  /** `POST /api/v2/signeddata` (not in SDK 262; sent through `callApi`, docs/platform-api.md, "Signed data"). */
  signData(data: Record<string, unknown>, options?: CallOptions): Promise<string>;
  tokenInfo(options?: CallOptions): Promise<TokenInfo>;
  readonly tokens: AccessTokenManager;
}

interface Extended<T> {
  status: number;
  headers: Record<string, unknown>;
  body: T;
}

const checks = {
  login: answerCheck(LoginAnswer),
  listing: answerCheck(QueueListingAnswer),
  observations: answerCheck(ObservationsAnswer),
  waitTime: answerCheck(WaitTimeAnswer),
  messageDetails: answerCheck(MessageDetailsAnswer),
  signedData: answerCheck(SignedDataAnswer),
  tokenInfo: answerCheck(TokenInfoAnswer),
};

const PAGE_SIZE = 100;
/** A name filter that matches more than this many pages is not a queue name. */
const MAX_PAGES = 50;

/** `setGateway` takes host, protocol and port separately and must not see a scheme in `host` (docs/platform-api.md, "The SDK"). */
export function gatewayFor(url: URL): {
  host: string;
  protocol: string;
  port?: number;
  path_params_login: string;
  path_params_api: string;
} {
  const path = url.pathname.replace(/\/+$/, '');
  return {
    host: url.hostname,
    protocol: url.protocol.replace(/:$/, ''),
    ...(url.port ? { port: Number(url.port) } : {}),
    path_params_login: path,
    path_params_api: path,
  };
}

export function createGenesysPlatform(options: PlatformOptions): GenesysPlatform {
  const { logger } = options;
  // The one point where SDK rejections become failures, so every 429's wait is bounded before anyone pauses on it.
  const classify = (raw: unknown, operation: string, attempts?: number) =>
    toUpstreamError(raw, operation, attempts, options.retryAfterCapMs);
  const sleep = options.sleep ?? ((ms: number) => sleepFor(ms).then(() => undefined));

  // A client of our own, never the SDK's process-wide singleton (docs/platform-api.md, "The SDK").
  const client = new platformClient.ApiClientClass();
  // Ignore ~/.genesyscloudjavascript/config and stop watching it: a file edit must not re-point a running server.
  client.config.live_reload_config = false;
  // The SDK's HTTP client copies the timeout when it is first created, so set it before any request.
  (client as unknown as { timeout: number }).timeout = options.requestTimeoutMs;
  client.getHttpClient().setTimeout(options.requestTimeoutMs);
  if (options.apiBaseUrl) client.setGateway(gatewayFor(options.apiBaseUrl));
  else client.setEnvironment(options.environment);
  // Status and headers on success and failure: the only way to read Retry-After (docs/platform-api.md, "The SDK").
  client.setReturnExtendedResponses(true);

  const routing = new platformClient.RoutingApi(client);
  const analytics = new platformClient.AnalyticsApi(client);
  const tokensApi = new platformClient.TokensApi(client);
  const conversationsApi = new platformClient.ConversationsApi(client);

  const metrics = options.metrics;
  const tokens = new AccessTokenManager({
    ...(options.now ? { now: options.now } : {}),
    ...(options.sharedToken ? { shared: options.sharedToken } : {}),
    // A login may take one request timeout; an instance waiting for another's login waits no longer than that.
    sharedLoginWaitMs: options.requestTimeoutMs + 1000,
    install: (token) => client.setAccessToken(token),
    onRenewal: (source, outcome) => metrics?.tokenRenewal(source, outcome),
    onPaced: () => metrics?.loginPaced(),
    ...(options.sharedLoginPace ? { sharedPace: options.sharedLoginPace } : {}),
    login: async () => {
      const auth = await client.loginClientCredentialsGrant(options.clientId, options.clientSecret).then(
        (a) => {
          // HTML or `{}` from the token endpoint leaves the SDK with no token or a NaN expiry: a fault, not a login.
          if (!checks.login(a) || !Number.isFinite(a.tokenExpiryTime) || (a.tokenExpiryTime ?? 0) <= Date.now()) {
            metrics?.upstreamRequest('login', 'malformed');
            throw new UpstreamError('login', { kind: 'malformed', status: 200 });
          }
          metrics?.upstreamRequest('login', 'ok');
          return a;
        },
        (raw: unknown) => {
          const error = classify(raw, 'login');
          metrics?.upstreamRequest('login', error.failure.kind);
          throw error;
        },
      );
      logger.info(
        { expiresAt: new Date(auth.tokenExpiryTime ?? 0).toISOString() },
        'obtained a Genesys Cloud access token',
      );
      return { accessToken: auth.accessToken ?? '', expiresInMs: (auth.tokenExpiryTime ?? 0) - Date.now() };
    },
  });

  /** One Genesys operation with retries; its answer's body must pass `check`, else it fails as `malformed`. */
  async function call<T>(
    operation: string,
    send: () => Promise<unknown>,
    check: AnswerCheck,
    opts: CallOptions = {},
  ): Promise<T> {
    const retries = opts.retries ?? options.maxRetries;
    const deadline = opts.deadline ?? deadlineAfter(options.responseDeadlineMs);
    let attempts = 0;
    let retry = 0;
    let reauthenticated = false;
    let last: UpstreamError | undefined;
    for (;;) {
      if (timeLeft(deadline) < MIN_ATTEMPT_MS)
        throw last ?? new UpstreamError(operation, { kind: 'timeout' }, attempts);
      if (opts.admit && !opts.admit()) throw last ?? new UpstreamError(operation, { kind: 'unavailable' }, attempts);
      let token: string | undefined;
      try {
        // A login that hangs is shared by every caller (single flight) and ends by its own request timeout; this
        // caller stops waiting for it at its deadline.
        token = await beforeDeadline(tokens.get(), deadline, () => new UpstreamError('login', { kind: 'timeout' }));
        attempts += 1;
        opts.onAttempt?.();
        const response = (await beforeDeadline(
          send(),
          deadline,
          () => new UpstreamError(operation, { kind: 'timeout' }, attempts),
        )) as Extended<T> | undefined;
        if (!response || !check(response.body))
          throw new UpstreamError(operation, { kind: 'malformed', ...(response ? { status: response.status } : {}) });
        metrics?.upstreamRequest(operation, 'ok');
        return response.body;
      } catch (raw) {
        const loginFailed = raw instanceof UpstreamError && raw.operation === 'login';
        const error = loginFailed ? raw : classify(raw, operation, attempts);
        if (!loginFailed) metrics?.upstreamRequest(operation, error.failure.kind);
        // A 401 with a token our clock thinks valid: it was revoked or expired early (e.g. an idle timeout).
        // Log in again once and repeat the call; a second 401 is a real permission problem.
        if (
          !loginFailed &&
          token !== undefined &&
          !reauthenticated &&
          error.failure.kind === 'unauthorized' &&
          error.failure.status === 401
        ) {
          reauthenticated = true;
          tokens.invalidate(token);
          logger.info({ operation }, 'Genesys Cloud rejected the access token; logging in again');
          continue;
        }
        if (!error.retryable || retry >= retries) throw new UpstreamError(error.operation, error.failure, attempts);
        last = new UpstreamError(error.operation, error.failure, attempts);
        // A failed or paced login is tried again when the login pace allows it (`login-pace.ts`), never sooner: the
        // pace counts every caller's retries. The margin covers a timer firing as the wall clock still shows less.
        const delay =
          loginFailed && error.retryInMs !== undefined
            ? error.retryInMs + LOGIN_TIMER_MARGIN_MS
            : error.failure.kind === 'rate-limited'
              ? error.failure.retryAfterMs
              : backoffDelay(retry + 1, { initialMs: options.retryBaseDelayMs, maxMs: 5000 }, options.random);
        // A wait Genesys asks for that is too long, or a retry that could not get a fair attempt before the caller's
        // deadline: the caller gets this failure now rather than a timeout later.
        if (delay > options.maxRetryWaitMs || timeLeft(deadline) - delay < MIN_ATTEMPT_MS)
          throw new UpstreamError(error.operation, error.failure, attempts);
        retry += 1;
        if (error.failure.kind === 'rate-limited') metrics?.retryAfterWait('request', delay);
        logger.warn({ ...error.toLog(), retry, delayMs: delay }, 'Genesys Cloud call failed; retrying');
        await sleep(delay);
      }
    }
  }

  return {
    tokens,

    async findQueueIdByName(name, opts) {
      for (let pageNumber = 1; pageNumber <= MAX_PAGES; pageNumber += 1) {
        const listing = await call<platformClient.Models.QueueEntityListing>(
          'list queues',
          () => routing.getRoutingQueues({ name, pageSize: PAGE_SIZE, pageNumber }),
          checks.listing,
          opts,
        );
        // The name filter is case-insensitive and allows wildcards, so only an exact match counts.
        const match = (listing?.entities ?? []).find((q) => q.name === name && typeof q.id === 'string');
        if (match?.id) return match.id;
        const pageCount = typeof listing?.pageCount === 'number' ? listing.pageCount : 1;
        if (pageNumber >= pageCount || (listing?.entities ?? []).length === 0) return null;
      }
      return null;
    },

    queueObservations(queueId, opts) {
      // Filter on the queue only and pick media types here: whether a mediaType predicate also filters the user
      // metrics is not documented (docs/platform-api.md, "Queue observations"). detailMetrics gives the waiting conversations for positions.
      const query: platformClient.Models.QueueObservationQuery = {
        filter: {
          type: 'or',
          predicates: [{ type: 'dimension', dimension: 'queueId', operator: 'matches', value: queueId }],
        },
        metrics: ['oOnQueueUsers', 'oWaiting'],
        detailMetrics: ['oWaiting'],
      };
      return call(
        'queue observations',
        () => analytics.postAnalyticsQueuesObservationsQuery(query),
        checks.observations,
        opts,
      );
    },

    estimatedWaitTime(queueId, opts) {
      return call(
        'estimated wait time',
        () => routing.getRoutingQueueEstimatedwaittime(queueId),
        checks.waitTime,
        opts,
      );
    },

    async messageConversationId(messageId, opts) {
      let message: platformClient.Models.MessageData | undefined;
      try {
        message = await call(
          'message details',
          () => conversationsApi.getConversationsMessageDetails(messageId),
          checks.messageDetails,
          opts,
        );
      } catch (e) {
        if (e instanceof UpstreamError && e.failure.kind === 'not-found') return null;
        throw e;
      }
      const id = message?.conversationId;
      return typeof id === 'string' && id !== '' ? id : null;
    },

    async signData(data, opts) {
      const body = await call<{ jwt?: unknown }>(
        'signed data',
        () =>
          client.callApi(
            '/api/v2/signeddata',
            'POST',
            {},
            {},
            {},
            {},
            data,
            ['PureCloud OAuth'],
            ['application/json'],
            ['application/json'],
          ),
        checks.signedData,
        opts,
      );
      return body.jwt as string;
    },

    tokenInfo(opts) {
      return call('token info', () => tokensApi.getTokensMe(), checks.tokenInfo, opts);
    },
  };
}
