import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { ChatEngine } from '../chat-engine';
import type { Clock } from '../clock';
import { Conversation, type MessageRecord } from '../conversation';
import type { ResolvedOptions } from '../options';
import { isObject } from '../params';
import type { AgentSide } from './agent-side';
import type { Attachments } from './attachments';
import {
  WM_ERRORS,
  customAttributesError,
  frame,
  invalidParameter,
  missingParameter,
  serverId,
  type StructuredBody,
  type WmContent,
} from './frames';
import type { Pushes } from './pushes';
import { fail, optionalArray, optionalString, requireObject, requireString } from './request-fields';
import type { GuestAttachment, MessagingSession } from './session';
import type { Sessions } from './sessions';
import { Answered, stringMap, type SocketRequest } from './socket-request';

/** The health check (`echo`) may come once every 30 s; the transport SDK waits as long between two. */
const ECHO_INTERVAL_MS = 30_000;
const MESSAGE_RATE_TOO_HIGH = 'Message rate too high for this session';
const ECHO_TOO_OFTEN = 'Health check rate too high: one echo per 30 seconds';

/**
 * What the guest says: `echo` (the health check), `onMessage` texts and quick-reply answers (echoed Inbound, then
 * into the conversation, which the first one starts through the deployment's flow), and its events (typing,
 * Presence Join and Clear), within Genesys' rate limits and attribute budget.
 */
export class GuestMessages {
  /**
   * Test knob: the next `times` guest text messages of any session are refused with 5000 (a new chat's first message
   * has no session to aim at before it exists).
   */
  failTextMessages = 0;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly engine: ChatEngine,
    private readonly clock: Clock,
    private readonly sessions: Sessions,
    private readonly attachments: Attachments,
    private readonly agentSide: AgentSide,
    private readonly push: Pushes,
  ) {}

  echo(q: SocketRequest): void {
    const { ws, state, r, tracingId } = q;
    // Before configureSession there is no session to answer for: the echo is refused like every other request.
    if (!state.session) return fail(WM_ERRORS.notConfigured);
    // Genesys' own example widget sends its echo without a token; the connection's session answers it.
    const s = this.sessions.sessionOrExpired(
      r['token'] === undefined ? { ...q, r: { ...r, token: state.session.token } } : q,
    );
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
    this.push.send(
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

  onMessage(q: SocketRequest): void {
    const { ws, state, r, tracingId } = q;
    const s = this.sessions.sessionOrExpired(q);
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
        attachments.push(this.attachments.sendableAttachment(s, id, now));
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
    const records = attachments.map((a) => this.attachments.attachmentRecord(a));

    const echoContent: WmContent[] = [
      ...records.map((a) => this.attachments.attachmentContent(a, state.origin.http)),
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
    this.push.pushEcho(s, echo, tracingId);

    const body = text !== '' ? text : (buttonResponse?.text ?? '');
    const record = (c: Conversation) => {
      this.applyAttributes(c, attributes);
      const { message: m, echo: show } = this.engine.guestMessage(c, body, 'standard');
      if (records.length > 0) m.attachments = records;
      if (buttonResponse) m.buttonResponse = buttonResponse;
      show();
    };
    const current = this.sessions.currentConversation(s);
    if (current) record(current);
    else this.startConversation(s, attributes, record);
    this.push.remember(s, echo);
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
      const c = this.sessions.currentConversation(s);
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
      this.push.pushEcho(s, echo, tracingId);
      const current = this.sessions.currentConversation(s);
      if (current) this.applyAttributes(current, attributes);
      else this.startConversation(s, attributes);
      this.push.remember(s, echo);
      return;
    }
    if (presence === 'Clear') {
      if (!s.deployment.conversationClear) return fail(WM_ERRORS.clearDisabled);
      return this.sessions.clear(s);
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
    this.push.send(
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
    c.deliver = (f) => this.agentSide.deliver(s, c, f);
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
}

/** A display name for the agent from the customer's attributes, if they carry one. */
function guestName(attrs: Record<string, string>): string | null {
  const full = [attrs['firstName'], attrs['lastName']].filter(Boolean).join(' ');
  return attrs['name'] || attrs['displayName'] || full || null;
}
