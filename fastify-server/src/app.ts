import cors, { type FastifyCorsOptions } from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { randomBytes } from 'node:crypto';
import type { AppConfig } from './config';
import { clientErrorHandler } from './client-errors';
import { Errors, rateLimited, type AppError } from './errors';
import { loggerOptions } from './logger';
import drain from './plugins/drain';
import foreignOrigins from './plugins/foreign-origins';
import errorHandler, { errorBody, sendError } from './plugins/error-handler';
import { acceptJsonBodies } from './json-body';
import genesys from './plugins/genesys';
import metrics from './plugins/metrics';
import responseDeadline from './plugins/response-deadline';
import sharedState from './plugins/shared-state';
import { sharedRateLimitStore } from './fleet/rate-limit-store';
import securityHeaders, { SECURITY_HEADERS } from './plugins/security-headers';
import identity from './plugins/identity';
import { availabilityRoute } from './routes/availability';
import { healthRoutes } from './routes/health';
import { jwtRoute } from './routes/jwt';
import { setupRoute } from './routes/setup';

/** How often Node looks for requests past their timeout: the precision of REQUEST_TIMEOUT_MS. */
const CONNECTIONS_CHECKING_INTERVAL_MS = 1000;

export interface AppDeps {
  /** A logger to use instead of one built from the configuration. */
  loggerInstance?: FastifyBaseLogger;
  /** Where the configured logger writes (default stdout); tests capture the output with it. */
  logStream?: { write(line: string): void };
  /** Connection options set by `server.ts` (and by local stacks, which close at once). */
  serverOptions?: Pick<
    FastifyServerOptions,
    'connectionTimeout' | 'keepAliveTimeout' | 'pluginTimeout' | 'forceCloseConnections'
  >;
  /** Clock for token expiry and cache ages. @default Date.now */
  now?: () => number;
}

/**
 * The middleware as a Fastify instance, not listening: external plugins first (helmet's security headers, CORS, rate limit),
 * then ours (errors, identity, Genesys), then the routes. `server.ts` listens; tests use `inject()` or listen.
 */
