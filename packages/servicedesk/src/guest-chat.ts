import { factoryCreatorFor } from './host-factories';
import { GUEST_CHAT } from './transports/guest-chat/guest-chat-setup';
import { WEB_MESSAGING } from './transports/web-messaging/wm-setup';

/**
 * `genesys-handoff-servicedesk/guest-chat`: the factory with both channels, for orgs that still have guest chat
 * (ACD Web Chat v2, retired by Genesys). The `channel` option or the middleware's `/setup` picks one per chat. This
 * entry alone needs `purecloud-guest-chat-client` (an optional peer dependency of the package).
 */
export * from './index';
export const createGenesysServiceDeskFactory = factoryCreatorFor({ ...WEB_MESSAGING, ...GUEST_CHAT });
export type { ChatSession } from './transports/guest-chat/chat-session';
