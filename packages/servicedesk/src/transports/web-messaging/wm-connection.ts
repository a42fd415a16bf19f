import { BehaviorSubject, Observable, Subject, asyncScheduler, type SchedulerLike, type Subscriber } from 'rxjs';
import type { WebSocketSubject } from 'rxjs/webSocket';
import type { ChatEvent, QuickReply } from '../../chat-event';
import { ServiceDeskError, messageOf } from '../../errors';
import type { Logger } from '../../logger';
import type { SocketStatus } from '../../streams/connection-state';
import { stepObserver } from '../../streams/step-observer';
import type { ChatConnection } from '../chat-transport';
import { HistoryBackfill } from './backfill';
import { clearSession } from './clear-session';
import type { Incoming } from './detectors/types';
import type { SessionFrame, WmFrame } from './frames';
import { newId } from '../new-id';
import { HEARTBEAT_TRACING_ID, parseFrame } from './parse-frame';
import { routeFrame, type FrameHandlers } from './frame-router';
import { RequestMatcher } from './request-matcher';
import { joinAndSummarize } from './session-start';
import { SessionBinding } from './session-binding';
import { savedSession, type WmSavedSession } from './saved-session';
import {
  INITIAL_SESSION,
  isBound,
  isOver,
  nextSession,
  takesMessages,
  type SessionEvent,
  type SessionState,
} from './session-state';
import { TypingNotices } from './typing-notices';
import { Uploads } from './uploads';
import { CustomerMessages } from './customer-messages';
import { chatOver, refusedUpgrade, startFailed, upgradeRefused } from './wm-errors';
import { wmEventPipeline } from './wm-event-pipeline';
import { wmSocket } from './wm-socket';
import { ReadySignal } from '../ready-signal';
import { MAX_MESSAGE_LENGTH, type ConnectionStart, type WebMessagingConnectionConfig } from './wm-connection-config';
export { MAX_MESSAGE_LENGTH, type ConnectionStart, type WebMessagingConnectionConfig } from './wm-connection-config';

/**
 * One Web Messaging chat, put together from its parts: the resilient socket (`../resilient-socket.ts`: open,
 * heartbeat watchdog, backoff, reconnect), the socket bound to the session on every open (`session-binding.ts`), the
 * session's state (`session-state.ts`), requests matched to their answers (`request-matcher.ts`), the history
 * backfill after a drop (`backfill.ts`), uploads (`uploads.ts`) and Genesys' errors as ours (`wm-errors.ts`). Sends
 * are acknowledged by their Inbound echo. Nothing is shared between chats.
 */
export class WebMessagingConnection implements ChatConnection {
  readonly events$: Observable<ChatEvent>;
  private readonly ready = new ReadySignal();
  readonly opened: Promise<void> = this.ready.promise;
  readonly maxMessageLength = MAX_MESSAGE_LENGTH;
  /** Genesys never tells a Web Messaging guest its conversation's id (`ownMessageId` stands in for it). */
  readonly conversationId = undefined;
  /** Genesys tells a Web Messaging guest nothing when an agent sends the chat back to a queue. */
  readonly hearsRequeue = false;
  private readonly status$ = new BehaviorSubject<SocketStatus>('connecting');
  private readonly disposed$ = new Subject<void>();
  private readonly own$ = new Subject<ChatEvent>();
  /** Requests not answered in time: the socket is dropped and opened again. */
  private readonly suspect$ = new Subject<string>();
  private readonly scheduler: SchedulerLike;
  private readonly log: Logger;
  private socket: WebSocketSubject<unknown> | undefined;
  private session: SessionState = INITIAL_SESSION;
  private readonly requests: RequestMatcher;
  private readonly uploads: Uploads;
  private readonly binding: SessionBinding;
  private readonly backfill: HistoryBackfill;
  /** When the last `onMessage` request went out: typing notices leave the session's rate to messages first. */
  private lastOnMessageAt = Number.NEGATIVE_INFINITY;
  private readonly typing: TypingNotices;
  private lastPassed: string | undefined;
  /** The id of the summary for the agent, once sent (or as a reattached chat was told). */
  private summaryId: string | undefined;
  private readonly messagesOut: CustomerMessages;
  /** A session was bound to a socket once (the first SessionResponse came). */
  private everBound = false;
  /** The subscriber of the socket's messages, while subscribed. */
  private out: Subscriber<Incoming> | undefined;
  /** What the socket's frames do here (`frame-router.ts`). */
  private readonly frameHandlers: FrameHandlers;

