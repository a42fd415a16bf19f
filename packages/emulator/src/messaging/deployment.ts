/**
 * A Messenger deployment (Web Messaging): what the guest socket, the REST endpoints and `config.json` answer from.
 * Every field the documentation leaves open is a knob, with the documented or the most common setting as default.
 */

export type DisconnectType = 'ReadOnly' | 'Send';

/** The identity provider an authenticated deployment trusts: its signing key, issuer and audience (the client id). */
export interface IdentityProviderConfig {
  issuer: string;
  audience: string;
  /** The provider's public key as a JWK (RS256 or ES256). Absent: the emulator's built-in demo provider key. */
  publicKeyJwk?: Record<string, unknown>;
}

export interface MessengerAttachmentsConfig {
  enabled: boolean;
  /** MIME types guests may send; `*\/*` allows every type, `image/*` a family. */
  allowedTypes: string[];
  maxFileSizeKB: number;
  /** File extensions refused whatever the type (e.g. `.exe`). */
  blockedExtensions: string[];
}

export interface MessengerFlowConfig {
  /** The bot's display name (`humanize.bot.name`); its messages carry it as `channel.from.nickname`. Absent: no persona. */
  botName?: string;
  /** Sent when the flow starts (auto-start Join or the first message). Empty: no greeting. */
  greeting: string;
  /** Quick replies offered with the greeting. */
  quickReplies?: string[];
  /** The queue the flow routes to (id or name). */
  queue: string;
}

export interface MessengerDeploymentConfig {
  id: string;
  name?: string;
  /** An `Inactive` deployment still answers config.json (clients must check `status`) but refuses the socket. @default 'Active' */
  status?: 'Active' | 'Inactive';
  /** Origins allowed to open the socket; empty or absent allows every origin. */
  allowedOrigins?: string[];
  /** Messenger sends a Presence Join right after a new session. @default true */
  autoStart?: boolean;
  /** Whether an agent's or bot's disconnect reaches the guest, and whether the session becomes read-only. @default {enabled: true, type: 'ReadOnly'} */
  conversationDisconnect?: { enabled: boolean; type: DisconnectType };
  /** Presence Clear allowed. @default true */
  conversationClear?: boolean;
  /**
   * Agents' and the flow's texts are Markdown (`markdown.enabled`): Messenger shows them formatted. Can be turned on and
   * off while the emulator runs (`PUT /control/messaging/deployments/{id}/settings`). @default false
   */
  markdown?: boolean;
  /** Typing indicators, both ways (`showUserTypingIndicator`, `showAgentTypingIndicator`). @default true */
  typing?: boolean;
  /** @default enabled, image/png, image/jpeg, image/gif, application/pdf, text/plain, 10240 KB, .exe .bat .cmd .com .js .vbs .ade */
  attachments?: Partial<MessengerAttachmentsConfig>;
  /** Guest session inactivity time-to-live (seconds). The real default is undocumented. @default 259200 (72 h) */
  sessionTtlSeconds?: number;
  /** Budget of custom attributes per message (bytes of JSON). @default 2048 */
  maxCustomDataBytes?: number;
  /** Authenticated messaging. Absent or `enabled: false`: `configureAuthenticatedSession` is refused. */
  authentication?: { enabled: boolean; allowSessionUpgrade?: boolean; identityProvider: IdentityProviderConfig };
  /** The inbound message flow: a bot greeting, then routing to a queue. */
  flow?: MessengerFlowConfig;
}

export interface MessengerDeployment {
  id: string;
  name: string;
  status: 'Active' | 'Inactive';
  allowedOrigins: string[];
  autoStart: boolean;
  conversationDisconnect: { enabled: boolean; type: DisconnectType };
  conversationClear: boolean;
  markdown: boolean;
  typing: boolean;
  attachments: MessengerAttachmentsConfig;
  sessionTtlSeconds: number;
  maxCustomDataBytes: number;
  authentication: { enabled: boolean; allowSessionUpgrade: boolean; identityProvider: IdentityProviderConfig } | null;
  flow: MessengerFlowConfig | null;
}

