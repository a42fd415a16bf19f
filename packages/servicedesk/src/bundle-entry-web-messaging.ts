import { bundleFactory } from './bundle-factory';
import { WEB_MESSAGING } from './transports/web-messaging/wm-setup';

/** Entry of `servicedesk.web-messaging.bundle.js`: Web Messaging only (no guest chat SDK inside). */
export default bundleFactory(WEB_MESSAGING);
