import {
  DEMO_IDENTITY_PROVIDER,
  resolveMessengerDeployment,
  type IdentityProviderConfig,
  type MessengerDeployment,
  type MessengerDeploymentConfig,
} from './messaging/deployment';
import { defaultMaxFrameBytes } from './limits';
import type { TlsOption } from './tls';

/**
 * Emulator configuration. Where Genesys' behaviour is not known (the order of a transfer's frames, the heartbeat
 * interval, what an unknown queue does), it is a knob here, with the likely behaviour as its default.
 */

export interface DeploymentConfig {
  /** Web chat deployment id (`deploymentId` in the create request, `did` in the guest JWT). */
  id: string;
  /** The widget setting "Require Authentication": create needs a `memberAuthToken` from `POST /api/v2/signeddata`. */
  requireAuth?: boolean;
  /** Allowed `Origin`s for create; empty or absent allows every origin. A browser create from another origin gets 403 `origin.not.allowed`. */
  allowedOrigins?: string[];
  /** A disabled deployment answers 400 `chat.deployment.disabled`. */
  disabled?: boolean;
  /**
   * An Architect inbound chat flow: when set, a WORKFLOW member joins after the socket attaches, optionally posts a
   * notice, and leaves before the chat is queued.
   */
  workflow?: { displayName: string; notice?: string } | null;
}

export interface QueueConfig {
  id: string;
  name: string;
  /** Average handle time used to compute the estimated wait (seconds). @default 120 */
  averageHandleSeconds?: number;
  /**
   * Conversations of other media types in this queue (voice, email, message, ...), reported by the observations query
   * beside the chat numbers, so a client that sums every media type is caught.
   */
  otherMedia?: Record<string, { waiting?: number; interacting?: number }>;
}

export type RoutingStatus = 'OFF_QUEUE' | 'IDLE' | 'INTERACTING' | 'COMMUNICATING' | 'NOT_RESPONDING';

export interface AgentConfig {
  id: string;
  name: string;
  /** @default an SVG with the agent's initials served by the emulator at `/avatars/{agentId}.svg` */
  avatarImageUrl?: string;
  /** Queue ids this agent is a member of. @default every queue */
  queueIds?: string[];
  /** On queue (available for routing) at start. @default true */
  onQueue?: boolean;
}

export interface OAuthClientConfig {
  clientId: string;
  clientSecret: string;
  name?: string;
}

export type TransferOrder = 'leave-first' | 'alert-first';

/** Settings that tests and the console may change at run time (`PUT /control/settings`). */
export interface RuntimeSettings {
  /** Interval of `channel.metadata` heartbeat frames on guest sockets (ms). @default 30000 */
  heartbeatIntervalMs: number;
  /** Guest inactivity before the chat is ended, counted only once an agent has joined (ms). @default 900000 (15 min) */
  guestInactivityMs: number;
  /** During a transfer, whether the old agent's DISCONNECTED comes before the new agent's ALERTING. @default 'leave-first' */
  transferOrder: TransferOrder;
  /** Close guest sockets with 1001 "The conversation is ended" when the chat ends. @default true */
  closeSocketOnEnd: boolean;
  /** Replay the events a socket missed when it reconnects (Genesys does not; for robustness tests only). @default false */
  replayOnReconnect: boolean;
  /** Send every event frame twice (the swagger warns of re-delivery). @default false */
  duplicateEvents: boolean;
  /** Broadcast the echo of a posted message or typing before the REST response is sent. @default false */
  echoBeforeResponse: boolean;
  /** How long the REST response waits after the echo when `echoBeforeResponse` is on (ms). @default 50 */
  echoLeadMs: number;
  /** Delay between agent ALERTING and CONNECTED when a chat is accepted (ms). @default 0 */
  alertingMs: number;
  /** What create does with a queue name it does not know: reject (400 `chat.error.invalid.queue`) or accept and never route. @default 'reject' */
  unknownQueue: 'reject' | 'accept-never-route';
  /** An automatic agent that accepts queued chats and answers every guest message (demos and load). */
  autoAgent: AutoAgentSettings;
  /**
   * Web Messaging: hold what is pushed to a session for this long and deliver it in reverse order (Genesys does not
   * guarantee ordering; clients sort by `channel.time`). 0: in order. @default 0
   */
  messagingOutOfOrderWindowMs: number;
  /** Web Messaging: send every Inbound echo twice. @default false */
  messagingDuplicateEchoes: boolean;
}

export interface AutoAgentSettings {
  enabled: boolean;
  /** Agent id the automatic agent acts as. @default the first configured agent */
  agentId?: string;
  /** Delay before accepting a queued chat (ms). @default 1000 */
  acceptDelayMs: number;
  /** Delay before answering a guest message, during which the agent is shown typing (ms). @default 800 */
  replyDelayMs: number;
  /** Greeting sent once connected. @default "Hi, I'm {name}. How can I help?" */
  greeting: string;
}