/** The built-in demo identity provider (its key pair is made at start; `POST /control/messaging/identity-tokens` signs with it). */
export const DEMO_IDENTITY_PROVIDER = {
  issuer: 'https://idp.emulator.invalid',
  audience: 'emulator-messenger-client',
} as const;

export function resolveMessengerDeployment(d: MessengerDeploymentConfig): MessengerDeployment {
  return {
    id: d.id,
    name: d.name ?? 'Messenger deployment',
    status: d.status ?? 'Active',
    allowedOrigins: d.allowedOrigins ?? [],
    autoStart: d.autoStart ?? true,
    conversationDisconnect: d.conversationDisconnect ?? { enabled: true, type: 'ReadOnly' },
    conversationClear: d.conversationClear ?? true,
    markdown: d.markdown ?? false,
    typing: d.typing ?? true,
    attachments: {
      enabled: true,
      allowedTypes: ['image/png', 'image/jpeg', 'image/gif', 'application/pdf', 'text/plain'],
      maxFileSizeKB: 10240,
      blockedExtensions: ['.exe', '.bat', '.cmd', '.com', '.js', '.vbs', '.ade'],
      ...d.attachments,
    },
    sessionTtlSeconds: d.sessionTtlSeconds ?? 72 * 3600,
    maxCustomDataBytes: d.maxCustomDataBytes ?? 2048,
    authentication: d.authentication?.enabled
      ? {
          enabled: true,
          allowSessionUpgrade: d.authentication.allowSessionUpgrade ?? true,
          identityProvider: d.authentication.identityProvider,
        }
      : null,
    flow: d.flow ?? null,
  };
}

/** Whether a browser `Origin` may use the deployment (exact match of scheme, host and port; the real rules are undocumented). */
export function originAllowed(d: MessengerDeployment, origin: string | undefined): boolean {
  if (d.allowedOrigins.length === 0) return true;
  if (origin === undefined) return false;
  return d.allowedOrigins.some((o) => o === '*' || o.replace(/\/$/, '').toLowerCase() === origin.toLowerCase());
}

/** Whether a MIME type is in an allow-list that may hold `*\/*` and `type/*`. */
export function mimeAllowed(allowed: string[], mime: string): boolean {
  const m = mime.toLowerCase();
  return allowed.some((a) => {
    const x = a.toLowerCase();
    return x === '*/*' || x === m || (x.endsWith('/*') && m.startsWith(x.slice(0, -1)));
  });
}

/** `GET /webdeployments/v1/deployments/{id}/config.json`: the shape Messenger and the transport SDK parse. */
export function deploymentConfigJson(d: MessengerDeployment, origin: { http: string; ws: string }) {
  const a = d.attachments;
  return {
    id: d.id,
    version: '1',
    languages: ['en-us'],
    defaultLanguage: 'en-us',
    apiEndpoint: origin.http,
    messenger: {
      enabled: true,
      apps: {
        conversations: {
          messagingEndpoint: origin.ws,
          showAgentTypingIndicator: d.typing,
          showUserTypingIndicator: d.typing,
          autoStart: { enabled: d.autoStart },
          conversationDisconnect: { ...d.conversationDisconnect },
          conversationClear: { enabled: d.conversationClear },
          notifications: { enabled: false, notificationContentType: 'ExcludeMessagesContent' },
          markdown: { enabled: d.markdown },
          humanize: d.flow?.botName ? { enabled: true, bot: { name: d.flow.botName } } : { enabled: false },
        },
      },
      styles: { primaryColor: '#0f62fe' },
      launcherButton: { visibility: 'On' },
      fileUpload: {
        enableAttachments: a.enabled,
        modes: a.enabled ? [{ fileTypes: [...a.allowedTypes], maxFileSizeKB: a.maxFileSizeKB }] : [],
      },
    },
    journeyEvents: { enabled: false },
    status: d.status,
    auth: { enabled: d.authentication !== null, allowSessionUpgrade: d.authentication?.allowSessionUpgrade ?? false },
  };
}
