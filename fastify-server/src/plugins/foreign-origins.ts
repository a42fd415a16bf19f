import fp from 'fastify-plugin';
import type { AppConfig } from '../config';
import { Errors, type AppError } from '../errors';
import { sendError } from './error-handler';

/** The longest part of a refused Origin header a log line shows. */
const MAX_LOGGED_ORIGIN = 200;

/**
 * Refuses a browser request from an origin not in `ALLOWED_ORIGINS` (403 ORIGIN_NOT_ALLOWED) before CORS or any
 * other work, with one log line that names the origin. Refused inside `@fastify/cors` instead, the error reached
 * the preflight route it registers, whose error handler is Fastify's default, and that logged a stack trace for
 * every foreign page. Requests without an Origin header (servers, probes) are not CORS requests.
 */
export default fp<{ allowedOrigins: AppConfig['allowedOrigins'] }>(
  async (app, { allowedOrigins }) => {
    if (allowedOrigins === '*') return;
    const allowed = new Set(allowedOrigins);
    app.addHook('onRequest', async (request, reply) => {
      const origin = request.headers.origin;
      if (origin === undefined || allowed.has(origin)) return;
      request.log.info(
        { origin: origin.slice(0, MAX_LOGGED_ORIGIN) },
        'refused a browser request: its origin is not in ALLOWED_ORIGINS',
      );
      return sendError(reply, new Errors.OriginNotAllowed() as AppError);
    });
  },
  { name: 'foreign-origins' },
);
