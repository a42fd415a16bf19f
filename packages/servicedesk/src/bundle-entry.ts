import { createGenesysServiceDeskFactory, type ServiceDeskFactory } from './create-factory';
import type { GenesysServiceDeskOptions } from './options';

/**
 * Entry of `servicedesk.bundle.js`, the classic script for the hosted watsonx web chat: it defines
 * `window.WebChatServiceDeskFactory`. Options: the build-time `SERVER_BASE_URL`, overridden by
 * `window.WebChatServiceDeskFactoryOptions` when the page sets it before loading the script.
 */

declare const __SERVER_BASE_URL__: string;

const runtime =
  (globalThis as { WebChatServiceDeskFactoryOptions?: Partial<GenesysServiceDeskOptions> })
    .WebChatServiceDeskFactoryOptions ?? {};

const factory: ServiceDeskFactory = createGenesysServiceDeskFactory({
  serverBaseUrl: __SERVER_BASE_URL__,
  host: 'watsonx',
  ...runtime,
});

export default factory;
