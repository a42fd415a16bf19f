import { createFactoryWith, type ServiceDeskFactory } from './create-factory';
import type { GenesysServiceDeskOptions } from './options';
import { GUEST_CHAT } from './transports/guest-chat/guest-chat-setup';
import { WEB_MESSAGING } from './transports/web-messaging/wm-setup';

/** The client's factory with both channels: the `channel` option or the middleware's `/setup` picks one per chat. */
export function createGenesysServiceDeskFactory(options: GenesysServiceDeskOptions): ServiceDeskFactory {
  return createFactoryWith(options, { ...WEB_MESSAGING, ...GUEST_CHAT });
}
