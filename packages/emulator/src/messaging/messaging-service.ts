import type { WebSocket } from 'ws';
import type { ChatEngine } from '../chat-engine';
import type { Clock } from '../clock';
import type { Conversation, MessageRecord } from '../conversation';
import type { ResolvedOptions } from '../options';
import { isObject } from '../params';
import type { TokenService } from '../tokens';
import { AgentSide } from './agent-side';
import { Attachments } from './attachments';
import type { DisconnectType, MessengerDeployment } from './deployment';
import type { FileStore } from './file-store';
import { WM_ERRORS, errorFrame, type StructuredBody } from './frames';
import { GuestMessages } from './guest-messages';
import { History } from './history';
import type { Identity } from './identity';
import { Pushes } from './pushes';
import { WmError, fail, requireString } from './request-fields';
import type { MessagingSession } from './session';
import { Sessions } from './sessions';
import { Answered, type SocketRequest, type SocketState } from './socket-request';

export { WmError } from './request-fields';
export { Answered, type SocketState } from './socket-request';

type Handler = (q: SocketRequest) => void | Promise<void>;

/**
 * Web Messaging guest sessions and their bridge to the contact centre, as one service over its parts: sessions,
 * what the guest says (messages, echoes, events), files, the agent's side as the guest sees it, history and
 * authentication, and the pushes to a session's sockets. This class reads a socket's frames and dispatches them,
 * and is what the routes and the control API call.
 */
export class MessagingService {
  private readonly push: Pushes;
  private readonly sessionParts: Sessions;
  private readonly attachments: Attachments;
  private readonly agentSide: AgentSide;
  private readonly history: History;
  private readonly guest: GuestMessages;
  private readonly handlers: Record<string, Handler>;

  constructor(options: ResolvedOptions, engine: ChatEngine, clock: Clock, tokens: TokenService) {
    this.push = new Pushes(engine, clock);
    this.sessionParts = new Sessions(options, engine, clock, tokens, this.push);
    this.attachments = new Attachments(options, engine, clock, this.sessionParts, this.push);
    this.agentSide = new AgentSide(engine, clock, this.sessionParts, this.attachments, this.push);
    this.history = new History(options, clock, tokens, this.sessionParts, this.push);
    this.guest = new GuestMessages(
      options,
      engine,
      clock,
      this.sessionParts,
      this.attachments,
      this.agentSide,
      this.push,
    );
    const s = this.sessionParts;
    const a = this.attachments;
    this.handlers = {
      configureSession: (q) => s.configureSession(q, null),
      configureAuthenticatedSession: (q) => s.configureAuthenticated(q),
      echo: (q) => this.guest.echo(q),
      onMessage: (q) => this.guest.onMessage(q),
      getJwt: (q) => s.getJwt(q),
      closeSession: (q) => s.closeSession(q),
      onAttachment: (q) => a.onAttachment(q),
      getAttachment: (q) => a.getAttachment(q),
      deleteAttachment: (q) => a.deleteAttachment(q),
    };
  }

  /** Live sessions by token; a `startNew` or an expiry replaces the entry. */
  get sessions(): Map<string, MessagingSession> {
    return this.sessionParts.byToken;
  }

  get files(): FileStore {
    return this.attachments.files;
  }

  /** Test knob: the next `failTextMessages` guest text messages of any session are refused with 5000. */
  get failTextMessages(): number {
    return this.guest.failTextMessages;
  }

  set failTextMessages(n: number) {
    this.guest.failTextMessages = n;
  }

  deployment(id: string): MessengerDeployment | undefined {
    return this.sessionParts.deployment(id);
  }

  /** A session by its id or its token (the control API accepts both). */
  find(idOrToken: string): MessagingSession | undefined {
    return this.sessionParts.find(idOrToken);
  }

  sessionOf(c: Conversation): MessagingSession | undefined {
    return this.sessionParts.sessionOf(c);
  }

  // ---------------------------------------------------------------- the socket

