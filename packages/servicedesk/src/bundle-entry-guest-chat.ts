import { bundleFactory } from './bundle-factory';
import { GUEST_CHAT } from './transports/guest-chat/guest-chat-setup';

/** Entry of `servicedesk.guest-chat.bundle.js`: guest chat only (no Web Messaging transport inside). */
export default bundleFactory(GUEST_CHAT);
