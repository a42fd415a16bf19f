import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { ChatEngine } from '../chat-engine';
import type { Clock } from '../clock';
import { Conversation, type AttachmentRecord, type CardRecord, type MessageRecord } from '../conversation';
import type { EventFrame, MessageFrame, TypingFrame } from '../guest-chat/frames';
import type { ResolvedOptions } from '../options';
import { isObject } from '../params';
import { MESSAGING_AUTH_ISSUER, MESSAGING_JWT_ISSUER, type TokenService } from '../tokens';
import { mimeAllowed, type DisconnectType, type MessengerDeployment } from './deployment';
import { DOWNLOAD_URL_LIFETIME_MS, FileStore, contentMatches, mediaTypeOf } from './file-store';
import {
  WM_ERRORS,
  customAttributesError,
  errorFrame,
  fileSizeError,
  frame,
  invalidParameter,
  missingParameter,
  serverId,
  type StructuredBody,
  type WmContent,
  type WmEvent,
  type WmFrame,
} from './frames';
import type { Identity } from './identity';
import {
  WmError,
  fail,
  optionalArray,
  optionalBoolean,
  optionalString,
  requireByteCount,
  requireObject,
  requireString,
} from './request-fields';
import { MessagingSession, type GuestAttachment } from './session';

/** A socket of the guest API: the deployment of its URL, the origin it used, and the session it is bound to. */
export interface SocketState {
  deployment: MessengerDeployment;
  origin: { http: string; ws: string };
  session: MessagingSession | null;
  /** When this connection's last `echo` was answered (emulator clock), for the once-per-30-s limit. */
  lastEchoAt?: number;
}

/** Unsent uploads are deleted after 15 days. */
const ATTACHMENT_LIFETIME_MS = 15 * 24 * 3600_000;
const MAX_FILE_NAME = 255;
const TYPING_DURATION_MS = 5000;
/** The health check (`echo`) may come once every 30 s; the transport SDK waits as long between two. */
const ECHO_INTERVAL_MS = 30_000;
const MESSAGE_RATE_TOO_HIGH = 'Message rate too high for this session';
const ECHO_TOO_OFTEN = 'Health check rate too high: one echo per 30 seconds';

/**
 * Web Messaging guest sessions and their bridge to the contact centre: requests of the guest socket, pushes to
 * every socket of a session, conversations routed through the chat engine like chats, and the agent's side
 * turned into Outbound messages and events.
 */
export class MessagingService {
  /** Live sessions by token; a `startNew` or an expiry replaces the entry. */
  readonly sessions = new Map<string, MessagingSession>();
  readonly files = new FileStore();
  /** How the next agent disconnect of a conversation reaches the guest, when the control API overrides the deployment. */
  private readonly disconnectOverride = new Map<string, DisconnectType | 'none'>();
  /** Refresh tokens of authenticated messaging: token -> who and for which deployment. */
  private readonly refreshTokens = new Map<string, { identity: Identity; deploymentId: string; expiresAt: number }>();
  /**
   * Test knob: the next `times` guest text messages of any session are refused with 5000 (a new chat's first message
   * has no session to aim at before it exists).
   */
  failTextMessages = 0;
  /** The origin guests last used, for URLs built outside a request (agent files). */
  private lastOrigin = { http: '', ws: '' };
  /**
   * Every message of a conversation (the guest's, as echoed, and what reached the guest) by its id, with the
   * conversation it belongs to: what the Platform API's `GET /api/v2/conversations/messages/{messageId}/details`
   * answers from.
   */
  private readonly messagesById = new Map<string, { conversationId: string; body: StructuredBody }>();

  constructor(
    private readonly options: ResolvedOptions,
    private readonly engine: ChatEngine,
    private readonly clock: Clock,
    private readonly tokens: TokenService,
  ) {
    engine.on('ended', (c) => this.onConversationEnded(c));
  }

  deployment(id: string): MessengerDeployment | undefined {
    return this.options.messengerDeployments.find((d) => d.id === id);
  }

  /** A session by its id or its token (the control API accepts both). */
  find(idOrToken: string): MessagingSession | undefined {
    return this.sessions.get(idOrToken) ?? [...this.sessions.values()].find((s) => s.id === idOrToken);
  }

  sessionOf(c: Conversation): MessagingSession | undefined {
    return [...this.sessions.values()].find((s) => s.conversationId === c.id);
  }

  // ---------------------------------------------------------------- the socket

