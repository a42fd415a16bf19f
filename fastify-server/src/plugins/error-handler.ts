import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { STATUS_CODES } from 'node:http';
import { Errors, fromUpstream, isAppError, type AppError } from '../errors';
import { UpstreamError } from '../genesys/upstream-error';

/** `{ statusCode, code, error, message }`, the body of every error answer. */
export interface ErrorBody {
  statusCode: number;
  code: string;
  error: string;
  message: string;
}

/**
 * The one place where failures become HTTP answers. Known errors keep their code and message; Fastify's own 4xx
 * get stable codes; upstream failures are mapped once ({@link fromUpstream}); anything else is a bare 500.
 */
export default fp(
  async (app) => {
    app.setErrorHandler((error: FastifyError | UpstreamError | Error, request, reply) => {
      const mapped = toAppError(error, request);
      if (mapped.statusCode >= 500) {
        if (error instanceof UpstreamError)
          request.log.warn({ upstream: error.toLog(), code: mapped.code }, 'upstream failure');
        else if (!isAppError(error)) request.log.error({ err: error }, 'unhandled error');
      }
      return sendError(reply, mapped);
    });

    app.setNotFoundHandler({ preHandler: app.rateLimit() }, (request, reply) =>
      sendError(reply, new Errors.RouteNotFound(request.method, request.url.split('?')[0] ?? '') as AppError),
    );
  },
  { name: 'error-handler', dependencies: ['@fastify/rate-limit'] },
);

/** The documented body of an error answer. */
export function errorBody(error: AppError): ErrorBody {
  return {
    statusCode: error.statusCode,
    code: error.code,
    error: STATUS_CODES[error.statusCode] ?? 'Error',
    message: error.message,
  };
}

/** Answers with `error` in the documented shape (also used where Fastify answers before the error handler). */
export function sendError(reply: FastifyReply, error: AppError): FastifyReply {
  if (error.retryAfterSeconds !== undefined) void reply.header('retry-after', String(error.retryAfterSeconds));
  return reply.code(error.statusCode).type('application/json; charset=utf-8').send(errorBody(error));
}

function toAppError(error: FastifyError | UpstreamError | Error, request: FastifyRequest): AppError {
  if (isAppError(error)) return error;
  if (error instanceof UpstreamError) return fromUpstream(error);
  const e = error as FastifyError;
  if (e.validation) return new Errors.ValidationFailed(e.message) as AppError;
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new Errors.PayloadTooLarge(request.routeOptions.bodyLimit ?? 0) as AppError;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new Errors.UnsupportedMediaType() as AppError;
    default:
      break;
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  // Other client errors from Fastify (malformed JSON, empty body, bad content length): their message is about the
  // request, not about us, so it may be shown.
  if (status >= 400 && status < 500)
    return new Errors.BadRequest(status === 400 ? e.message : (STATUS_CODES[status] ?? 'bad request')) as AppError;
  return new Errors.Internal() as AppError;
}
