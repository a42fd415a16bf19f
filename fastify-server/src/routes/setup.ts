import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppConfig } from '../config';
import { errorResponses } from './error-reply';

export const SetupReply = Type.Object({
  org_id: Type.String(),
  deployment_id: Type.String(),
  queue_target: Type.String(),
  /** The channel the client uses; with `web-messaging`, `deployment_id` is the Messenger deployment. */
  channel: Type.Union([Type.Literal('guest-chat'), Type.Literal('web-messaging')]),
  /** Genesys region domain, e.g. `mypurecloud.ie`. */
  environment: Type.String(),
  /** Guest API origin for the browser; null: derive `https://api.<environment>`. */
  guest_api_base_url: Type.Union([Type.String(), Type.Null()]),
  features: Type.Object({ authenticated_chat: Type.Boolean(), availability: Type.Boolean() }),
});

/** `GET /setup`: what the browser client needs to start a chat (the reference's fields, plus region and features). */
export const setupRoute: FastifyPluginAsyncTypebox<{ config: AppConfig }> = async (app, { config }) => {
  const answer = {
    org_id: config.organizationId,
    deployment_id: config.deploymentId,
    queue_target: config.queueTarget,
    channel: config.channel,
    environment: config.genesys.environment,
    guest_api_base_url: config.genesys.guestApiBaseUrl,
    features: { authenticated_chat: config.identity !== null, availability: config.availability.enabled },
  };
  app.get('/setup', { schema: { response: { 200: SetupReply, ...errorResponses } } }, async (_request, reply) => {
    // Public, identical for everyone and rarely changed: let browsers and CDNs keep it briefly.
    void reply.header('cache-control', 'public, max-age=60');
    return answer;
  });
};
