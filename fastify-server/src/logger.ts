import type { PinoLoggerOptions } from 'fastify/types/logger';
import { stdSerializers } from 'pino';
import type { AppConfig } from './config';

/**
 * Paths pino replaces with "[REDACTED]". The code never logs secrets on purpose (upstream failures are logged as
 * {@link UpstreamError.toLog} summaries, never raw SDK errors, whose request config carries the bearer token);
 * this list is the second line of defence.
 */
export const REDACT_PATHS = [
  // Explicit paths only: wildcard paths make pino redact every per-request child logger's bindings, which cost
  // about a microsecond per request in bench/availability.ts.
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.Authorization',
  'authorization',
  'clientSecret',
  'GENESYS_CLIENT_SECRET',
  'IDENTITY_JWT_SECRET',
  'accessToken',
  'access_token',
  'token',
  'jwt',
  // A raw SDK or axios error (never logged on purpose) carries the request, headers included.
  'err.config.headers',
  'err.error.config.headers',
  'err.response.config.headers',
  'err.request',
];

/** Structured JSON logs at the configured level, with secrets redacted. */
export function loggerOptions(config: Pick<AppConfig['server'], 'logLevel'>): PinoLoggerOptions {
  return {
    level: config.logLevel,
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    serializers: { err: errWithoutRawBytes },
  };
}

/**
 * pino's error serializer copies every own property, and Node's parser errors carry `rawPacket`, the request's
 * bytes as read (Authorization header included). No logged error keeps raw request or response bytes.
 */
function errWithoutRawBytes(err: Error): Record<string, unknown> {
  const serialized = stdSerializers.err(err) as unknown as Record<string, unknown>;
  delete serialized['rawPacket'];
  return serialized;
}
