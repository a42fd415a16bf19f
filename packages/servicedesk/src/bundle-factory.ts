import type { Channels } from './create-factory';
import { factoryCreatorFor } from './host-factories';
import type { GenesysServiceDeskOptions } from './options';

declare const __SERVER_BASE_URL__: string;

/**
 * The factory a classic-script bundle defines as `window.WebChatServiceDeskFactory`, for the hosted watsonx web chat.
 * Options: the build-time `SERVER_BASE_URL`, overridden by `window.WebChatServiceDeskFactoryOptions` when the page
 * sets it before loading the script.
 */
export function bundleFactory(channels: Channels) {
  const runtime =
    (globalThis as { WebChatServiceDeskFactoryOptions?: Partial<GenesysServiceDeskOptions> })
      .WebChatServiceDeskFactoryOptions ?? {};
  return factoryCreatorFor(channels)({ serverBaseUrl: __SERVER_BASE_URL__, host: 'watsonx', ...runtime });
}
