import { carbonAdapter, watsonxAdapter } from './hosts/host-adapter';
import type { ServiceDeskFactoryParameters } from './hosts/host-types';
import { MiddlewareClient } from './middleware-client';
import type { GenesysServiceDeskOptions } from './options';
import { GenesysServiceDesk } from './service-desk/genesys-service-desk';
import type { PageEvents } from './service-desk/resume-point';
import { DEFAULT_STRINGS } from './service-desk/strings';
import { guestChatTransportFor } from './transports/guest-chat/guest-chat-setup';

export type ServiceDeskFactory = (
  parameters: ServiceDeskFactoryParameters,
) => GenesysServiceDesk | Promise<GenesysServiceDesk>;

/** The page's window in a browser (the target of `pagehide` and, bubbling from the document, `visibilitychange`). */
function browserWindow(): PageEvents | undefined {
  const w = globalThis as Partial<PageEvents>;
  return typeof w.addEventListener === 'function' && typeof w.removeEventListener === 'function'
    ? (w as PageEvents)
    : undefined;
}

/**
 * The `serviceDeskFactory` both hosts accept. Hosted watsonx web chat gets the instance synchronously (the only
 * shape proven on v7); Carbon AI Chat gets a Promise, as its types say. One middleware client (and so one cached
 * `/setup`) per factory.
 */
export function createGenesysServiceDeskFactory(options: GenesysServiceDeskOptions): ServiceDeskFactory {
  if (!options || typeof options.serverBaseUrl !== 'string' || options.serverBaseUrl === '') {
    throw new TypeError('createGenesysServiceDeskFactory: serverBaseUrl (the middleware origin) is required');
  }
  const host = options.host ?? 'carbon';
  if (host !== 'watsonx' && host !== 'carbon')
    throw new TypeError(`createGenesysServiceDeskFactory: host must be 'watsonx' or 'carbon', not '${String(host)}'`);
  const fetchImpl = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const middleware = new MiddlewareClient(options.serverBaseUrl, fetchImpl);
  const logger = options.logger ?? {};
  // The factory is where a channel is chosen: the desk and the host adapters know only the transport interface.
  const transport = guestChatTransportFor(options, middleware, logger);

  const build = (parameters: ServiceDeskFactoryParameters) =>
    new GenesysServiceDesk({
      transport,
      middleware,
      adapter: host === 'watsonx' ? watsonxAdapter : carbonAdapter,
      callback: parameters.callback,
      authenticatedChat: options.authenticatedChat ?? false,
      availability: options.availability ?? false,
      getIdentityToken: options.getIdentityToken,
      userProfile: options.userProfile,
      customFields: options.customFields,
      showSystemMessages: options.showSystemMessages ?? true,
      availabilityRefreshMs: options.availabilityRefreshMs ?? 10_000,
      typingThrottleMs: options.typingThrottleMs ?? 3000,
      longMessages: options.longMessages ?? 'split',
      strings: { ...DEFAULT_STRINGS, ...options.strings },
      logger,
      now: () => Date.now(),
      pageEvents: options.pageEvents ?? browserWindow(),
    });

  return host === 'watsonx' ? (p) => build(p) : async (p) => build(p);
}
