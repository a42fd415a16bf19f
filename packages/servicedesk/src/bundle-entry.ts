import { bundleFactory } from './bundle-factory';
import { GUEST_CHAT } from './transports/guest-chat/guest-chat-setup';
import { WEB_MESSAGING } from './transports/web-messaging/wm-setup';

/** Entry of `servicedesk.bundle.js`: both channels; the middleware's `/setup` (or the `channel` option) picks one. */
export default bundleFactory({ ...WEB_MESSAGING, ...GUEST_CHAT });