  constructor(
    private readonly config: WebMessagingConnectionConfig,
    private readonly start: ConnectionStart,
  ) {
    this.scheduler = config.scheduler ?? asyncScheduler;
    this.log = config.logger ?? {};
    this.requests = new RequestMatcher({ scheduler: this.scheduler, onUnanswered: (why) => this.suspect$.next(why) });
    this.uploads = new Uploads({ request: (r, what) => this.request(r, what), fetch: config.fetch });
    this.messagesOut = new CustomerMessages({
      request: (r, what) => this.request(r, what),
      uploads: this.uploads,
      assertSendable: () => this.assertSendable(),
      backfilling: () => this.backfill.running,
      onReadOnly: () => this.toReadOnly(),
      ownMessageId: start.ownMessageId,
      scheduler: this.scheduler,
    });
    this.binding = new SessionBinding({
      token: start.token,
      deploymentId: config.deploymentId,
      startNew: start.startNew,
      auth: start.auth,
      current: () => this.socket,
      fail: (reason) => this.finish(reason, 'system'),
    });
    this.backfill = new HistoryBackfill({
      apiBaseUrl: config.apiBaseUrl,
      fetch: config.fetch,
      jwt: async () => {
        const f = await this.request({ action: 'getJwt' }, 'getJwt');
        if (f.kind !== 'jwt') throw new Error(`getJwt answered ${f.kind}`);
        return f.jwt;
      },
      after: () => this.lastPassed,
      summaryId: () => this.summaryId,
      emit: (m) => this.pass(m),
      onEarlier: (messages) => this.own$.next({ type: 'earlierMessages', messages }),
      log: this.log,
    });
    this.typing = new TypingNotices({
      relevantMs: config.typingRelevantMs ?? 5000,
      scheduler: this.scheduler,
      sendable: () => this.session.kind === 'open',
      lastOnMessageAt: () => this.lastOnMessageAt,
      send: () =>
        this.send({
          action: 'onMessage',
          message: { type: 'Event', events: [{ eventType: 'Typing', typing: { type: 'On' } }] },
        }),
    });
    this.lastPassed = start.resumeAfter;
    this.summaryId = start.summaryId;
    this.frameHandlers = {
      answer: (tracingId, f) => this.requests.settle(tracingId, f),
      session: (f) => this.onSession(f),
      message: (m) => this.backfill.live(m),
      readOnly: () => this.toReadOnly(),
      uploadResult: (f) => this.uploads.settle(f),
      typingRefused: (f) => this.typing.refused(f.tracingId, f.code, f.retryAfter),
      signInRefused: (f) => this.binding.refused(f, !this.everBound),
      end: (reason, how) => this.finish(reason, 'system', how),
      log: this.log,
    };
    this.events$ = wmEventPipeline(this.messages(), {
      orderWindowMs: config.orderWindowMs,
      onMessagePassed: (id) => (this.lastPassed = id),
      status$: this.status$,
      own$: this.own$,
      until$: this.disposed$,
      scheduler: this.scheduler,
      markdown: config.markdown,
    });
  }

  get lastMessageId(): string | undefined {
    return this.lastPassed;
  }

  get ownMessageId(): string | undefined {
    return this.messagesOut.ownMessageId;
  }

  async sendMessage(text: string, id?: string): Promise<void> {
    await this.messagesOut.text(text, id);
  }

  sendFile(file: Blob, name: string): Promise<void> {
    return this.messagesOut.file(file, name);
  }

  sendQuickReply(reply: QuickReply): Promise<void> {
    return this.messagesOut.quickReply(reply);
  }

  async sendTyping(): Promise<void> {
    this.typing.typed();
  }

