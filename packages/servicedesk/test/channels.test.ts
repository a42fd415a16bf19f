import { createFactoryWith, type Channels } from '../src/create-factory';
import { WEB_MESSAGING } from '../src/transports/web-messaging/wm-setup';

// Which channels a build carries is all these tests need: the guest chat maker is never called here (and the real one
// would load the guest chat SDK, which in Node watches a file beyond the test's end).
const GUEST_CHAT: Channels = { 'guest-chat': () => undefined };

/**
 * A build carries the channels it was given: a single-channel bundle refuses the other channel with a clear error at
 * once, and its own channel is the default (a Web Messaging-only page needs no middleware when it names its deployment).
 */
describe('createFactoryWith: the channels a build carries', () => {
  it('a Web Messaging-only build refuses guest chat, naming what it carries', () => {
    expect(() =>
      createFactoryWith({ serverBaseUrl: 'http://127.0.0.1:1', channel: 'guest-chat' }, WEB_MESSAGING),
    ).toThrow('this build carries only web-messaging, not guest-chat');
  });

  it('a guest chat-only build refuses Web Messaging', () => {
    expect(() =>
      createFactoryWith({ serverBaseUrl: 'http://127.0.0.1:1', channel: 'web-messaging' }, GUEST_CHAT),
    ).toThrow('this build carries only guest-chat, not web-messaging');
  });

  it('a Web Messaging-only build defaults to its channel: a deployment and region are enough, no middleware', () => {
    expect(() =>
      createFactoryWith({ deploymentId: 'd-1', genesysEnvironment: 'mypurecloud.com' }, WEB_MESSAGING),
    ).not.toThrow();
    // With both channels, nothing says which one: the middleware is required to ask.
    expect(() =>
      createFactoryWith(
        { deploymentId: 'd-1', genesysEnvironment: 'mypurecloud.com' },
        { ...WEB_MESSAGING, ...GUEST_CHAT },
      ),
    ).toThrow('serverBaseUrl (the middleware origin) is required');
  });
});
