import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppConfig } from '../config';
import { Errors } from '../errors';
import { errorResponses } from './error-reply';

const RedisState = Type.Union([Type.Literal('connected'), Type.Literal('degraded'), Type.Literal('disconnected')]);

/**
 * Probes: `/healthz` says the process serves; `/readyz` that Genesys answers with a valid token, and, with
 * `REDIS_URL` set, how Redis stands. Redis being unusable does not make an instance unready: it answers from its
 * own memory, and taking every instance out of the balancer because Redis is down would stop the service.
 */
export const healthRoutes: FastifyPluginAsyncTypebox<{ config: AppConfig }> = async (app, { config }) => {
  // Probes come every few seconds from the orchestrator: no rate limit, and no request log lines below warn (but
  // never more than the configured level either).
  const probe = { config: { rateLimit: false }, logLevel: quieter(config.server.logLevel, 'warn') } as const;

  app.get(
    '/healthz',
    { ...probe, schema: { response: { 200: Type.Object({ status: Type.Literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      ...probe,
      schema: {
        response: {
          200: Type.Object({ status: Type.Literal('ready'), redis: Type.Optional(RedisState) }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const readiness = await app.readiness.check();
      if (!readiness.ready) {
        request.log.warn({ upstream: readiness.error.toLog(), redis: app.sharedState?.state }, 'not ready');
        throw new Errors.NotReady();
      }
      if (app.sharedState === null) return { status: 'ready' as const };
      if (app.sharedState.state !== 'connected')
        request.log.warn({ redis: app.sharedState.state }, 'ready, but Redis is not usable: answering from memory');
      return { status: 'ready' as const, redis: app.sharedState.state };
    },
  );
};

const SEVERITY = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Number.POSITIVE_INFINITY,
} as const;

function quieter(a: keyof typeof SEVERITY, b: keyof typeof SEVERITY): keyof typeof SEVERITY {
  return SEVERITY[a] >= SEVERITY[b] ? a : b;
}