  /** One frame from a guest socket. Every failure is answered on that socket; nothing is thrown. */
  async handle(ws: WebSocket, state: SocketState, raw: string): Promise<void> {
    this.push.lastOrigin = state.origin;
    let request: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (!isObject(parsed)) throw new Error('not an object');
      request = parsed;
    } catch {
      this.push.send(ws, errorFrame(...WM_ERRORS.requestFailed));
      return;
    }
    const tracingId = typeof request['tracingId'] === 'string' ? request['tracingId'] : undefined;
    try {
      await this.dispatch({ ws, state, r: request, tracingId });
    } catch (e) {
      if (e instanceof Answered) return;
      if (e instanceof WmError) this.push.send(ws, errorFrame(e.spec[0], e.spec[1], tracingId));
      else this.push.send(ws, errorFrame(...WM_ERRORS.unexpected, tracingId));
    }
  }

  private async dispatch(q: SocketRequest): Promise<void> {
    const action = requireString(q.r, 'action');
    // getConfiguration, disconnectCustomer and resumeToken are in Genesys' schema with no documented behaviour.
    if (action === 'getConfiguration' || action === 'disconnectCustomer' || action === 'resumeToken')
      return fail(WM_ERRORS.featureUnavailable);
    const handler = Object.hasOwn(this.handlers, action) ? this.handlers[action] : undefined;
    if (!handler) return fail(WM_ERRORS.requestFailed);
    await handler(q);
  }

  detach(ws: WebSocket, state: SocketState): void {
    this.sessionParts.detach(ws, state);
  }

  // ---------------------------------------------------------------- the agent's side, the REST side

  /** The agent ends a messaging conversation; `disconnect` overrides the deployment's setting for this once. */
  agentDisconnect(c: Conversation, disconnect?: DisconnectType | 'none'): void {
    this.agentSide.agentDisconnect(c, disconnect);
  }

  /** An agent sends a file (control API): stored, then sent as an Outbound message with an Attachment. */
  agentFile(c: Conversation, file: { filename: string; mime: string; bytes: Buffer }, text: string): MessageRecord {
    return this.attachments.agentFile(c, file, text);
  }

  /** The PUT to a presigned URL, after its signature and expiry were checked. */
  upload(
    attachmentId: string,
    headers: Record<string, string | string[] | undefined>,
    bytes: Buffer,
  ): { status: number; error?: { code: string; message: string } } {
    return this.attachments.upload(attachmentId, headers, bytes);
  }

  historyFor(jwt: string): Promise<MessagingSession | 'expired' | 'invalid'> {
    return this.history.historyFor(jwt);
  }

  /** The code exchange: a verified identity becomes a Genesys JWT and a refresh token. */
  issueAuth(identity: Identity, deploymentId: string): Promise<{ jwt: string; refreshToken: string }> {
    return this.history.issueAuth(identity, deploymentId);
  }

  refresh(refreshToken: string): Promise<{ jwt: string } | null> {
    return this.history.refresh(refreshToken);
  }

  /** `DELETE /api/v2/webdeployments/token/revoke`: every session of that customer hears LogoutEvent. */
  revoke(jwt: string): Promise<boolean> {
    return this.history.revoke(jwt);
  }

  /** A message of any conversation by its id, with its conversation's id; undefined for an id no message has. */
  message(id: string): { conversationId: string; body: StructuredBody } | undefined {
    return this.push.message(id);
  }

  // ---------------------------------------------------------------- test knobs

  /** ConnectionClosedEvent to every socket of the session (with `reason` if given), then close them. */
  closeConnections(s: MessagingSession, reason?: string): number {
    return this.sessionParts.closeConnections(s, reason);
  }

  /** Test knob: the session expires now; every socket hears SessionExpiredEvent. */
  expire(s: MessagingSession): void {
    this.sessionParts.expire(s);
  }

  /** Test knob: cut the sockets, with or without a close frame. */
  drop(s: MessagingSession, closeFrame: boolean): number {
    return this.sessionParts.drop(s, closeFrame);
  }

  close(): void {
    for (const s of this.sessions.values()) {
      if (s.heldTimer) clearTimeout(s.heldTimer);
      for (const ws of s.sockets) ws.terminate();
    }
  }
}