export async function buildApp(config: AppConfig, deps: AppDeps = {}): Promise<FastifyInstance> {
  // Request ids unique across instances and restarts: a random prefix per server, then a counter. (A random UUID
  // per request cost more on /availability than the route's own work.)
  const instance = randomBytes(6).toString('hex');
  let requests = 0;
  const app: FastifyInstance = Fastify({
    ...(deps.loggerInstance
      ? { loggerInstance: deps.loggerInstance }
      : { logger: { ...loggerOptions(config.server), ...(deps.logStream ? { stream: deps.logStream } : {}) } }),
    ...deps.serverOptions,
    // Slow or stalled clients must not hold sockets: the whole request within REQUEST_TIMEOUT_MS. Node enforces it
    // only when it knows the timeout as the server is created (it then keeps the headers timeout within it; Fastify
    // sets it later, which leaves the 60 s headers timeout in charge), and looks for overdue requests only every
    // `connectionsCheckingInterval` (30 s by default). Without both, a body trickled byte by byte held its
    // connection for over a minute.
    requestTimeout: config.server.requestTimeoutMs,
    http: {
      requestTimeout: config.server.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(CONNECTIONS_CHECKING_INTERVAL_MS, config.server.requestTimeoutMs),
    },
    trustProxy: trustProxy(config.server.trustProxy),
    bodyLimit: config.server.bodyLimitBytes,
    genReqId: () => `${instance}-${(++requests).toString(36)}`,
    // Reject what the schema does not allow instead of quietly fixing it: no type coercion ({"queue_name": 1} is a
    // 400, not "1") and no silent removal of unknown properties.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: true, allErrors: false } },
    // While closing, Fastify would answer 503 in its own shape; the drain plugin answers in ours, from SIGTERM on.
    return503OnClosing: false,
    // Requests the HTTP parser refuses: documented error shape, and their raw bytes never logged.
    clientErrorHandler: clientErrorHandler(() => app.log, config.server.requestTimeoutMs),
    // A URL Fastify cannot decode (`/%zz`) is answered before any hook runs: the documented shape, the security
    // headers, and the URL not echoed.
    frameworkErrors: (error, _request, reply) => {
      void reply.headers(SECURITY_HEADERS);
      const refused = error.code === 'FST_ERR_BAD_URL' ? new Errors.BadUrl() : new Errors.BadRequest('the request URL');
      return sendError(reply, refused as AppError);
    },
  });
  // Node answers an Expect other than 100-continue itself, with an empty 417; this one says what was wrong.
  app.server.on('checkExpectation', (request, response) => {
    const error = new Errors.ExpectationFailed(JSON.stringify(String(request.headers.expect ?? '').slice(0, 100)));
    const body = JSON.stringify(errorBody(error as AppError));
    response
      .writeHead(417, {
        ...SECURITY_HEADERS,
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        connection: 'close',
      })
      .end(body);
  });

  // JSON bodies only. Fastify also parses text/plain by default, the content type a cross-site "simple" request
  // may use without a CORS preflight.
  app.removeContentTypeParser('text/plain');
  acceptJsonBodies(app);

  // The response deadline counts from the request's arrival, before any other hook.
  await app.register(responseDeadline, { responseDeadlineMs: config.server.responseDeadlineMs });

  // ---- what the external plugins build on: metrics, and Redis when configured
  await app.register(metrics, { config });
  await app.register(sharedState, { config });

  // ---- external plugins
  await app.register(securityHeaders);
  await app.register(foreignOrigins, { allowedOrigins: config.allowedOrigins });
  await app.register(cors, corsOptions(config.allowedOrigins));
  // After the security and CORS headers, so a browser can read the 503; before the rate limit, which it need not count.
  await app.register(drain, { drainDelayMs: config.server.shutdownDrainDelayMs });
  await app.register(rateLimit, {
    global: true,
    // Counted in Redis across every instance when REDIS_URL is set, in this instance's memory otherwise.
    ...(app.sharedState ? { store: sharedRateLimitStore(app.sharedState, app.sharedState.key('rate-limit:')) } : {}),
    max: config.rateLimit.max,
    timeWindow: config.rateLimit.windowMs,
    // The default key is request.ip, which honours TRUST_PROXY: behind a proxy each client gets its own bucket.
    errorResponseBuilder: (_request, context) => rateLimited(context.ttl / 1000),
    // Retry-After on a 429 only; the x-ratelimit-* headers on every answer cost bytes on the hottest route.
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    addHeaders: {
      'x-ratelimit-limit': false,
      'x-ratelimit-remaining': false,
      'x-ratelimit-reset': false,
      'retry-after': true,
    },
  });

  // ---- our plugins
  await app.register(errorHandler);
  await app.register(identity, { identity: config.identity });
  await app.register(genesys, { config, ...(deps.now ? { now: deps.now } : {}) });

  // ---- routes
  await app.register(healthRoutes, { config });
  await app.register(setupRoute, { config });
  await app.register(jwtRoute, { config });
  await app.register(availabilityRoute, { config });

  return app;
}

/**
 * Browsers may call from the listed origins only; a request from any other origin is refused outright (403) before
 * this runs (`plugins/foreign-origins.ts`), so a foreign page cannot even trigger work. An origin reaching here is
 * allowed, or absent (servers, probes: not CORS requests).
 */
function corsOptions(allowed: AppConfig['allowedOrigins']): FastifyCorsOptions {
  const common = {
    methods: ['GET', 'POST'],
    allowedHeaders: ['Content-Type', 'Authorization'],
    maxAge: 600,
    credentials: false,
  };
  if (allowed === '*') return { ...common, origin: '*' };
  const set = new Set(allowed);
  return {
    ...common,
    origin: (origin, cb) => cb(null, origin !== undefined && set.has(origin) ? origin : false),
  };
}

/** A hop count means "trust that many proxies in front of us" (what proxy-addr does with a number). */
function trustProxy(
  value: AppConfig['server']['trustProxy'],
): false | string[] | ((address: string, hop: number) => boolean) {
  return typeof value === 'number' ? (_address, hop) => hop < value : value;
}