  /**
   * The customer leaves. Web Messaging has no "leave": where the deployment allows it, Presence Clear ends the
   * session and, with it, the conversation for the agent; otherwise the conversation stays with the agent (Genesys
   * signals nothing). Either way the page's next chat starts a new session.
   */
  async end(): Promise<void> {
    const live = takesMessages(this.session);
    this.move('leave');
    this.start.onSessionOver?.();
    this.dispose();
    if (!live || !this.config.clearEnabled) return;
    const auth = this.start.auth;
    await clearSession({
      socketUrl: this.config.socketUrl,
      deploymentId: this.config.deploymentId,
      token: this.start.token,
      webSocketCtor: this.config.webSocketCtor,
      jwt: auth && (() => auth.currentJwt()),
    });
  }

  dispose(): void {
    this.typing.dispose();
    this.disposed$.next();
    this.disposed$.complete();
    this.status$.complete();
    this.own$.complete();
    this.failPending(new ServiceDeskError('SOCKET_FAILED', 'the chat was closed'));
    this.ready.reject(new ServiceDeskError('SOCKET_FAILED', 'the chat was closed before its event stream opened'));
  }

  savedState(resumeAfter: string | undefined): WmSavedSession {
    return savedSession(this.config.deploymentId, this.start.token, resumeAfter, {
      refreshToken: this.start.auth?.refreshToken,
      summaryId: this.summaryId,
      socketUrl: this.config.socketUrl,
      clearEnabled: this.config.clearEnabled,
      markdown: this.config.markdown,
      ownMessageId: this.messagesOut.ownMessageId,
    });
  }

  get authenticated(): boolean {
    return this.start.auth !== undefined;
  }

  /**
   * Leaves as `end` does (Presence Clear, on a signed-in socket), then revokes the Genesys sign-in: every device of
   * the customer's authenticated sessions gets LogoutEvent and the refresh token stops working.
   */
  async signOut(): Promise<void> {
    const auth = this.start.auth;
    try {
      await this.end();
    } finally {
      await auth?.revoke();
    }
  }

  private move(event: SessionEvent): void {
    this.session = nextSession(this.session, event);
  }

  /** Genesys takes no more messages in this session: the page's next chat starts a new one. */
  private toReadOnly(): void {
    this.move('read-only');
    this.start.onSessionOver?.();
  }

  private assertSendable(): void {
    if (!takesMessages(this.session)) throw chatOver();
    if (this.session.kind !== 'open')
      throw new ServiceDeskError('SOCKET_FAILED', 'the chat is reconnecting; try again shortly');
  }

  /** A message for the pipeline: Genesys has the customer's messages it carries. */
  private pass(m: Incoming): void {
    this.messagesOut.seen(m);
    this.out?.next(m);
  }

  /** The chat cannot go on: before it opened, starting fails; after, the customer is told it ended. */
  private finish(reason: string, by: 'system' | 'agent', event: 'finished' | 'expired' = 'finished'): void {
    if (isOver(this.session)) return;
    const leaving = this.session.kind === 'ending';
    this.move(event);
    this.start.onSessionOver?.();
    this.log.info?.(`Web Messaging: ${reason}`);
    if (!this.ready.ready) {
      const e = new ServiceDeskError('NO_CHAT', reason);
      this.ready.reject(e);
      this.out?.error(e);
    } else this.own$.next({ type: 'chatEnded', by: leaving ? 'guest' : by });
  }

  /**
   * Runs on the SessionResponse, never before it: Genesys promises no order among a socket's requests (an
   * asynchronous channel), so a Join sent with configureSession could meet a socket not yet bound; and the answer
   * decides what may be sent (nothing into a read-only session, the attributes within its maxCustomDataBytes).
   */
  private async firstSession(f: SessionFrame): Promise<void> {
    if (this.start.resuming) {
      if (f.newSession || f.readOnly) return this.finish('the chat is over (its session ended)', 'system', 'expired');
      // The chat is live again once its socket is bound: what was missed meanwhile follows from the history,
      // and live messages are held until it has (nothing lost, nothing shown twice).
      const missed = this.backfill.run(true);
      this.ready.resolve();
      return missed;
    }
    if (f.readOnly) return this.finish('the session is read-only', 'system');
    try {
      this.summaryId = await joinAndSummarize({
        attributes: this.start.attributes ?? {},
        maxCustomDataBytes: f.maxCustomDataBytes,
        summary: this.start.summary,
        send: (message) => this.messagesOut.send(message),
        backoff: this.config.backoff,
        scheduler: this.scheduler,
        log: this.log,
      });
      this.own$.next({ type: 'queued' });
      this.ready.resolve();
    } catch (e) {
      this.ready.reject(startFailed(e));
    }
  }

