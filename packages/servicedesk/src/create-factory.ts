import { earlierMessagesShower } from './hosts/earlier-messages';
import { carbonEndingText } from './hosts/ending-text';
import { carbonAdapter, watsonxAdapter } from './hosts/host-adapter';
import type { ServiceDeskFactoryParameters } from './hosts/host-types';
import { HANDOFF_LANGUAGE_PACK } from './hosts/language-pack';
import { watchQuickReplyChoices } from './hosts/quick-reply-choice';
import { MiddlewareClient } from './middleware-client';
import type { GenesysServiceDeskOptions } from './options';
import { GenesysServiceDesk } from './service-desk/genesys-service-desk';
import type { PageEvents } from './service-desk/resume-point';
import { DEFAULT_STRINGS } from './service-desk/strings';
import type { ChatTransport } from './transports/chat-transport';
import type { Logger } from './logger';

/** The host instance's way to scroll its message list to the bottom (Carbon AI Chat 1.x and hosted web chat v8). */
/** How long after the next frame the last scroll waits for a long message to be laid out. */
const LATE_SCROLL_MS = 100;

function scrollerOf(instance: unknown): (() => void) | undefined {
  const i = instance as { doAutoScroll?: (options?: { scrollToBottom?: number }) => unknown } | undefined;
  if (typeof i?.doAutoScroll !== 'function') return undefined;
  const scroll = () => void i.doAutoScroll!({ scrollToBottom: 0 });
  return () => {
    scroll();
    // The host says a line is added before it has laid it out: a scroll now stops short of it. Scroll again once the
    // next frame has been drawn, when a short line has its height, and once more a moment later: a long message's
    // text (several paragraphs) is drawn by a component of its own after that frame.
    const frame = (globalThis as { requestAnimationFrame?: (f: () => void) => unknown }).requestAnimationFrame;
    if (typeof frame !== 'function') return;
    frame(() => setTimeout(scroll, 0));
    frame(() => setTimeout(() => frame(() => setTimeout(scroll, LATE_SCROLL_MS)), 0));
  };
}

/** What every factory has beside making desks. */
export interface FactoryControls {
  /**
   * Call when the customer signs out of the site: a chat they are signed in to (authenticated chat) ends, at Genesys
   * too, and they are told so; anonymous chats go on. Resolves when that is done (true when a chat was ended), so a
   * page may reload after it.
   */
  logOut(): Promise<boolean>;
}

/** A factory's parts: `desk` makes the desk for one host instance; `host-factories.ts` gives it the host's shape. */
export interface FactoryParts extends FactoryControls {
  /** The host the options name (checked), which decides how the host gets the desk. */
  host: 'watsonx' | 'carbon';
  desk(parameters: ServiceDeskFactoryParameters): GenesysServiceDesk;
}

/** The page's window in a browser (the target of `pagehide` and, bubbling from the document, `visibilitychange`). */
function browserWindow(): PageEvents | undefined {
  const w = globalThis as Partial<PageEvents>;
  return typeof w.addEventListener === 'function' && typeof w.removeEventListener === 'function'
    ? (w as PageEvents)
    : undefined;
}

/** The Genesys channels: Web Messaging (current) and guest chat (retired by Genesys, kept as the legacy channel). */
export type Channel = 'web-messaging' | 'guest-chat';

/** The channel of a chat when neither the `channel` option nor the middleware's `/setup` names one. */
export const DEFAULT_CHANNEL: Channel = 'web-messaging';

/** How a channel's transport is made from the factory's options (guest chat needs the middleware; Web Messaging may not). */
export type ChannelTransportFor = (
  options: GenesysServiceDeskOptions,
  middleware: MiddlewareClient | undefined,
  logger: Logger,
) => (() => Promise<ChatTransport>) | undefined;

/**
 * The channels an entry point carries: the default entry and `servicedesk.bundle.js` Web Messaging, the
 * `guest-chat` entry both, `servicedesk.guest-chat.bundle.js` guest chat. Each channel is its own module
 * (`guest-chat-setup.ts`, `wm-setup.ts`), so an entry without it carries none of its code (nor guest chat's SDK).
 */
export type Channels = Partial<Record<Channel, ChannelTransportFor>>;

/**
 * A factory's parts for the channels given, with its options checked. One middleware client (and so one cached
 * `/setup`) per factory. The channel of a chat: the `channel` option, else the middleware's `/setup`, else the
 * entry's only channel, else Web Messaging (`DEFAULT_CHANNEL`).
 */
