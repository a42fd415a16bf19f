import type { Channel } from './create-factory';
import type { Logger } from './logger';
import type { PageEvents } from './service-desk/resume-point';
import type { ServiceDeskStrings } from './service-desk/strings';
import type { UserProfile } from './service-desk/user-profile';
import type { BackoffConfig } from './streams/backoff';
import type { IdentityCredential, WebSocketCtor } from './transports/chat-transport';

/** Options of `createGenesysServiceDeskFactory` (names fixed by the public contract: docs/architecture.md, "Public contracts"). */
export interface GenesysServiceDeskOptions {
  /**
   * The middleware (fastify-server) origin, e.g. `https://chat-middleware.example.com`. Required, except with
   * `channel: 'web-messaging'`, a `deploymentId` and a `genesysEnvironment` (then availability is off).
   */
  serverBaseUrl?: string;
  /**
   * The Genesys channel. Guest chat needs the `genesys-handoff-servicedesk/guest-chat` entry.
   * @default what the middleware's `/setup` says (`channel`), else the entry's only channel, else 'web-messaging'
   */
  channel?: Channel;
  /** Web Messaging: the Messenger deployment. @default the middleware's `deployment_id` */
  deploymentId?: string;
  /**
   * Web Messaging: the guest socket's origin. @default the deployment's configured endpoint, else
   * `wss://webmessaging.<genesysEnvironment>`
   */
  webMessagingUrl?: string;
  /**
   * Origin of the Genesys guest REST API (guest chat; Web Messaging's history and deployment configuration). @default
   * the middleware's `guest_api_base_url`, else `https://api.<genesysEnvironment>` (Web Messaging's configuration:
   * `https://api-cdn.<genesysEnvironment>`)
   */
  genesysApiBaseUrl?: string;
  /** Genesys region domain. @default the middleware's `environment`, else `mypurecloud.com` */
  genesysEnvironment?: string;
  /** @default globalThis.WebSocket (pass `ws` in Node) */
  webSocketCtor?: WebSocketCtor;
  /** Which web chat hosts the service desk. @default 'carbon' */
  host?: 'watsonx' | 'carbon';
  /**
   * Identity-verified chats: needs `getIdentityToken` (guest chat: and the middleware's `/jwt`; Web Messaging: a
   * Messenger deployment with authentication on). @default false
   */
  authenticatedChat?: boolean;
  /** Ask the middleware whether agents are on queue, and show queue position and wait. @default false */
  availability?: boolean;
  /**
   * The site's identity for authenticated chat, asked for when a chat starts. Guest chat: the site's identity JWT
   * (sent to the middleware's `/jwt` as a bearer token). Web Messaging: an OpenID Connect ID token (its `nonce` claim
   * is sent as the nonce), `{ idToken, nonce }`, or `{ code, redirectUri, codeVerifier }`, exchanged at Genesys.
   */
  getIdentityToken?: () => Promise<IdentityCredential>;
  logger?: Logger;
  /** The customer as the agent sees them. @default the host's user id when it is not anonymous, else "Customer" */
  userProfile?: UserProfile | (() => Promise<UserProfile> | UserProfile);
  /** Extra Genesys custom fields for every chat (string values). */
  customFields?: Record<string, string>;
  /** Show notices of the chat flow and the queue to the customer. @default true */
  showSystemMessages?: boolean;
  /** While waiting, how often queue position and wait are refreshed (ms). @default 10000 */
  availabilityRefreshMs?: number;
  /** At most one "typing" to Genesys per this many ms (Genesys' own clients send one per 5 s). @default 5000 */
  typingThrottleMs?: number;
  /**
   * After a page reload mid-chat, show the messages the customer had seen (from the conversation's history at Genesys)
   * through the host instance's `messaging.insertHistory`. Carbon AI Chat keeps no transcript of an agent chat across a
   * reload; hosted watsonx web chat keeps a session history of its own, so it is left to that there
   * (docs/webchat-hosts.md, "The service desk factory").
   * @default true for `host: 'carbon'`, false for `host: 'watsonx'`
   */
  restoreEarlierMessages?: boolean;
  /** Over 4,000 characters: `split` into several messages, or `reject` (the host marks it failed). @default 'split' */
  longMessages?: 'split' | 'reject';
  /**
   * No frame on the chat's socket (heartbeats included) for this long: the socket is dead (noticed within an eighth
   * more). @default 75000 on guest chat (two and a half of Genesys' 30 s heartbeats), 100000 on Web Messaging (two of
   * the client's 45 s echoes missed)
   */
  heartbeatTimeoutMs?: number;
  /**
   * The network's state as the browser knows it: `offline` drops the chat's socket at once (the customer is told and
   * messages wait), no reconnect is tried until `online`, which reconnects at once.
   * @default the window and `navigator.onLine` in a browser; none in Node
   */
  network?: {
    events: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;
    online: () => boolean;
  };
  backoff?: BackoffConfig;
  /** @default 20 */
  maxReconnectAttempts?: number;
  strings?: Partial<ServiceDeskStrings>;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /**
   * The page's event target: on `pagehide` and `visibilitychange` the desk writes the chat's resume point to the
   * host's persisted state at once (otherwise it writes it once per task, after the messages the host has shown).
   * @default window in a browser; none in Node
   */
  pageEvents?: PageEvents;
}
