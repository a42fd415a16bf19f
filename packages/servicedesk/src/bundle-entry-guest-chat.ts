import { bundleFactory } from './bundle-factory';
import { GUEST_CHAT } from './transports/guest-chat/guest-chat-setup';

/**
 * Entry of `servicedesk.guest-chat.bundle.js`: guest chat only (the legacy channel, its SDK inside), for a site whose
 * middleware still says `guest-chat`; every other site loads `servicedesk.bundle.js`.
 */
export default bundleFactory(GUEST_CHAT);