export interface EmulatorOptions extends Partial<Omit<RuntimeSettings, 'autoAgent'>> {
  /** TCP port; 0 picks a free one. @default 8787 */
  port?: number;
  /** Interface to listen on. @default '127.0.0.1' */
  host?: string;
  organizationId?: string;
  organizationName?: string;
  deployments?: DeploymentConfig[];
  queues?: QueueConfig[];
  agents?: AgentConfig[];
  oauthClients?: OAuthClientConfig[];
  /** Lifetime of guest chat JWTs (seconds). Real samples show ~21 h. @default 75600 */
  guestJwtLifetimeSeconds?: number;
  /** Lifetime of client-credentials access tokens (seconds). @default 86400 */
  accessTokenLifetimeSeconds?: number;
  /** Lifetime of signed-data JWTs (seconds). @default 3600 */
  signedDataLifetimeSeconds?: number;
  /** Platform API requests per minute per access token before 429. @default 300 */
  platformRateLimitPerMinute?: number;
  autoAgent?: Partial<AutoAgentSettings>;
  /** Messenger deployments (Web Messaging). @default the two demo deployments of `DEMO` */
  messengerDeployments?: MessengerDeploymentConfig[];
  /**
   * The identity provider the default authenticated Messenger deployment trusts: a site's own (its signing key as a
   * JWK; an HS256 secret as an `oct` key), so the site's identity tokens sign customers in. @default the built-in demo
   * provider (`POST /control/messaging/identity-tokens`)
   */
  messengerIdentityProvider?: IdentityProviderConfig;
  /** Lifetime of the history JWT of `getJwt` (seconds). @default 3600 */
  messagingJwtLifetimeSeconds?: number;
  /** Lifetime of the authenticated-messaging JWT of the code exchange and refresh (seconds). @default 3600 */
  authJwtLifetimeSeconds?: number;
  /** Longest guest text before error 4011 (characters; the real limit is undocumented). @default 4096 */
  maxMessageLength?: number;
  /**
   * Largest WebSocket frame (or fragmented message) a client may send, on every socket; a larger one closes the
   * socket with 1009 before it is read. @default the larger of 64 KiB and 6 bytes per character of `maxMessageLength` + 16 KiB
   */
  maxFrameBytes?: number;
  /** Sockets one session token may hold; the oldest gets ConnectionClosedEvent beyond it (real number undocumented). @default 10 */
  maxConnectionsPerSession?: number;
  /**
   * Host names the emulator answers besides the loopback names (`localhost`, `*.localhost`, `127.x.x.x`, `::1`) and
   * the address it listens on: e.g. `['emulator']` for the other containers of a compose stack, or the machine's
   * name for a remote agent. `true` answers any (no protection against DNS rebinding). @default []
   */
  allowedHosts?: string[] | true;
  /**
   * Browser origins that may use the control API and the agent console besides the emulator's own pages (`'*'`: any),
   * e.g. a test tool served elsewhere. @default []
   */
  controlOrigins?: string[];
  /**
   * Serve `https://` and `wss://` instead of `http://` and `ws://`: a PEM certificate and key, or `'self-signed'` for
   * a certificate made at start for the loopback names, the listening address and `allowedHosts`
   * (`RunningEmulator.tls.cert` is the one to trust). @default none (plain HTTP)
   */
  tls?: TlsOption;
  /** Fastify request logging to stdout. @default false */
  logger?: boolean;
}

/** Fixed ids of the built-in demo setup, so the middleware's `.env` can point at them. */
export const DEMO = {
  organizationId: '5a1f2c3d-0e4b-4c6a-9d8e-7f6a5b4c3d2e',
  deploymentId: '9c0e8f7a-6b5d-4c3e-8a1b-2d3c4e5f6a7b',
  authDeploymentId: 'a7b6c5d4-e3f2-4a1b-9c8d-7e6f5a4b3c2d',
  queueName: 'Chat Queue',
  queueId: '3b9d2e71-4c5a-4f60-8e1d-92a7c6b5d403',
  clientId: 'emulator-client-id',
  clientSecret: 'emulator-client-secret',
  /** Messenger deployment (Web Messaging): bot greeting, then the queue; read-only disconnect. */
  messengerDeploymentId: '4e8a1c2b-7d3f-4a5e-9b6c-0f1e2d3c4b5a',
  /** Messenger deployment with authenticated messaging (the built-in demo identity provider). */
  messengerAuthDeploymentId: 'd3c2b1a0-9f8e-4d7c-8b6a-5e4f3a2b1c0d',
  identityIssuer: DEMO_IDENTITY_PROVIDER.issuer,
  identityAudience: DEMO_IDENTITY_PROVIDER.audience,
} as const;

