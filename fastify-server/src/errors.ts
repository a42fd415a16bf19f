import createError, { type FastifyError } from '@fastify/error';
import { browserRetryAfterSeconds } from './genesys/retry-after';
import type { UpstreamError } from './genesys/upstream-error';

/**
 * Every error code the middleware answers with, defined once. Bodies are `{ statusCode, code, error, message }`;
 * messages are written for the browser client and never carry upstream bodies, tokens or stack traces.
 */
export const Errors = {
  ValidationFailed: createError<[string]>('VALIDATION_FAILED', 'The request is invalid: %s', 400),
  BadRequest: createError<[string]>('BAD_REQUEST', 'The request could not be read: %s', 400),
  PayloadTooLarge: createError<[number]>('PAYLOAD_TOO_LARGE', 'The request body is larger than %d bytes', 413),
  UnsupportedMediaType: createError('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json', 415),
  CharsetRefused: createError<[string]>(
    'UNSUPPORTED_CHARSET',
    'The body is declared as charset %s; send it as UTF-8 (charset=utf-8, or no charset)',
    415,
  ),
  ContentEncodingRefused: createError<[string]>(
    'UNSUPPORTED_CONTENT_ENCODING',
    'The body is sent with Content-Encoding %s; send it uncompressed',
    415,
  ),
  ForbiddenJsonKey: createError(
    'FORBIDDEN_JSON_KEY',
    'The request could not be read: the body has a "__proto__" or "constructor.prototype" key, which is refused',
    400,
  ),
  BadUrl: createError('BAD_URL', 'The request URL is not valid (a malformed percent-encoding)', 400),
  ExpectationFailed: createError<[string]>(
    'EXPECTATION_FAILED',
    'The Expect header asks for %s; only "100-continue" is supported',
    417,
  ),
  RouteNotFound: createError<[string, string]>('ROUTE_NOT_FOUND', 'There is no route %s %s', 404),
  OriginNotAllowed: createError('ORIGIN_NOT_ALLOWED', 'This origin is not allowed to call the middleware', 403),
  RateLimited: createError<[number]>('RATE_LIMITED', 'Too many requests; retry in %d seconds', 429),
  IdentityRequired: createError(
    'IDENTITY_REQUIRED',
    'Send the signed-in user\'s identity token as "Authorization: Bearer <token>"',
    401,
  ),
  IdentityInvalid: createError<[string]>('IDENTITY_INVALID', 'The identity token %s', 401),
  AuthChatDisabled: createError('AUTH_CHAT_DISABLED', 'Authenticated chat is not configured on this server', 404),
  AvailabilityDisabled: createError('AVAILABILITY_DISABLED', 'Queue availability is not enabled on this server', 404),
  QueueNotFound: createError('QUEUE_NOT_FOUND', 'No such queue', 404),
  UpstreamRateLimited: createError<[number]>(
    'UPSTREAM_RATE_LIMITED',
    'Genesys Cloud is rate limiting this server; retry in %d seconds',
    503,
  ),
  UpstreamUnavailable: createError('UPSTREAM_UNAVAILABLE', 'Genesys Cloud is not reachable right now', 502),
  UpstreamTimeout: createError('UPSTREAM_TIMEOUT', 'Genesys Cloud did not answer in time', 504),
  UpstreamAuthFailed: createError('UPSTREAM_AUTH_FAILED', 'This server could not authenticate to Genesys Cloud', 502),
  UpstreamRejected: createError('UPSTREAM_ERROR', 'Genesys Cloud rejected the request', 502),
  UpstreamInvalidAnswer: createError(
    'UPSTREAM_INVALID_ANSWER',
    'Genesys Cloud sent an answer this server could not read',
    502,
  ),
  NotReady: createError('NOT_READY', 'Genesys Cloud is not reachable with a valid token', 503),
  ShuttingDown: createError('SHUTTING_DOWN', 'This server is shutting down; send the request again', 503),
  Internal: createError('INTERNAL_ERROR', 'Internal server error', 500),
} as const;

export type AppError = FastifyError & { statusCode: number; retryAfterSeconds?: number };

/** Marks an error with the `Retry-After` (seconds) the error handler sends: 1 s to an hour (`retry-after.ts`). */
export function withRetryAfter<E extends FastifyError>(error: E, seconds: number): E & { retryAfterSeconds: number } {
  return Object.assign(error, { retryAfterSeconds: browserRetryAfterSeconds(seconds) });
}

/** 429 RATE_LIMITED for a wait of `seconds`, bounded as every browser's Retry-After is (header and message agree). */
export function rateLimited(seconds: number): AppError {
  const bounded = browserRetryAfterSeconds(seconds);
  return withRetryAfter(new Errors.RateLimited(bounded), bounded) as AppError;
}

const ERROR_TYPES: ReadonlyArray<abstract new (...args: never[]) => unknown> = Object.values(Errors) as never;

/** True for the errors above (safe to show as they are). */
export function isAppError(error: unknown): error is AppError {
  return ERROR_TYPES.some((E) => error instanceof E);
}

/** The one mapping from a failed Genesys call to what the browser sees. */
export function fromUpstream(error: UpstreamError): AppError {
  const f = error.failure;
  switch (f.kind) {
    case 'rate-limited': {
      const seconds = browserRetryAfterSeconds(f.retryAfterMs / 1000);
      return withRetryAfter(new Errors.UpstreamRateLimited(seconds), seconds) as AppError;
    }
    case 'timeout':
      return new Errors.UpstreamTimeout() as AppError;
    case 'unavailable':
      return new Errors.UpstreamUnavailable() as AppError;
    case 'unauthorized':
      return new Errors.UpstreamAuthFailed() as AppError;
    // A 404 means "no such queue" only where a queue was asked for; the availability provider maps that itself.
    case 'not-found':
    case 'rejected':
      return new Errors.UpstreamRejected() as AppError;
    case 'malformed':
      return new Errors.UpstreamInvalidAnswer() as AppError;
  }
}
