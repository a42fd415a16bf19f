import { createFactoryWith, type Channels } from '../src/create-factory';
import { WEB_MESSAGING } from '../src/transports/web-messaging/wm-setup';

// Which channels a build carries is all these tests need: the guest chat maker is never called here (and the real one
// would load the guest chat SDK, which in Node watches a file beyond the test's end).
const GUEST_CHAT: Channels = { 'guest-chat': () => undefined };

/**
 * An entry point carries the channels it was given: the default entry (Web Messaging) refuses guest chat with an
 * error that says where guest chat is, and Web Messaging is the default channel (a page that names its deployment
 * needs no middleware), never guest chat.
 */
describe('createFactoryWith: the channels an entry carries', () => {
  it('the Web Messaging entry refuses guest chat, naming the entry that has it', () => {
    expect(() =>
      createFactoryWith({ serverBaseUrl: 'http://127.0.0.1:1', channel: 'guest-chat' }, WEB_MESSAGING),
    ).toThrow(
      "guest chat (the legacy channel) comes from 'genesys-handoff-servicedesk/guest-chat' " +
        '(or servicedesk.guest-chat.bundle.js); this entry carries Web Messaging only',
    );
  });

  it('a guest chat-only build refuses Web Messaging', () => {
    expect(() =>
      createFactoryWith({ serverBaseUrl: 'http://127.0.0.1:1', channel: 'web-messaging' }, GUEST_CHAT),
    ).toThrow('this build carries guest chat only, not Web Messaging');
  });

  it('Web Messaging is the default channel: a deployment and region are enough, no middleware, with either entry', () => {
    expect(() =>
      createFactoryWith({ deploymentId: 'd-1', genesysEnvironment: 'mypurecloud.com' }, WEB_MESSAGING),
    ).not.toThrow();
    expect(() =>
      createFactoryWith(
        { deploymentId: 'd-1', genesysEnvironment: 'mypurecloud.com' },
        { ...WEB_MESSAGING, ...GUEST_CHAT },
      ),
    ).not.toThrow();
    // Guest chat, asked for by name, still needs its middleware.
    expect(() =>
      createFactoryWith(
        { channel: 'guest-chat', deploymentId: 'd-1', genesysEnvironment: 'mypurecloud.com' },
        { ...WEB_MESSAGING, ...GUEST_CHAT },
      ),
    ).toThrow('serverBaseUrl (the middleware origin) is required');
  });
});