export interface ResolvedOptions extends RuntimeSettings {
  port: number;
  host: string;
  organizationId: string;
  organizationName: string;
  deployments: DeploymentConfig[];
  queues: QueueConfig[];
  agents: AgentConfig[];
  oauthClients: OAuthClientConfig[];
  guestJwtLifetimeSeconds: number;
  accessTokenLifetimeSeconds: number;
  signedDataLifetimeSeconds: number;
  platformRateLimitPerMinute: number;
  messengerDeployments: MessengerDeployment[];
  messagingJwtLifetimeSeconds: number;
  authJwtLifetimeSeconds: number;
  maxMessageLength: number;
  maxConnectionsPerSession: number;
  maxFrameBytes: number;
  allowedHosts: string[] | true;
  controlOrigins: string[];
  logger: boolean;
}

export function resolveOptions(options: EmulatorOptions = {}): ResolvedOptions {
  const agents = options.agents ?? [
    { id: '7d1c4a9e-2b3f-4e5d-8c6a-1f0e9d8c7b6a', name: 'Alex Agent' },
    { id: 'c2e4f6a8-1b3d-4f5a-9c7e-0d2b4f6a8c1e', name: 'Blair Expert' },
  ];
  return {
    port: options.port ?? 8787,
    host: options.host ?? '127.0.0.1',
    organizationId: options.organizationId ?? DEMO.organizationId,
    organizationName: options.organizationName ?? 'Emulated Org',
    deployments: options.deployments ?? [
      {
        id: DEMO.deploymentId,
        workflow: { displayName: 'Inbound chat flow', notice: 'Thanks for contacting us. Finding an agent for you.' },
      },
      { id: DEMO.authDeploymentId, requireAuth: true },
    ],
    queues: options.queues ?? [{ id: DEMO.queueId, name: DEMO.queueName }],
    agents,
    oauthClients: options.oauthClients ?? [
      { clientId: DEMO.clientId, clientSecret: DEMO.clientSecret, name: 'Emulator client' },
    ],
    guestJwtLifetimeSeconds: options.guestJwtLifetimeSeconds ?? 21 * 3600,
    accessTokenLifetimeSeconds: options.accessTokenLifetimeSeconds ?? 86400,
    signedDataLifetimeSeconds: options.signedDataLifetimeSeconds ?? 3600,
    platformRateLimitPerMinute: options.platformRateLimitPerMinute ?? 300,
    messengerDeployments: (
      options.messengerDeployments ?? [
        {
          id: DEMO.messengerDeploymentId,
          name: 'Demo Messenger',
          flow: {
            botName: 'Emulated Bot',
            greeting: 'Hi, I am the virtual assistant. An agent will be with you shortly.',
            queue: DEMO.queueId,
          },
        },
        {
          id: DEMO.messengerAuthDeploymentId,
          name: 'Demo Messenger (authenticated)',
          authentication: {
            enabled: true,
            identityProvider: { ...(options.messengerIdentityProvider ?? DEMO_IDENTITY_PROVIDER) },
          },
          flow: { botName: 'Emulated Bot', greeting: 'Welcome back. Finding an agent for you.', queue: DEMO.queueId },
        },
      ]
    ).map(resolveMessengerDeployment),
    messagingJwtLifetimeSeconds: options.messagingJwtLifetimeSeconds ?? 3600,
    authJwtLifetimeSeconds: options.authJwtLifetimeSeconds ?? 3600,
    maxMessageLength: options.maxMessageLength ?? 4096,
    maxFrameBytes: options.maxFrameBytes ?? defaultMaxFrameBytes(options.maxMessageLength ?? 4096),
    maxConnectionsPerSession: options.maxConnectionsPerSession ?? 10,
    allowedHosts: options.allowedHosts ?? [],
    controlOrigins: options.controlOrigins ?? [],
    logger: options.logger ?? false,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 30_000,
    guestInactivityMs: options.guestInactivityMs ?? 15 * 60_000,
    transferOrder: options.transferOrder ?? 'leave-first',
    closeSocketOnEnd: options.closeSocketOnEnd ?? true,
    replayOnReconnect: options.replayOnReconnect ?? false,
    duplicateEvents: options.duplicateEvents ?? false,
    echoBeforeResponse: options.echoBeforeResponse ?? false,
    echoLeadMs: options.echoLeadMs ?? 50,
    alertingMs: options.alertingMs ?? 0,
    unknownQueue: options.unknownQueue ?? 'reject',
    messagingOutOfOrderWindowMs: options.messagingOutOfOrderWindowMs ?? 0,
    messagingDuplicateEchoes: options.messagingDuplicateEchoes ?? false,
    autoAgent: {
      enabled: false,
      acceptDelayMs: 1000,
      replyDelayMs: 800,
      greeting: "Hi, I'm {name}. How can I help?",
      ...options.autoAgent,
    },
  };
}