  /** One frame from a guest socket. Every failure is answered on that socket; nothing is thrown. */
  async handle(ws: WebSocket, state: SocketState, raw: string): Promise<void> {
    this.lastOrigin = state.origin;
    let request: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (!isObject(parsed)) throw new Error('not an object');
      request = parsed;
    } catch {
      this.send(ws, errorFrame(...WM_ERRORS.requestFailed));
      return;
    }
    const tracingId = typeof request['tracingId'] === 'string' ? request['tracingId'] : undefined;
    try {
      await this.dispatch(ws, state, request, tracingId);
    } catch (e) {
      if (e instanceof Answered) return;
      if (e instanceof WmError) this.send(ws, errorFrame(e.spec[0], e.spec[1], tracingId));
      else this.send(ws, errorFrame(...WM_ERRORS.unexpected, tracingId));
    }
  }

  private async dispatch(
    ws: WebSocket,
    state: SocketState,
    r: Record<string, unknown>,
    tracingId: string | undefined,
  ): Promise<void> {
    const action = requireString(r, 'action');
    const handlers: Record<string, Handler> = {
      configureSession: (q) => this.configureSession(q, null),
      configureAuthenticatedSession: this.configureAuthenticated,
      echo: this.echo,
      onMessage: this.onMessage,
      getJwt: this.getJwt,
      closeSession: this.closeSession,
      onAttachment: this.onAttachment,
      getAttachment: this.getAttachment,
      deleteAttachment: this.deleteAttachment,
    };
    // getConfiguration, disconnectCustomer and resumeToken are in Genesys' schema with no documented behaviour.
    if (action === 'getConfiguration' || action === 'disconnectCustomer' || action === 'resumeToken')
      return fail(WM_ERRORS.featureUnavailable);
    const handler = Object.hasOwn(handlers, action) ? handlers[action] : undefined;
    if (!handler) return fail(WM_ERRORS.requestFailed);
    await handler.call(this, { ws, state, r, tracingId });
  }

  private async configureSession(q: Request, identity: Identity | null): Promise<void> {
    const { ws, state, r, tracingId } = q;
    const token = requireString(r, 'token');
    const deploymentId = requireString(r, 'deploymentId');
    const startNew = optionalBoolean(r, 'startNew') === true;
    if (token.length > 2048) fail(WM_ERRORS.requestFailed);
    const deployment = this.deployment(deploymentId);
    if (!deployment || deploymentId !== state.deployment.id || deployment.status !== 'Active')
      fail(WM_ERRORS.deploymentNotFound);
    const now = this.clock.now();
    let session = this.sessions.get(token);
    if (session && session.expired(now)) {
      this.forget(session);
      session = undefined;
    }
    let newSession = false;
    let clearedExistingSession = false;
    if (session && !identity && session.identity) fail(WM_ERRORS.cannotDowngrade);
    if (session && identity && !session.identity && !startNew) {
      // Step-up: the guest session becomes authenticated and keeps its conversation.
      if (!deployment!.authentication?.allowSessionUpgrade) fail(WM_ERRORS.featureToggle);
    }
    if (!session || startNew) {
      if (session) this.forget(session);
      session = new MessagingSession(token, deployment!, now);
      this.sessions.set(token, session);
      newSession = true;
    }
    if (identity) {
      clearedExistingSession = this.signInElsewhere(session, identity);
      const stepUp = !newSession && !session.identity;
      session.identity = identity;
      if (stepUp) this.pushSignIn(session, identity);
    }
    if (state.session && state.session !== session) state.session.sockets.delete(ws);
    state.session = session;
    this.bind(session, ws);
    this.send(
      ws,
      frame('response', 'SessionResponse', this.sessionBody(session, newSession, clearedExistingSession), tracingId),
    );
    this.engine.emit('change', session.conversationId);
  }

  private async configureAuthenticated(q: Request): Promise<void> {
    const { state, r } = q;
    const deployment = this.deployment(requireString(r, 'deploymentId'));
    if (!deployment || deployment.id !== state.deployment.id) fail(WM_ERRORS.deploymentNotFound);
    if (!deployment!.authentication) fail(WM_ERRORS.featureToggle);
    const code = requireString(requireObject(r, 'data'), 'code', 'data.code');
    const v = await this.tokens.verifyClaims(code, MESSAGING_AUTH_ISSUER);
    if (!v.ok) fail(v.reason === 'expired' ? WM_ERRORS.unauthorized : WM_ERRORS.authFailed);
    const claims = (v as { claims: Record<string, unknown> }).claims;
    if (claims['did'] !== deployment!.id || typeof claims['sub'] !== 'string') fail(WM_ERRORS.authFailed);
    const identity: Identity = {
      sub: claims['sub'] as string,
      claims: isObject(claims['identity']) ? claims['identity'] : {},
    };
    return this.configureSession(q, identity);
  }

  private sessionBody(s: MessagingSession, newSession: boolean, clearedExistingSession: boolean) {
    const a = s.deployment.attachments;
    return {
      connected: true,
      newSession,
      readOnly: s.readOnly,
      maxCustomDataBytes: s.deployment.maxCustomDataBytes,
      ...(a.enabled
        ? {
            allowedMedia: {
              inbound: { fileTypes: a.allowedTypes.map((type) => ({ type })), maxFileSizeKB: a.maxFileSizeKB },
            },
            blockedExtensions: [...a.blockedExtensions],
          }
        : {}),
      clearedExistingSession,
      ...s.duration(),
    };
  }

  private bind(s: MessagingSession, ws: WebSocket): void {
    s.sockets.add(ws);
    // Beyond the limit the oldest connection is closed, as Genesys does with "too many open sessions".
    while (s.sockets.size > this.options.maxConnectionsPerSession) {
      const oldest = s.sockets.values().next().value as WebSocket;
      s.sockets.delete(oldest);
      this.send(oldest, frame('message', 'ConnectionClosedEvent', {}));
      oldest.close(1000, 'Connection closed');
    }
  }

  /** The session bound to this socket for a request that carries `token`; expiry is noticed here. */
  private session(state: SocketState, r: Record<string, unknown>, tracingId: string | undefined): MessagingSession {
    const token = requireString(r, 'token');
    const s = state.session;
    if (!s) return fail(WM_ERRORS.notConfigured);
    if (s.token !== token || this.sessions.get(token) !== s) return fail(WM_ERRORS.sessionNotFound);
    if (s.expired(this.clock.now())) {
      if (s.expiryNotified) return fail(WM_ERRORS.sessionExpired);
      s.expiryNotified = true;
      throw new ExpiredNow(tracingId);
    }
    return s;
  }

  private echo(q: Request): void {
    const { ws, state, r, tracingId } = q;
    // Before configureSession there is no session to answer for: the echo is refused like every other request.
    if (!state.session) return fail(WM_ERRORS.notConfigured);
    // Genesys' own example widget sends its echo without a token; the connection's session answers it.
    const s = this.sessionOrExpired(r['token'] === undefined ? { ...q, r: { ...r, token: state.session.token } } : q);
    if (!s) return;
    const now = this.clock.now();
    // The health check is rate limited to one per 30 s (per connection in the emulator).
    if (state.lastEchoAt !== undefined && now - state.lastEchoAt < ECHO_INTERVAL_MS)
      this.tooManyRequests(
        ws,
        Math.ceil((state.lastEchoAt + ECHO_INTERVAL_MS - now) / 1000),
        tracingId,
        ECHO_TOO_OFTEN,
      );
    state.lastEchoAt = now;
    s.extend(now);
    const d = s.duration();
    this.send(
      ws,
      frame(
        'response',
        'StructuredMessage',
        {
          text: 'ping',
          type: 'Text',
          direction: 'Inbound',
          id: serverId(),
          metadata: { durationSeconds: String(d.durationSeconds), expirationDate: String(d.expirationDate) },
        },
        tracingId,
      ),
    );
  }

  /** `session()`, but an expiry noticed now is answered with SessionExpiredEvent and gives undefined. */
  private sessionOrExpired(q: Request): MessagingSession | undefined {
    const { ws, state, r, tracingId } = q;
    try {
      return this.session(state, r, tracingId);
    } catch (e) {
      if (!(e instanceof ExpiredNow)) throw e;
      this.send(ws, frame('response', 'SessionExpiredEvent', {}, tracingId));
      return undefined;
    }
  }

  private onMessage(q: Request): void {
    const { ws, state, r, tracingId } = q;
    const s = this.sessionOrExpired(q);
    if (!s) return;
    const now = this.clock.now();
    this.rateLimit(ws, s, now, tracingId);
    const message = requireObject(r, 'message');
    const type = message['type'];
    if (type === 'Event') return this.onEvent(ws, s, message, tracingId);
    if (type !== 'Text' && type !== 'Structured') return fail(WM_ERRORS.requestFailed);
    if (s.readOnly) return fail(WM_ERRORS.readOnly);
    if (type === 'Text' && this.failTextMessages > 0) {
      this.failTextMessages -= 1;
      return fail(WM_ERRORS.unexpected);
    }
    const attributes = this.customAttributes(s, message, r);
    const text = optionalString(message, 'text', 'message.text') ?? '';
    if (text.length > this.options.maxMessageLength) return fail(WM_ERRORS.messageTooLong);
    const content = optionalArray(message, 'content', 'message.content');
    const attachments: GuestAttachment[] = [];
    let buttonResponse: MessageRecord['buttonResponse'];
    for (const item of content) {
      if (!isObject(item)) return fail(WM_ERRORS.requestFailed);
      if (item['contentType'] === 'Attachment') {
        const id = requireString(requireObject(item, 'attachment'), 'id', 'attachment.id');
        attachments.push(this.sendableAttachment(s, id, now));
      } else if (item['contentType'] === 'ButtonResponse') {
        const b = requireObject(item, 'buttonResponse');
        const buttonText = b['text'];
        if (buttonText === undefined) return fail(missingParameter('buttonResponse.text'));
        if (typeof buttonText !== 'string') return fail(invalidParameter('buttonResponse.text', 'a string'));
        buttonResponse = {
          type: optionalString(b, 'type', 'buttonResponse.type') ?? 'QuickReply',
          text: buttonText,
          payload: optionalString(b, 'payload', 'buttonResponse.payload') ?? buttonText,
        };
      }
    }
    if (text === '' && attachments.length === 0 && !buttonResponse) return fail(missingParameter('message.text'));
    s.recentSends.push(now);
    s.extend(now);
    for (const a of attachments) a.sent = true;
    const records = attachments.map((a) => this.attachmentRecord(a));

    const echoContent: WmContent[] = [
      ...records.map((a) => this.attachmentContent(a, state.origin.http)),
      ...(buttonResponse ? [{ contentType: 'ButtonResponse' as const, buttonResponse }] : []),
    ];
    const metadata = stringMap(message['metadata']);
    const echo: StructuredBody = {
      originatingEntity: '',
      ...(text !== '' ? { text } : {}),
      direction: 'Inbound',
      id: serverId(),
      channel: { time: this.clock.iso(), messageId: randomUUID() },
      type: type,
      ...(echoContent.length > 0 ? { content: echoContent } : {}),
      metadata: { ...metadata, correlationId: randomUUID(), ...(s.identity ? { authenticated: 'true' } : {}) },
    };
    this.pushEcho(s, echo, tracingId);

    const body = text !== '' ? text : (buttonResponse?.text ?? '');
    const record = (c: Conversation) => {
      this.applyAttributes(c, attributes);
      const { message: m, echo: show } = this.engine.guestMessage(c, body, 'standard');
      if (records.length > 0) m.attachments = records;
      if (buttonResponse) m.buttonResponse = buttonResponse;
      show();
    };
    const current = this.currentConversation(s);
    if (current) record(current);
    else this.startConversation(s, attributes, record);
    this.remember(s, echo);
  }

  private onEvent(
    ws: WebSocket,
    s: MessagingSession,
    message: Record<string, unknown>,
    tracingId: string | undefined,
  ): void {
    const event = optionalArray(message, 'events', 'message.events')[0];
    if (event === undefined) return fail(missingParameter('message.events'));
    if (!isObject(event)) return fail(invalidParameter('message.events', 'a list of events'));
    const now = this.clock.now();
    if (event['eventType'] === 'Typing') {
      if (!s.deployment.typing) return fail(WM_ERRORS.featureToggle);
      s.recentSends.push(now);
      const c = this.currentConversation(s);
      // Nothing is sent back: the agent sees it.
      if (c) this.engine.guestTyping(c).echo();
      return;
    }
    if (event['eventType'] !== 'Presence') return fail(WM_ERRORS.requestFailed);
    const presence = isObject(event['presence']) ? event['presence']['type'] : undefined;
    if (presence === 'Join') {
      if (s.readOnly) return fail(WM_ERRORS.readOnly);
      const attributes = this.customAttributes(s, message, {});
      s.recentSends.push(now);
      s.extend(now);
      const echo: StructuredBody = {
        originatingEntity: '',
        direction: 'Inbound',
        id: serverId(),
        channel: { time: this.clock.iso(), messageId: randomUUID() },
        type: 'Event',
        events: [{ eventType: 'Presence', presence: { type: 'Join' } }],
        metadata: { ...stringMap(message['metadata']), correlationId: randomUUID() },
      };
      this.pushEcho(s, echo, tracingId);
      const current = this.currentConversation(s);
      if (current) this.applyAttributes(current, attributes);
      else this.startConversation(s, attributes);
      this.remember(s, echo);
      return;
    }
    if (presence === 'Clear') {
      if (!s.deployment.conversationClear) return fail(WM_ERRORS.clearDisabled);
      return this.clear(s);
    }
    return fail(WM_ERRORS.requestFailed);
  }

  /** 2 onMessage per second per session; a forced burst (test knob) refuses regardless. */
  private rateLimit(ws: WebSocket, s: MessagingSession, now: number, tracingId: string | undefined): void {
    if (s.forcedRateLimit) {
      const { retryAfter } = s.forcedRateLimit;
      s.forcedRateLimit.times -= 1;
      if (s.forcedRateLimit.times <= 0) s.forcedRateLimit = null;
      this.tooManyRequests(ws, retryAfter, tracingId, MESSAGE_RATE_TOO_HIGH);
    }
    s.recentSends = s.recentSends.filter((t) => now - t < 1000);
    if (s.recentSends.length >= 2)
      this.tooManyRequests(
        ws,
        Math.max(1, Math.ceil((s.recentSends[0]! + 1000 - now) / 1000)),
        tracingId,
        MESSAGE_RATE_TOO_HIGH,
      );
  }

  /** The 429 answer (R7's shape); the request is over. */
  private tooManyRequests(
    ws: WebSocket,
    retryAfter: number,
    tracingId: string | undefined,
    errorMessage: string,
  ): never {
    this.send(
      ws,
      frame('response', 'TooManyRequestsErrorMessage', { retryAfter, errorCode: 4029, errorMessage }, tracingId, 429),
    );
    throw new Answered();
  }

  /** `message.channel.metadata.customAttributes` (or the request-level `channel`, which J's schema also has). */
  private customAttributes(
    s: MessagingSession,
    message: Record<string, unknown>,
    r: Record<string, unknown>,
  ): Record<string, string> {
    const from = (channel: unknown) =>
      isObject(channel) && isObject(channel['metadata']) ? channel['metadata']['customAttributes'] : undefined;
    const inMessage = from(message['channel']);
    const attrs = inMessage ?? from(r['channel']);
    if (attrs === undefined) return {};
    // Whether Genesys reads the request-level form is unknown: accepted, and flagged for tests to see.
    if (inMessage === undefined) s.requestLevelAttributes = true;
    if (!isObject(attrs) || Object.values(attrs).some((v) => typeof v !== 'string')) fail(WM_ERRORS.requestFailed);
    const bytes = Buffer.byteLength(JSON.stringify(attrs));
    if (bytes > s.deployment.maxCustomDataBytes) fail(customAttributesError(s.deployment.maxCustomDataBytes));
    return attrs as Record<string, string>;
  }

  private applyAttributes(c: Conversation, attrs: Record<string, string>): void {
    if (Object.keys(attrs).length === 0) return;
    c.guest.customFields = { ...c.guest.customFields, ...attrs };
    const name = guestName(attrs);
    if (name) c.guest.displayName = name;
    this.engine.emit('change', c.id);
  }

  private currentConversation(s: MessagingSession): Conversation | undefined {
    const c = s.conversationId ? this.engine.conversations.get(s.conversationId) : undefined;
    return c && !c.ended ? c : undefined;
  }

  /** A new conversation for the session: the inbound flow greets and routes it to its queue. */
  private startConversation(
    s: MessagingSession,
    attrs: Record<string, string>,
    first?: (c: Conversation) => void,
  ): Conversation {
    const flow = s.deployment.flow;
    const queue = flow
      ? (this.engine.queue(flow.queue) ?? this.engine.findQueueByName(flow.queue))
      : this.engine.queues[0];
    const claims = s.identity?.claims ?? null;
    const c = new Conversation(
      s.deployment.id,
      queue?.id ?? null,
      {
        id: randomUUID(),
        role: 'CUSTOMER',
        displayName:
          guestName(attrs) ??
          (claims && typeof claims['name'] === 'string' ? claims['name'] : null) ??
          'Web messaging guest',
        state: 'CONNECTED',
        joinDate: this.clock.iso(),
        authenticatedGuest: s.identity !== null,
        customFields: { ...s.customAttributes, ...attrs },
      },
      this.clock.iso(),
      s.identity ? { sub: s.identity.sub, ...s.identity.claims } : null,
    );
    c.media = 'message';
    c.deliver = (f) => this.deliver(s, c, f);
    s.conversationId = c.id;
    s.customAttributes = { ...s.customAttributes, ...attrs };
    this.engine.startMessaging(
      c,
      flow
        ? {
            displayName: flow.botName ?? '',
            ...(flow.greeting ? { notice: flow.greeting } : {}),
            ...(flow.quickReplies?.length
              ? { quickReplies: flow.quickReplies.map((t) => ({ text: t, payload: t })) }
              : {}),
          }
        : null,
      first ? () => first(c) : undefined,
    );
    return c;
  }

  // ---------------------------------------------------------------- agent side -> guest

  /** A frame of the conversation: what the guest of Web Messaging sees of it (agent and bot messages, typing). */
  private deliver(s: MessagingSession, c: Conversation, f: EventFrame): void {
    if (this.sessions.get(s.token) !== s) return;
    switch (f.metadata.type) {
      case 'message': {
        const e = (f as MessageFrame).eventBody;
        const sender = c.members.get(e.sender.id);
        if (!sender || sender === c.guest) return;
        if (e.bodyType !== 'standard' && e.bodyType !== 'notice') return;
        const m = findMessage(c, e.id);
        if (!m) return;
        const human = sender.role === 'AGENT';
        const content: WmContent[] = [
          ...(m.attachments ?? []).map((a) => this.attachmentContent(a, this.lastOrigin.http)),
          ...(m.quickReplies ?? []).map((q) => ({ contentType: 'QuickReply' as const, quickReply: q }) as WmContent),
          ...cardContent(m.cards ?? []),
          ...((m.content ?? []) as WmContent[]),
        ];
        this.pushOutbound(s, {
          ...(m.body !== '' ? { text: m.body } : {}),
          type: m.quickReplies || m.cards || m.content ? 'Structured' : 'Text',
          direction: 'Outbound',
          id: serverId(),
          // A bot without a persona has no `from` (real bot text); a named bot and agents carry their nickname.
          channel:
            human || sender.displayName !== ''
              ? {
                  time: this.clock.iso(),
                  type: 'Private',
                  from: {
                    nickname: sender.displayName,
                    ...(human && sender.avatarImageUrl ? { image: sender.avatarImageUrl } : {}),
                  },
                  to: {},
                }
              : { time: this.clock.iso(), type: 'Private' },
          ...(content.length > 0 ? { content } : {}),
          metadata: { correlationId: randomUUID() },
          originatingEntity: human ? 'Human' : 'Bot',
        });
        return;
      }
      case 'typing-indicator': {
        if ((f as TypingFrame).eventBody.sender.id === c.guest.id || !s.deployment.typing) return;
        this.pushOutbound(
          s,
          this.outboundEvent(
            { eventType: 'Typing', typing: { type: 'On', duration: TYPING_DURATION_MS } },
            {
              correlationId: randomUUID(),
            },
          ),
        );
        return;
      }
      case 'member-change':
        return;
      default:
        return;
    }
  }

  /** An Outbound event in the shape of the real typing and disconnect frames (`channel.messageId` = `id`). */
  private outboundEvent(event: WmEvent, metadata?: Record<string, string>): StructuredBody {
    const id = randomUUID();
    return {
      direction: 'Outbound',
      id,
      channel: { time: this.clock.iso(), messageId: id },
      type: 'Event',
      ...(metadata ? { metadata } : {}),
      events: [event],
    };
  }

  /** The agent ends a messaging conversation; `disconnect` overrides the deployment's setting for this once. */
  agentDisconnect(c: Conversation, disconnect?: DisconnectType | 'none'): void {
    if (disconnect) this.disconnectOverride.set(c.id, disconnect);
    try {
      this.engine.agentEnds(c);
    } finally {
      this.disconnectOverride.delete(c.id);
    }
  }

  private onConversationEnded(c: Conversation): void {
    if (c.media !== 'message' || c.endReason === 'guest') return;
    const s = this.sessionOf(c);
    if (!s || this.sessions.get(s.token) !== s) return;
    const configured = s.deployment.conversationDisconnect;
    const mode = this.disconnectOverride.get(c.id) ?? (configured.enabled ? configured.type : 'none');
    if (mode === 'none') return;
    const agent = [...c.members.values()].reverse().find((m) => m.role === 'AGENT');
    if (mode === 'ReadOnly') {
      s.readOnly = true;
      // The real ReadOnly frame names who ended it and carries metadata.readOnly as a string.
      this.pushOutbound(s, {
        type: 'Event',
        direction: 'Outbound',
        id: serverId(),
        channel: {
          time: this.clock.iso(),
          type: 'Private',
          from: agent ? { nickname: agent.displayName } : {},
          to: {},
        },
        events: [{ eventType: 'Presence', presence: { type: 'Disconnect' } }],
        metadata: { readOnly: 'true' },
        originatingEntity: agent ? 'Human' : 'Bot',
      });
    } else {
      this.pushOutbound(s, this.outboundEvent({ eventType: 'Presence', presence: { type: 'Disconnect' } }));
    }
    this.engine.emit('change', c.id);
  }

  // ---------------------------------------------------------------- other requests

  private async getJwt(q: Request): Promise<void> {
    const { ws, tracingId } = q;
    const s = this.sessionOrExpired(q);
    if (!s) return;
    const lifetime = this.options.messagingJwtLifetimeSeconds;
    const jwt = await this.tokens.signClaims({ sid: s.id, did: s.deployment.id }, MESSAGING_JWT_ISSUER, lifetime);
    this.send(ws, frame('response', 'JwtResponse', { jwt, exp: this.clock.nowSeconds() + lifetime }, tracingId));
  }

  private closeSession(q: Request): void {
    const { ws, state, r, tracingId } = q;
    const s = this.sessionOrExpired(q);
    if (!s) return;
    if (optionalBoolean(r, 'closeAllConnections') !== false) {
      for (const other of [...s.sockets]) {
        if (other === ws) continue;
        s.sockets.delete(other);
        this.send(other, frame('message', 'ConnectionClosedEvent', {}));
        other.close(1000, 'Connection closed');
      }
    }
    s.sockets.delete(ws);
    state.session = null;
    this.send(
      ws,
      frame('response', 'SessionResponse', { connected: false, newSession: false, readOnly: s.readOnly }, tracingId),
    );
    this.engine.emit('change', s.conversationId);
  }

  private onAttachment(q: Request): void {
    const { ws, state, r, tracingId } = q;
    const s = this.sessionOrExpired(q);
    if (!s) return;
    const a = s.deployment.attachments;
    const attachmentId = optionalString(r, 'attachmentId') ?? randomUUID();
    const errorsAsJson = optionalBoolean(r, 'errorsAsJson') === true;
    const refuse = (spec: readonly [number, string]): never => {
      // With errorsAsJson the refusal is a GenerateUrlError naming the attachment.
      if (errorsAsJson) {
        this.send(
          ws,
          frame(
            'message',
            'GenerateUrlError',
            { attachmentId, errorCode: spec[0], errorMessage: spec[1], timestamp: this.clock.iso() },
            tracingId,
          ),
        );
        throw new Answered();
      }
      return fail(spec);
    };
    if (!a.enabled) refuse(WM_ERRORS.featureUnavailable);
    const fileName = requireString(r, 'fileName');
    const fileType = requireString(r, 'fileType');
    const fileSize = requireByteCount(r, 'fileSize');
    if (fileName.length > MAX_FILE_NAME) refuse(WM_ERRORS.fileNameLength);
    const lower = fileName.toLowerCase();
    if (hasPathOrControl(fileName)) refuse(WM_ERRORS.fileName);
    // A blocked extension is a file type the deployment refuses (the transport SDK calls it "file type is
    // prohibited"), as is a MIME type outside allowedMedia.
    if (a.blockedExtensions.some((x) => lower.endsWith(x.toLowerCase())) || !mimeAllowed(a.allowedTypes, fileType))
      refuse(WM_ERRORS.fileType);
    if (fileSize > a.maxFileSizeKB * 1024) refuse(fileSizeError(a.maxFileSizeKB));
    const now = this.clock.now();
    const headers = {
      'x-amz-tagging': `organizationId=${this.options.organizationId}&originPlatform=PureCloud&role=webmessaging-guest&owner=${s.id}`,
    };
    s.attachments.set(attachmentId, {
      id: attachmentId,
      fileName,
      fileType,
      fileSize: fileSize,
      headers,
      status: 'pending',
      createdAt: now,
      sent: false,
    });
    this.send(
      ws,
      frame(
        'response',
        'PresignedUrlResponse',
        {
          attachmentId,
          headers,
          url: this.files.uploadUrl(state.origin.http, attachmentId, fileName, now),
        },
        tracingId,
      ),
    );
  }

  private getAttachment(q: Request): void {
    const { ws, state, r, tracingId } = q;
    const s = this.sessionOrExpired(q);
    if (!s) return;
    const a = this.uploaded(s, requireString(r, 'attachmentId'), this.clock.now());
    this.send(
      ws,
      frame(
        'response',
        'PresignedUrlResponse',
        {
          attachmentId: a.id,
          headers: {},
          url: this.files.downloadUrl(state.origin.http, a.id, this.clock.now() + DOWNLOAD_URL_LIFETIME_MS),
          fileName: a.fileName,
          fileSize: a.fileSize,
          fileType: a.fileType,
        },
        tracingId,
      ),
    );
  }

  private deleteAttachment(q: Request): void {
    const { ws, r, tracingId } = q;
    const s = this.sessionOrExpired(q);
    if (!s) return;
    const id = requireString(r, 'attachmentId');
    const a = s.attachments.get(id);
    // A sent file belongs to the conversation now; only unsent uploads can be deleted.
    if (!a || a.sent) return fail(WM_ERRORS.attachmentNotFound);
    s.attachments.delete(id);
    this.files.delete(id);
    this.send(ws, frame('message', 'AttachmentDeletedResponse', { attachmentId: id }, tracingId));
  }

  /** An attachment an `onMessage` may reference: known (4009), not expired (4008), uploaded (4010). */
  private sendableAttachment(s: MessagingSession, id: string, now: number): GuestAttachment {
    const a = this.uploaded(s, id, now);
    return a;
  }

  private uploaded(s: MessagingSession, id: string, now: number): GuestAttachment {
    const a = s.attachments.get(id);
    if (!a) return fail(WM_ERRORS.attachmentNotFound);
    if (!a.sent && now - a.createdAt > ATTACHMENT_LIFETIME_MS) return fail(WM_ERRORS.attachmentExpired);
    if (a.status !== 'uploaded') return fail(WM_ERRORS.attachmentNotUploaded);
    return a;
  }

  private attachmentRecord(a: GuestAttachment): AttachmentRecord {
    return {
      id: a.id,
      filename: a.fileName,
      mime: a.fileType,
      fileSize: a.fileSize,
      mediaType: mediaTypeOf(a.fileType),
      url: `/control/messaging/files/${encodeURIComponent(a.id)}`,
    };
  }

  private attachmentContent(a: AttachmentRecord, httpOrigin: string): WmContent {
    return {
      contentType: 'Attachment',
      attachment: {
        id: a.id,
        filename: a.filename,
        mediaType: a.mediaType,
        fileSize: a.fileSize,
        mime: a.mime,
        url: this.files.downloadUrl(httpOrigin, a.id, this.clock.now() + DOWNLOAD_URL_LIFETIME_MS),
      },
    };
  }

  // ---------------------------------------------------------------- uploads (REST)

  /**
   * The PUT to a presigned URL, after its signature and expiry were checked: the headers handed out and the
   * Content-Type must be sent as given. Then the file is checked and the session hears of it.
   */
  upload(
    attachmentId: string,
    headers: Record<string, string | string[] | undefined>,
    bytes: Buffer,
  ): { status: number; error?: { code: string; message: string } } {
    const s = [...this.sessions.values()].find((x) => x.attachments.has(attachmentId));
    const a = s?.attachments.get(attachmentId);
    if (!s || !a) return { status: 404, error: { code: 'NoSuchUpload', message: 'The upload does not exist.' } };
    for (const [name, value] of Object.entries(a.headers)) {
      if (headers[name.toLowerCase()] !== value)
        return {
          status: 403,
          error: {
            code: 'SignatureDoesNotMatch',
            message: `The request signature we calculated does not match the signature you provided: header ${name} must be sent as handed out.`,
          },
        };
    }
    const contentType = String(headers['content-type'] ?? '')
      .split(';')[0]!
      .trim();
    if (contentType.toLowerCase() !== a.fileType.toLowerCase())
      return {
        status: 403,
        error: {
          code: 'SignatureDoesNotMatch',
          message: `The request signature we calculated does not match the signature you provided: Content-Type must be ${a.fileType}.`,
        },
      };
    const timestamp = this.clock.iso();
    const failure = s.failNextUpload;
    const maxBytes = s.deployment.attachments.maxFileSizeKB * 1024;
    const problem: readonly [number, string] | null = failure
      ? [failure.errorCode, failure.errorMessage]
      : bytes.length > maxBytes
        ? fileSizeError(s.deployment.attachments.maxFileSizeKB)
        : !contentMatches(a.fileType, bytes)
          ? WM_ERRORS.fileContent
          : null;
    s.failNextUpload = null;
    if (problem) {
      a.status = 'failed';
      this.pushAll(
        s,
        frame('message', 'UploadFailureEvent', {
          attachmentId,
          errorCode: problem[0],
          errorMessage: problem[1],
          timestamp,
        }),
      );
      return { status: 200 };
    }
    a.status = 'uploaded';
    a.fileSize = bytes.length;
    this.files.put({ id: a.id, filename: a.fileName, mime: a.fileType, bytes });
    this.pushAll(
      s,
      frame('message', 'UploadSuccessEvent', {
        attachmentId,
        downloadUrl: this.files.downloadUrl(this.lastOrigin.http, a.id, this.clock.now() + DOWNLOAD_URL_LIFETIME_MS),
        timestamp,
      }),
    );
    return { status: 200 };
  }

  /** An agent sends a file (control API): stored, then sent as an Outbound message with an Attachment. */
  agentFile(c: Conversation, file: { filename: string; mime: string; bytes: Buffer }, text: string): MessageRecord {
    if (c.media !== 'message') throw new TypeError('files are a Web Messaging feature');
    const id = randomUUID();
    this.files.put({ id, ...file });
    const record: AttachmentRecord = {
      id,
      filename: file.filename,
      mime: file.mime,
      fileSize: file.bytes.length,
      mediaType: mediaTypeOf(file.mime),
      url: `/control/messaging/files/${encodeURIComponent(id)}`,
    };
    return this.engine.agentMessage(c, text, 'standard', 'agent', { attachments: [record] });
  }

  // ---------------------------------------------------------------- history, authentication (REST)

  async historyFor(jwt: string): Promise<MessagingSession | 'expired' | 'invalid'> {
    const v = await this.tokens.verifyClaims(jwt, MESSAGING_JWT_ISSUER);
    if (!v.ok) return v.reason;
    const s = [...this.sessions.values()].find((x) => x.id === v.claims['sid']);
    return s ?? 'invalid';
  }

  /** The code exchange: a verified identity becomes a Genesys JWT and a refresh token. */
  async issueAuth(identity: Identity, deploymentId: string): Promise<{ jwt: string; refreshToken: string }> {
    const refreshToken = randomUUID() + randomUUID().replace(/-/g, '');
    this.refreshTokens.set(refreshToken, {
      identity,
      deploymentId,
      expiresAt: this.clock.now() + 30 * 24 * 3600_000,
    });
    return { jwt: await this.authJwt(identity, deploymentId), refreshToken };
  }

  async refresh(refreshToken: string): Promise<{ jwt: string } | null> {
    const r = this.refreshTokens.get(refreshToken);
    if (!r || r.expiresAt <= this.clock.now()) return null;
    return { jwt: await this.authJwt(r.identity, r.deploymentId) };
  }

  /** `DELETE /api/v2/webdeployments/token/revoke`: every session of that customer hears LogoutEvent. */
  async revoke(jwt: string): Promise<boolean> {
    const v = await this.tokens.verifyClaims(jwt, MESSAGING_AUTH_ISSUER);
    if (!v.ok) return false;
    for (const [t, r] of this.refreshTokens) if (r.identity.sub === v.claims['sub']) this.refreshTokens.delete(t);
    for (const s of [...this.sessions.values()]) {
      if (s.identity?.sub !== v.claims['sub'] || s.deployment.id !== v.claims['did']) continue;
      this.pushAll(s, frame('message', 'LogoutEvent', {}));
      this.forget(s);
    }
    return true;
  }

  private authJwt(identity: Identity, deploymentId: string): Promise<string> {
    return this.tokens.signClaims(
      { sub: identity.sub, did: deploymentId, identity: identity.claims },
      MESSAGING_AUTH_ISSUER,
      this.options.authJwtLifetimeSeconds,
    );
  }

  /** Another authenticated session of the same customer is closed (`signedIn`); true when there was one. */
  private signInElsewhere(s: MessagingSession, identity: Identity): boolean {
    let cleared = false;
    for (const other of [...this.sessions.values()]) {
      if (other === s || other.identity?.sub !== identity.sub || other.deployment.id !== s.deployment.id) continue;
      this.closeConnections(other, 'signedIn');
      this.forget(other);
      cleared = true;
    }
    return cleared;
  }

  private pushSignIn(s: MessagingSession, identity: Identity): void {
    const c = identity.claims;
    this.pushOutbound(s, {
      direction: 'Inbound',
      id: serverId(),
      channel: {
        time: this.clock.iso(),
        messageId: randomUUID(),
        from: {
          ...(typeof c['given_name'] === 'string' ? { firstName: c['given_name'] } : {}),
          ...(typeof c['family_name'] === 'string' ? { lastName: c['family_name'] } : {}),
        },
      },
      type: 'Event',
      events: [{ eventType: 'Presence', presence: { type: 'SignIn' } }],
      metadata: { correlationId: randomUUID(), authenticated: 'true' },
      originatingEntity: '',
    });
  }

  // ---------------------------------------------------------------- session end, test knobs

  /** Presence Clear: the transcript is wiped on every device, the conversation ends, every socket is closed. */
  private clear(s: MessagingSession): void {
    const c = this.currentConversation(s);
    this.pushAll(s, frame('message', 'SessionClearedEvent', {}));
    this.closeConnections(s);
    this.forget(s);
    if (c) this.engine.guestLeaves(c);
  }

  /** ConnectionClosedEvent to every socket of the session (with `reason` if given), then close them. */
  closeConnections(s: MessagingSession, reason?: string): number {
    const sockets = [...s.sockets];
    this.flushHeld(s);
    for (const ws of sockets) {
      this.send(ws, frame('message', 'ConnectionClosedEvent', reason === undefined ? {} : { reason }));
      ws.close(1000, 'Connection closed');
    }
    s.sockets.clear();
    this.engine.emit('change', s.conversationId);
    return sockets.length;
  }

  /** Test knob: the session expires now; every socket hears SessionExpiredEvent. */
  expire(s: MessagingSession): void {
    s.expiresAt = this.clock.now();
    s.expiryNotified = true;
    this.pushAll(s, frame('response', 'SessionExpiredEvent', {}));
  }

  /** Test knob: cut the sockets, with or without a close frame. */
  drop(s: MessagingSession, closeFrame: boolean): number {
    const n = s.sockets.size;
    for (const ws of s.sockets) {
      if (closeFrame) ws.close(1011, 'Connection reset by the emulator');
      else ws.terminate();
    }
    return n;
  }

  private forget(s: MessagingSession): void {
    if (this.sessions.get(s.token) === s) this.sessions.delete(s.token);
    if (s.heldTimer) clearTimeout(s.heldTimer);
    s.held = [];
  }

  detach(ws: WebSocket, state: SocketState): void {
    if (state.session?.sockets.delete(ws)) this.engine.emit('change', state.session.conversationId);
  }

  // ---------------------------------------------------------------- pushes

  private pushEcho(s: MessagingSession, body: StructuredBody, tracingId: string | undefined): void {
    s.history.push(body);
    const f = frame('message', 'StructuredMessage', body, tracingId);
    this.pushAll(s, f);
    if (this.engine.settings.messagingDuplicateEchoes) this.pushAll(s, f);
  }

  private pushOutbound(s: MessagingSession, body: StructuredBody): void {
    this.remember(s, body);
    s.history.push(body);
    s.extend(this.clock.now());
    this.pushAll(s, frame('message', 'StructuredMessage', body));
  }

  /** Files the message under the session's conversation (once the conversation it went to is known). */
  private remember(s: MessagingSession, body: StructuredBody): void {
    if (s.conversationId) this.messagesById.set(body.id, { conversationId: s.conversationId, body });
  }

  /** A message of any conversation by its id, with its conversation's id; undefined for an id no message has. */
  message(id: string): { conversationId: string; body: StructuredBody } | undefined {
    return this.messagesById.get(id);
  }

  /** A push to every socket of the session; within an out-of-order window, held and released in reverse. */
  private pushAll(s: MessagingSession, f: WmFrame): void {
    const windowMs = this.engine.settings.messagingOutOfOrderWindowMs;
    if (windowMs <= 0) {
      for (const ws of s.sockets) this.send(ws, f);
      return;
    }
    s.held.push(f);
    s.heldTimer ??= setTimeout(() => this.flushHeld(s), windowMs);
  }

  private flushHeld(s: MessagingSession): void {
    if (s.heldTimer) clearTimeout(s.heldTimer);
    s.heldTimer = null;
    const held = s.held.reverse();
    s.held = [];
    for (const f of held) for (const ws of s.sockets) this.send(ws, f);
  }

  send(ws: WebSocket, f: WmFrame): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(f));
  }

  close(): void {
    for (const s of this.sessions.values()) {
      if (s.heldTimer) clearTimeout(s.heldTimer);
      for (const ws of s.sockets) ws.terminate();
    }
  }
}

