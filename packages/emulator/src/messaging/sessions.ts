import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { ChatEngine } from '../chat-engine';
import type { Clock } from '../clock';
import type { Conversation } from '../conversation';
import type { ResolvedOptions } from '../options';
import { isObject } from '../params';
import { MESSAGING_AUTH_ISSUER, MESSAGING_JWT_ISSUER, type TokenService } from '../tokens';
import type { MessengerDeployment } from './deployment';
import { WM_ERRORS, frame, serverId } from './frames';
import type { Identity } from './identity';
import type { Pushes } from './pushes';
import { fail, optionalBoolean, requireObject, requireString } from './request-fields';
import { MessagingSession } from './session';
import { ExpiredNow, type SocketRequest, type SocketState } from './socket-request';

/**
 * Guest sessions: `configureSession` (and its authenticated form) binds a socket to the session of a token, the
 * session every later request of that socket acts for (expiry noticed there), `getJwt` and `closeSession`, and the
 * ways a session's sockets are closed or forgotten.
 */
export class Sessions {
  /** Live sessions by token; a `startNew` or an expiry replaces the entry. */
  readonly byToken = new Map<string, MessagingSession>();

  constructor(
    private readonly options: ResolvedOptions,
    private readonly engine: ChatEngine,
    private readonly clock: Clock,
    private readonly tokens: TokenService,
    private readonly push: Pushes,
  ) {}

  deployment(id: string): MessengerDeployment | undefined {
    return this.options.messengerDeployments.find((d) => d.id === id);
  }

  /** A session by its id or its token (the control API accepts both). */
  find(idOrToken: string): MessagingSession | undefined {
    return this.byToken.get(idOrToken) ?? [...this.byToken.values()].find((s) => s.id === idOrToken);
  }

  sessionOf(c: Conversation): MessagingSession | undefined {
    return [...this.byToken.values()].find((s) => s.conversationId === c.id);
  }

  async configureSession(q: SocketRequest, identity: Identity | null): Promise<void> {
    const { ws, state, r, tracingId } = q;
    const token = requireString(r, 'token');
    const deploymentId = requireString(r, 'deploymentId');
    const startNew = optionalBoolean(r, 'startNew') === true;
    if (token.length > 2048) fail(WM_ERRORS.requestFailed);
    const deployment = this.deployment(deploymentId);
    if (!deployment || deploymentId !== state.deployment.id || deployment.status !== 'Active')
      fail(WM_ERRORS.deploymentNotFound);
    const now = this.clock.now();
    let session = this.byToken.get(token);
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
      this.byToken.set(token, session);
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
    this.push.send(
      ws,
      frame('response', 'SessionResponse', this.sessionBody(session, newSession, clearedExistingSession), tracingId),
    );
    this.engine.emit('change', session.conversationId);
  }

  async configureAuthenticated(q: SocketRequest): Promise<void> {
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
      this.push.send(oldest, frame('message', 'ConnectionClosedEvent', {}));
      oldest.close(1000, 'Connection closed');
    }
  }

  /** The session bound to this socket for a request that carries `token`; expiry is noticed here. */
  session(state: SocketState, r: Record<string, unknown>, tracingId: string | undefined): MessagingSession {
    const token = requireString(r, 'token');
    const s = state.session;
    if (!s) return fail(WM_ERRORS.notConfigured);
    if (s.token !== token || this.byToken.get(token) !== s) return fail(WM_ERRORS.sessionNotFound);
    if (s.expired(this.clock.now())) {
      if (s.expiryNotified) return fail(WM_ERRORS.sessionExpired);
      s.expiryNotified = true;
      throw new ExpiredNow(tracingId);
    }
    return s;
  }

  /** `session()`, but an expiry noticed now is answered with SessionExpiredEvent and gives undefined. */
  sessionOrExpired(q: SocketRequest): MessagingSession | undefined {
    const { ws, state, r, tracingId } = q;
    try {
      return this.session(state, r, tracingId);
    } catch (e) {
      if (!(e instanceof ExpiredNow)) throw e;
      this.push.send(ws, frame('response', 'SessionExpiredEvent', {}, tracingId));
      return undefined;
    }
  }

  currentConversation(s: MessagingSession): Conversation | undefined {
    const c = s.conversationId ? this.engine.conversations.get(s.conversationId) : undefined;
    return c && !c.ended ? c : undefined;
  }

  async getJwt(q: SocketRequest): Promise<void> {
    const { ws, tracingId } = q;
    const s = this.sessionOrExpired(q);
    if (!s) return;
    const lifetime = this.options.messagingJwtLifetimeSeconds;
    const jwt = await this.tokens.signClaims({ sid: s.id, did: s.deployment.id }, MESSAGING_JWT_ISSUER, lifetime);
    this.push.send(ws, frame('response', 'JwtResponse', { jwt, exp: this.clock.nowSeconds() + lifetime }, tracingId));
  }

  closeSession(q: SocketRequest): void {
    const { ws, state, r, tracingId } = q;
    const s = this.sessionOrExpired(q);
    if (!s) return;
    if (optionalBoolean(r, 'closeAllConnections') !== false) {
      for (const other of [...s.sockets]) {
        if (other === ws) continue;
        s.sockets.delete(other);
        this.push.send(other, frame('message', 'ConnectionClosedEvent', {}));
        other.close(1000, 'Connection closed');
      }
    }
    s.sockets.delete(ws);
    state.session = null;
    this.push.send(
      ws,
      frame('response', 'SessionResponse', { connected: false, newSession: false, readOnly: s.readOnly }, tracingId),
    );
    this.engine.emit('change', s.conversationId);
  }

  /** Another authenticated session of the same customer is closed (`signedIn`); true when there was one. */
  private signInElsewhere(s: MessagingSession, identity: Identity): boolean {
    let cleared = false;
    for (const other of [...this.byToken.values()]) {
      if (other === s || other.identity?.sub !== identity.sub || other.deployment.id !== s.deployment.id) continue;
      this.closeConnections(other, 'signedIn');
      this.forget(other);
      cleared = true;
    }
    return cleared;
  }

  private pushSignIn(s: MessagingSession, identity: Identity): void {
    const c = identity.claims;
    this.push.pushOutbound(s, {
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

  /** Presence Clear: the transcript is wiped on every device, the conversation ends, every socket is closed. */
  clear(s: MessagingSession): void {
    const c = this.currentConversation(s);
    this.push.pushAll(s, frame('message', 'SessionClearedEvent', {}));
    this.closeConnections(s);
    this.forget(s);
    if (c) this.engine.guestLeaves(c);
  }

  /** ConnectionClosedEvent to every socket of the session (with `reason` if given), then close them. */
  closeConnections(s: MessagingSession, reason?: string): number {
    const sockets = [...s.sockets];
    this.push.flushHeld(s);
    for (const ws of sockets) {
      this.push.send(ws, frame('message', 'ConnectionClosedEvent', reason === undefined ? {} : { reason }));
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
    this.push.pushAll(s, frame('response', 'SessionExpiredEvent', {}));
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

  forget(s: MessagingSession): void {
    if (this.byToken.get(s.token) === s) this.byToken.delete(s.token);
    if (s.heldTimer) clearTimeout(s.heldTimer);
    s.held = [];
  }

  detach(ws: WebSocket, state: SocketState): void {
    if (state.session?.sockets.delete(ws)) this.engine.emit('change', state.session.conversationId);
  }
}