  private onSession(f: SessionFrame): void {
    if (!f.connected) return;
    this.binding.bound();
    this.move('bound');
    this.own$.next({ type: 'uploadPolicy', policy: f.readOnly ? undefined : f.uploads });
    if (!this.everBound) {
      this.everBound = true;
      return void this.firstSession(f);
    }
    if (f.newSession) return this.finish('the session expired while the connection was away', 'system', 'expired');
    if (f.readOnly) return this.finish('the agent ended the chat while the connection was away', 'agent');
    void this.backfill.run(false);
  }

  /** A drop: what it means for the chat (an error ends it; nothing reconnects). */
  private onDrop(err: unknown): unknown {
    this.failPending(new ServiceDeskError('SOCKET_FAILED', 'the connection was lost', { cause: err }));
    if (isOver(this.session)) return err;
    if (refusedUpgrade(err)) {
      if (!this.ready.ready) return upgradeRefused(err);
      this.finish('Genesys refused the connection (403)', 'system');
      return err;
    }
    // A new chat that cannot open at all fails at once; a reattached one retries as a dropped socket does.
    if (!this.everBound && !this.start.resuming)
      return new ServiceDeskError('SOCKET_FAILED', 'the Web Messaging socket could not be opened', { cause: err });
    return undefined;
  }

  /** The socket's messages, with everything else a frame means handled on the way. */
  private messages(): Observable<Incoming> {
    return new Observable<Incoming>((subscriber) => {
      this.out = subscriber;
      const socket$ = wmSocket(this.config, {
        status$: this.status$,
        suspect$: this.suspect$,
        scheduler: this.scheduler,
        log: this.log,
        onOpen: (socket) => {
          this.socket = socket;
          this.binding.configure(socket, !this.everBound);
        },
        onClose: () => this.move('dropped'),
        onDrop: (err) => this.onDrop(err),
        onBeat: () => {
          if (!isBound(this.session)) return;
          this.send({ action: 'echo', message: { type: 'Text', text: 'ping' } }, HEARTBEAT_TRACING_ID);
          this.requests.watch(HEARTBEAT_TRACING_ID, 'the heartbeat echo');
        },
      });
      const sub = socket$.subscribe(
        stepObserver<unknown>(subscriber, {
          next: (data) => routeFrame(parseFrame(data), this.frameHandlers),
          error: (e: unknown) => {
            this.status$.next('closed');
            if (isOver(this.session)) return subscriber.complete();
            const err = e instanceof Error ? e : new ServiceDeskError('SOCKET_FAILED', messageOf(e), { cause: e });
            this.ready.reject(err);
            subscriber.error(err);
          },
          complete: () => {
            this.status$.next('closed');
            subscriber.complete();
          },
        }),
      );
      return () => {
        sub.unsubscribe();
        this.socket = undefined;
        this.out = undefined;
        this.move('dropped');
      };
    });
  }

  /** Sends a request on the current socket (with a fresh tracingId unless one is given). */
  private send(request: Record<string, unknown>, tracingId: string = newId()): string {
    if (request['action'] === 'onMessage') this.lastOnMessageAt = this.scheduler.now();
    this.socket?.next({ ...request, token: this.start.token, tracingId });
    return tracingId;
  }

  /** Sends a request and resolves with the frame that answers it (by tracingId); rejects when the socket goes. */
  private request(request: Record<string, unknown>, what: string): Promise<WmFrame> {
    if (!isBound(this.session) || !this.socket)
      return Promise.reject(new ServiceDeskError('SOCKET_FAILED', 'the chat is not connected'));
    return this.requests.request((tracingId) => this.send(request, tracingId), what);
  }

  private failPending(e: Error): void {
    this.requests.failAll(e);
    this.uploads.failAll(e);
  }
}
