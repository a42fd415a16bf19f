import type { Logger } from '../../logger';
import type { SetupValues } from '../../middleware-client';
import type { GenesysServiceDeskOptions } from '../../options';
import type { Channels } from '../../create-factory';
import type { ChatTransport } from '../chat-transport';
import { browserNetwork } from '../resilient-socket';
import { WebMessagingTransport, type TokenMemory } from './wm-transport';

/**
 * The Web Messaging transport for the factory's options and, when there is a middleware, its `/setup` (the Messenger
 * deployment, the region, and for the emulator or a proxy the REST origin). One transport per factory: the
 * deployment's configuration is read once and the page's guest token is kept for its next chat.
 */
export function webMessagingTransportFor(
  options: GenesysServiceDeskOptions,
  setup: (() => Promise<SetupValues>) | undefined,
  logger: Logger,
): () => Promise<ChatTransport> {
  const memory: TokenMemory = {};
  let made: WebMessagingTransport | undefined;
  return async () => {
    if (made) return made;
    const s = options.deploymentId && options.genesysEnvironment ? undefined : await setup?.();
    const deploymentId = options.deploymentId ?? s?.deployment_id;
    if (!deploymentId) throw new TypeError('Web Messaging needs a deploymentId (an option, or the middleware /setup)');
    const environment = options.genesysEnvironment ?? s?.environment ?? 'mypurecloud.com';
    const rest = options.genesysApiBaseUrl ?? s?.guest_api_base_url ?? undefined;
    made = new WebMessagingTransport(
      {
        deploymentId,
        environment,
        socketUrl: options.webMessagingUrl,
        apiBaseUrl: rest ?? `https://api.${environment}`,
        configBaseUrl: rest ?? `https://api-cdn.${environment}`,
        webSocketCtor: options.webSocketCtor,
        fetch: options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args)),
        heartbeatTimeoutMs: options.heartbeatTimeoutMs,
        network: options.network ?? browserNetwork(),
        backoff: options.backoff,
        maxReconnectAttempts: options.maxReconnectAttempts,
        logger,
      },
      memory,
    );
    return made;
  };
}

/** The Web Messaging channel, for `createFactoryWith`. */
export const WEB_MESSAGING: Channels = {
  'web-messaging': (options, middleware, logger) =>
    webMessagingTransportFor(options, middleware && (() => middleware.getSetup()), logger),
};
