import type { SchedulerLike } from 'rxjs';
import { GenesysApiError, ServiceDeskError } from '../../errors';
import type { Logger } from '../../logger';
import type { BackoffConfig } from '../../streams/backoff';
import type { ChatConnection, ChatStartRequest, ChatTransport, WebSocketCtor } from '../chat-transport';
import type { NetworkSignals } from '../resilient-socket';
import { parseSavedSession } from './chat-session';
import { GuestChatConnection, MAX_MESSAGE_LENGTH } from './guest-chat-connection';
import { GuestApi, type CreateChatRequest } from './guest-api';

export interface GuestChatTransportConfig {
  /** Origin of the guest chat REST API, e.g. `https://api.mypurecloud.ie` or the emulator's URL. */
  apiBaseUrl: string;
  organizationId: string;
  deploymentId: string;
  /** The queue every chat is routed to (guest chat names it in the create request). */
  queueName: string;
  /** Turns the site's identity token into the signed member token of an authenticated chat (the middleware's `/jwt`). */
  memberAuthToken?: (identityToken: string) => Promise<string>;
  /** @default globalThis.WebSocket */
  webSocketCtor?: WebSocketCtor;
  /** No frame (heartbeats included) for this long means the socket is dead (noticed within an eighth more). @default `HEARTBEATS['guest-chat']` (resilient-socket.ts) */
  heartbeatTimeoutMs?: number;
  /** The browser's `offline`/`online`: a drop noticed at once. @default none */
  network?: NetworkSignals | undefined;
  backoff?: BackoffConfig;
  /** Reconnect attempts in a row before the chat is given up. @default 20 */
  maxReconnectAttempts?: number;
  /** @default 4000 */
  typingExpiryMs?: number;
  /** See `transferDetection`. @default 1500 */
  departureGraceMs?: number;
  scheduler?: SchedulerLike;
  logger?: Logger;
}

/** The guest chat create request for a neutral start request. */
export function createChatRequest(
  c: Pick<GuestChatTransportConfig, 'organizationId' | 'deploymentId' | 'queueName'>,
  request: ChatStartRequest,
  memberAuthToken: string | undefined,
): CreateChatRequest {
  const { displayName, firstName, lastName, email, avatarImageUrl } = request.profile;
  const customFields = request.customFields;
  return {
    organizationId: c.organizationId,
    deploymentId: c.deploymentId,
    routingTarget: { targetType: 'QUEUE', targetAddress: c.queueName },
    memberInfo: {
      displayName,
      ...(firstName ? { firstName } : {}),
      ...(lastName ? { lastName } : {}),
      ...(email ? { email } : {}),
      ...(avatarImageUrl ? { avatarImageUrl } : {}),
      ...(Object.keys(customFields).length > 0 ? { customFields } : {}),
    },
    ...(memberAuthToken ? { memberAuthToken } : {}),
  };
}

/** The guest chat transport: Genesys REST through the official SDK, events through `rxjs/webSocket`. */
export class GuestChatTransport implements ChatTransport {
  constructor(private readonly config: GuestChatTransportConfig) {}

  /** Creates the conversation. Its socket opens when the connection's `events$` is subscribed. */
  async start(request: ChatStartRequest): Promise<ChatConnection> {
    const c = this.config;
    let memberAuthToken: string | undefined;
    if (request.identityToken !== undefined) {
      if (!c.memberAuthToken)
        throw new TypeError('an identity token was given, but no way to exchange it (memberAuthToken)');
      if (typeof request.identityToken !== 'string') {
        throw new ServiceDeskError(
          'IDENTITY_UNAVAILABLE',
          'guest chat takes the site identity token as a string (the middleware verifies it), not an ID token and nonce',
        );
      }
      memberAuthToken = await c.memberAuthToken(request.identityToken);
    }
    const api = new GuestApi(c.apiBaseUrl);
    const created = await api.create(createChatRequest(c, request, memberAuthToken));
    const summary = request.summaryForAgent?.slice(0, MAX_MESSAGE_LENGTH);
    const session = memberAuthToken ? { ...created, authenticated: true } : created;
    return new GuestChatConnection(api, session, c, { resuming: false, ...(summary ? { summary } : {}) });
  }

  /**
   * Reattaches to a chat after a page reload. Null when the saved state is not a guest chat session or the chat is
   * over (the guest is DISCONNECTED, or Genesys no longer knows the conversation or the token). When Genesys cannot
   * answer for the moment, the chat is reattached anyway: its event stream retries and, once back, finds out from the
   * members whether the chat is still on.
   */
  async resume(saved: unknown): Promise<ChatConnection | null> {
    const session = parseSavedSession(saved);
    if (!session) return null;
    const api = new GuestApi(this.config.apiBaseUrl);
    api.setJwt(session.jwt);
    try {
      const me = await api.getMember(session.conversationId, session.memberId);
      if (me.state === 'DISCONNECTED') return null;
    } catch (e) {
      if (
        e instanceof GenesysApiError &&
        e.status !== undefined &&
        e.status >= 400 &&
        e.status < 500 &&
        e.status !== 429
      )
        return null;
      this.config.logger?.warn?.('Genesys could not say whether the chat is still on; reattaching anyway', e);
    }
    return new GuestChatConnection(api, session, this.config, { resuming: true });
  }
}
