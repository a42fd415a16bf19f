import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppConfig } from '../config';
import { Errors, rateLimited } from '../errors';
import { errorResponses } from './error-reply';

export const JwtReply = Type.Object({ jwt: Type.String() });

/**
 * `POST /jwt`: a Genesys signed-data token for authenticated chat, only for a verified user of the host site, with
 * that user's claims inside (never anything from the request body). Rate-limited per user as well as per address.
 */
export const jwtRoute: FastifyPluginAsyncTypebox<{ config: AppConfig }> = async (app, { config }) => {
  const perUser = app.identityEnabled
    ? app.createRateLimit({
        max: config.rateLimit.jwtMax,
        timeWindow: config.rateLimit.jwtWindowMs,
        keyGenerator: (request: FastifyRequest) => `identity:${request.identity?.sub ?? ''}`,
      })
    : undefined;

  app.post(
    '/jwt',
    {
      schema: { response: { 200: JwtReply, ...errorResponses } },
      preHandler: async (request) => {
        await app.verifyIdentity(request);
        const limit = await perUser?.(request);
        if (limit && !limit.isAllowed && limit.isExceeded) throw rateLimited(limit.ttlInSeconds);
      },
    },
    async (request, reply) => {
      const identity = request.identity;
      if (!identity) throw new Errors.IdentityRequired();
      const jwt = await app.genesys.signData({ authorized: true, ...identity }, { deadline: request.deadline });
      void reply.header('cache-control', 'no-store');
      return { jwt };
    },
  );
};