export function createFactoryWith(options: GenesysServiceDeskOptions, channels: Channels): FactoryParts {
  if (!options) throw new TypeError('createGenesysServiceDeskFactory: options are required');
  const carried = Object.keys(channels) as Channel[];
  const sole = carried.length === 1 ? carried[0] : undefined;
  const channel = options.channel;
  if (channel !== undefined && channel !== 'web-messaging' && channel !== 'guest-chat') {
    throw new TypeError(
      `createGenesysServiceDeskFactory: channel must be 'web-messaging' or 'guest-chat', not '${String(channel)}'`,
    );
  }
  if (channel !== undefined && !channels[channel])
    throw new TypeError(`createGenesysServiceDeskFactory: ${notCarried(channel)}`);
  // Web Messaging with its deployment and region named needs no middleware; everything else asks it.
  const standalone =
    (channel ?? sole ?? DEFAULT_CHANNEL) === 'web-messaging' && !!options.deploymentId && !!options.genesysEnvironment;
  const serverBaseUrl = options.serverBaseUrl;
  if (!standalone && (typeof serverBaseUrl !== 'string' || serverBaseUrl === '')) {
    throw new TypeError(
      'createGenesysServiceDeskFactory: serverBaseUrl (the middleware origin) is required, unless channel is ' +
        "'web-messaging' with a deploymentId and a genesysEnvironment",
    );
  }
  const host = options.host ?? 'carbon';
  if (host !== 'watsonx' && host !== 'carbon')
    throw new TypeError(`createGenesysServiceDeskFactory: host must be 'watsonx' or 'carbon', not '${String(host)}'`);
  const fetchImpl = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const middleware = serverBaseUrl ? new MiddlewareClient(serverBaseUrl, fetchImpl) : undefined;
  const logger = options.logger ?? {};
  // The factory is where a channel is chosen: the desk and the host adapters know only the transport interface.
  const made = {
    'web-messaging': channels['web-messaging']?.(options, middleware, logger),
    'guest-chat': channels['guest-chat']?.(options, middleware, logger),
  };
  const transport = async () => {
    const chosen = channel ?? (await middleware?.getSetup())?.channel ?? sole ?? DEFAULT_CHANNEL;
    const make = made[chosen];
    if (make) return make();
    if (!channels[chosen]) throw new TypeError(`the middleware asks for ${chosen}, but ${notCarried(chosen)}`);
    throw new TypeError('guest chat needs the middleware (serverBaseUrl)');
  };

  // The desks this factory made (one per host instance), for logOut. Held weakly: a desk its host has let go of is
  // not kept alive by the factory (a desk with a chat open stays reachable through its socket anyway).
  const desks = new Set<WeakRef<GenesysServiceDesk>>();
  const liveDesks = () => {
    const live: GenesysServiceDesk[] = [];
    for (const ref of desks) {
      const d = ref.deref();
      if (d) live.push(d);
      else desks.delete(ref);
    }
    return live;
  };
  const build = (parameters: ServiceDeskFactoryParameters) => {
    // The host tells its option choices to the page's instance, not to the desk: the desk listens there.
    const hearsChoices = (desk: () => GenesysServiceDesk) =>
      watchQuickReplyChoices(parameters.instance, (reply) => void desk().chooseQuickReply(reply));
    const adapter = host === 'watsonx' ? watsonxAdapter : carbonAdapter;
    const desk: GenesysServiceDesk = new GenesysServiceDesk({
      quickReplyDisplay: hearsChoices(() => desk) ? 'options' : 'text',
      scrollToLatest: scrollerOf(parameters.instance),
      transport,
      middleware,
      adapter,
      callback: parameters.callback,
      authenticatedChat: options.authenticatedChat ?? false,
      availability: (options.availability ?? false) && middleware !== undefined,
      getIdentityToken: options.getIdentityToken,
      userProfile: options.userProfile,
      customFields: options.customFields,
      showSystemMessages: options.showSystemMessages ?? true,
      endingText: host === 'carbon' ? carbonEndingText(parameters.instance) : undefined,
      // Carbon keeps no transcript of an agent chat across a reload; hosted web chat keeps a session history of its own.
      showEarlier:
        (options.restoreEarlierMessages ?? host === 'carbon')
          ? earlierMessagesShower(parameters.instance, adapter)
          : undefined,
      availabilityRefreshMs: options.availabilityRefreshMs ?? 10_000,
      typingThrottleMs: options.typingThrottleMs ?? 5000,
      longMessages: options.longMessages ?? 'split',
      strings: { ...DEFAULT_STRINGS, ...options.strings },
      logger,
      now: () => Date.now(),
      pageEvents: options.pageEvents ?? browserWindow(),
    });
    liveDesks();
    desks.add(new WeakRef(desk));
    return desk;
  };

  // Hosted web chat takes language pack changes from its instance; Carbon takes them from the page (`strings`).
  const withLanguagePack = (p: ServiceDeskFactoryParameters) => {
    const instance = p.instance as { updateLanguagePack?: (pack: object) => unknown } | undefined;
    if (typeof instance?.updateLanguagePack === 'function') instance.updateLanguagePack({ ...HANDOFF_LANGUAGE_PACK });
    return build(p);
  };
  return {
    host,
    desk: host === 'watsonx' ? withLanguagePack : build,
    logOut: async () => (await Promise.all(liveDesks().map((d) => d.logOut()))).some(Boolean),
  };
}

/** Why a channel cannot be used from this entry point, in words that say where it is. */
function notCarried(channel: Channel): string {
  return channel === 'guest-chat'
    ? "guest chat (the legacy channel) comes from 'genesys-handoff-servicedesk/guest-chat' " +
        '(or servicedesk.guest-chat.bundle.js); this entry carries Web Messaging only'
    : 'this build carries guest chat only, not Web Messaging';
}