/** One request of a guest socket, as every action handler gets it. */
interface Request {
  ws: WebSocket;
  state: SocketState;
  r: Record<string, unknown>;
  tracingId: string | undefined;
}

type Handler = (q: Request) => void | Promise<void>;

/** Thrown when the answer was already sent (429, GenerateUrlError): the request is over, nothing more to say. */
export class Answered extends Error {}

/** Thrown by `session()` when it notices the expiry: the caller answers SessionExpiredEvent. */
class ExpiredNow extends Error {
  constructor(readonly tracingId: string | undefined) {
    super('session expired');
  }
}

/** A file name with a path separator or a control character is not a file name. */
function hasPathOrControl(name: string): boolean {
  return [...name].some((ch) => ch === '/' || ch === '\\' || ch.charCodeAt(0) < 0x20);
}

function stringMap(v: unknown): Record<string, string> {
  if (!isObject(v)) return {};
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** A display name for the agent from the customer's attributes, if they carry one. */
function guestName(attrs: Record<string, string>): string | null {
  const full = [attrs['firstName'], attrs['lastName']].filter(Boolean).join(' ');
  return attrs['name'] || attrs['displayName'] || full || null;
}

function findMessage(c: Conversation, id: string): MessageRecord | undefined {
  for (let i = c.messages.length - 1; i >= 0; i -= 1) if (c.messages[i]!.id === id) return c.messages[i];
  return undefined;
}

/** One card is a `Card` item, several a `Carousel`. */
function cardContent(cards: readonly CardRecord[]): WmContent[] {
  if (cards.length === 0) return [];
  if (cards.length === 1) return [{ contentType: 'Card', card: cards[0]! }];
  return [{ contentType: 'Carousel', carousel: { cards: [...cards] } }];
}
