import type { WebSocket } from 'ws';
import type { ChatEngine } from '../chat-engine';
import type { Clock } from '../clock';
import { frame, type StructuredBody, type WmFrame } from './frames';
import type { MessagingSession } from './session';

/**
 * What reaches the guest's sockets: a push goes to every socket of the session (held and released in reverse within
 * the out-of-order window), and every message of a conversation is filed by its id for the Platform API.
 */
export class Pushes {
  /** The origin guests last used, for URLs built outside a request (agent files, upload events). */
  lastOrigin = { http: '', ws: '' };
  /**
   * Every message of a conversation (the guest's, as echoed, and what reached the guest) by its id, with the
   * conversation it belongs to: what the Platform API's `GET /api/v2/conversations/messages/{messageId}/details`
   * answers from.
   */
  private readonly messagesById = new Map<string, { conversationId: string; body: StructuredBody }>();

  constructor(
    private readonly engine: ChatEngine,
    private readonly clock: Clock,
  ) {}

  pushEcho(s: MessagingSession, body: StructuredBody, tracingId: string | undefined): void {
    s.history.push(body);
    const f = frame('message', 'StructuredMessage', body, tracingId);
    this.pushAll(s, f);
    if (this.engine.settings.messagingDuplicateEchoes) this.pushAll(s, f);
  }

  pushOutbound(s: MessagingSession, body: StructuredBody): void {
    this.remember(s, body);
    s.history.push(body);
    s.extend(this.clock.now());
    this.pushAll(s, frame('message', 'StructuredMessage', body));
  }

  /** Files the message under the session's conversation (once the conversation it went to is known). */
  remember(s: MessagingSession, body: StructuredBody): void {
    if (s.conversationId) this.messagesById.set(body.id, { conversationId: s.conversationId, body });
  }

  /** A message of any conversation by its id, with its conversation's id; undefined for an id no message has. */
  message(id: string): { conversationId: string; body: StructuredBody } | undefined {
    return this.messagesById.get(id);
  }

  /** A push to every socket of the session; within an out-of-order window, held and released in reverse. */
  pushAll(s: MessagingSession, f: WmFrame): void {
    const windowMs = this.engine.settings.messagingOutOfOrderWindowMs;
    if (windowMs <= 0) {
      for (const ws of s.sockets) this.send(ws, f);
      return;
    }
    s.held.push(f);
    s.heldTimer ??= setTimeout(() => this.flushHeld(s), windowMs);
  }

  flushHeld(s: MessagingSession): void {
    if (s.heldTimer) clearTimeout(s.heldTimer);
    s.heldTimer = null;
    const held = s.held.reverse();
    s.held = [];
    for (const f of held) for (const ws of s.sockets) this.send(ws, f);
  }

  send(ws: WebSocket, f: WmFrame): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(f));
  }
}
