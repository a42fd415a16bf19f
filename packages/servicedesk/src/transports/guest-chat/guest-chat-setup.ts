import type { Logger } from '../../logger';
import type { MiddlewareClient } from '../../middleware-client';
import type { GenesysServiceDeskOptions } from '../../options';
import type { Channels } from '../../create-factory';
import type { ChatTransport } from '../chat-transport';
import { browserNetwork } from '../resilient-socket';
import { GuestChatTransport } from './guest-chat-transport';

/**
 * The guest chat transport for the factory's options, made for each chat once the middleware's `/setup` is known
 * (org, deployment, queue and, for the emulator or a proxy, the guest API's origin). `/setup` is cached per factory.
 */
export function guestChatTransportFor(
  options: GenesysServiceDeskOptions,
  middleware: MiddlewareClient,
  logger: Logger,
): () => Promise<ChatTransport> {
  return async () => {
    const setup = await middleware.getSetup();
    const environment = options.genesysEnvironment ?? setup.environment ?? 'mypurecloud.com';
    return new GuestChatTransport({
      apiBaseUrl: options.genesysApiBaseUrl ?? setup.guest_api_base_url ?? `https://api.${environment}`,
      organizationId: setup.org_id,
      deploymentId: setup.deployment_id,
      queueName: setup.queue_target,
      memberAuthToken: (identityToken) => middleware.getMemberAuthToken(identityToken),
      webSocketCtor: options.webSocketCtor,
      heartbeatTimeoutMs: options.heartbeatTimeoutMs,
      network: options.network ?? browserNetwork(),
      backoff: options.backoff,
      maxReconnectAttempts: options.maxReconnectAttempts,
      logger,
    });
  };
}

/** The guest chat channel, for `createFactoryWith` (it needs the middleware: without one it is not offered). */
export const GUEST_CHAT: Channels = {
  'guest-chat': (options, middleware, logger) => middleware && guestChatTransportFor(options, middleware, logger),
};
