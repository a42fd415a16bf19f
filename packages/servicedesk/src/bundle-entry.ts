import { bundleFactory } from './bundle-factory';
import { WEB_MESSAGING } from './transports/web-messaging/wm-setup';

/** Entry of `servicedesk.bundle.js`: Web Messaging, as the package's default entry (no guest chat SDK inside). */
export default bundleFactory(WEB_MESSAGING);
