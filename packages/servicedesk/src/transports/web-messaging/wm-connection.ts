import {
  BehaviorSubject,
  Observable,
  Subject,
  asyncScheduler,
  defer,
  retry,
  throwError,
  timer,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import { webSocket, type WebSocketSubject } from 'rxjs/webSocket';
import type { ChatEvent, QuickReply } from '../../chat-event';
import { ServiceDeskError } from '../../errors';
import type { Logger } from '../../logger';
import { backoffDelay, type BackoffConfig } from '../../streams/backoff';
import type { SocketStatus } from '../../streams/connection-state';
import { heartbeatWatchdog } from '../../streams/heartbeat-watchdog';
import { wait } from '../../streams/wait';
import { stepObserver } from '../../streams/step-observer';
import type { ChatConnection, WebSocketCtor } from '../chat-transport';
import { retryTransient } from '../retry-transient';
import type { AuthenticatedSession } from './authenticated-session';
import { clearSession } from './clear-session';
import { fitAttributes } from './custom-attributes';
import { echoPacing } from './detectors/echo-pacing';
import { isDisconnect, type Incoming } from './detectors/types';
import type { ErrorFrame, UploadResultFrame, WmFrame } from './frames';
import { earlierMessages } from './earlier-messages';
import { fetchHistory } from './history';
import { newId } from '../new-id';
import { HEARTBEAT_TRACING_ID, parseFrame } from './parse-frame';
import { savedSession, type WmSavedSession } from './saved-session';
import { TypingNotices } from './typing-notices';
import { wmEventPipeline } from './wm-event-pipeline';

/** Genesys documents no limit; the emulator refuses more than 4,096 characters (4011). */
export const MAX_MESSAGE_LENGTH = 4000;

export interface WebMessagingConnectionConfig {
  /** The socket origin, e.g. `wss://webmessaging.mypurecloud.ie` or the emulator's `ws://127.0.0.1:…`. */
  socketUrl: string;
  /** The REST origin for history, e.g. `https://api.mypurecloud.ie`. */
  apiBaseUrl: string;
  deploymentId: string;
  /** Presence Clear is allowed (the deployment's `conversationClear`): how the customer ends the conversation. */
  clearEnabled: boolean;
  /** Agents' and the flow's texts are Markdown (the deployment's `markdown` setting). @default false */
  markdown?: boolean | undefined;
  webSocketCtor?: WebSocketCtor | undefined;
  fetch: typeof fetch;
  /** Between two heartbeat `echo`s (at least 30 s). @default 45000 */
  heartbeatIntervalMs?: number | undefined;
  /** No frame for this long: the socket is dead. @default 100000 (two heartbeats missed) */
  heartbeatTimeoutMs?: number | undefined;
  backoff?: BackoffConfig | undefined;
  /** Reconnect attempts in a row before the chat is given up. @default 20 */
  maxReconnectAttempts?: number | undefined;
  /** The ordering buffer's window. @default 300 */
  orderWindowMs?: number | undefined;
  /** At most one typing event per this long (Genesys' own clients send one per 5 s). @default 5000 */
  typingIntervalMs?: number | undefined;
  /** How often a message refused with 429 is sent again after its `retryAfter`. @default 3 */
  rateLimitRetries?: number | undefined;
  scheduler?: SchedulerLike | undefined;
  logger?: Logger | undefined;
}

export interface ConnectionStart {
  token: string;
  /** Start a new session for a token used before (the way out of an ended, read-only session). */
  startNew: boolean;
  /** A reattached chat (after a reload): the session must still be there, and the history is replayed to the resume point. */
  resuming: boolean;
  resumeAfter?: string | undefined;
  /** A reattached chat's `ownMessageId`, as saved. */
  ownMessageId?: string | undefined;
  /** A new chat's custom attributes, sent with its Join. */
  attributes?: Record<string, string> | undefined;
  /** A new chat's summary for the agent: the conversation's first message (the customer never sees their own echoes). */
  summary?: string | undefined;
  /** A reattached chat's summary message (its id): never shown to the customer with what they had seen. */
  summaryId?: string | undefined;
  /** Told when the session can take no more messages (so a next chat starts a new one). */
  onSessionOver?: (() => void) | undefined;
  /** An authenticated chat's credentials: every open signs the session in with `configureAuthenticatedSession`. */
  auth?: AuthenticatedSession | undefined;
}

/** A 401 to the sign-in is an expired JWT: renewed and tried again this many times in a row at most. */
const AUTH_RENEWALS = 3;

/** Error codes after which the session is gone (expired, not found). */
const SESSION_GONE = new Set([4006, 4007]);

/**
 * One Web Messaging chat: the guest socket (`rxjs/webSocket`, no SDK), `configureSession` on every open, the heartbeat,
 * reconnects with backoff and a history backfill, the terminal conditions, and sends acknowledged by their Inbound
 * echo. Nothing is shared between chats.
 */
export class WebMessagingConnection implements ChatConnection {
  readonly events$: Observable<ChatEvent>;
  readonly opened: Promise<void>;
  readonly maxMessageLength = MAX_MESSAGE_LENGTH;
  /** Genesys never tells a Web Messaging guest its conversation's id (`ownMessageId` stands in for it). */
  readonly conversationId = undefined;
  /** Genesys tells a Web Messaging guest nothing when an agent sends the chat back to a queue. */
  readonly hearsRequeue = false;
  private readonly status$ = new BehaviorSubject<SocketStatus>('connecting');
  private readonly disposed$ = new Subject<void>();
  private readonly own$ = new Subject<ChatEvent>();
  private readonly scheduler: SchedulerLike;
  private readonly log: Logger;
  private socket: WebSocketSubject<unknown> | undefined;
  /** The socket is open and bound to the session. */
  private configured = false;
  private readonly pending = new Map<string, { resolve: (f: WmFrame) => void; reject: (e: Error) => void }>();
  /** Uploads waiting for Genesys to say the file is stored or refused, by attachment id. */
  private readonly uploads = new Map<string, { resolve: (f: UploadResultFrame) => void; reject: (e: Error) => void }>();
  private readOnly = false;
  private over = false;
  private ending = false;
  /** When the last `onMessage` request went out: typing notices leave the session's rate to messages first. */
  private lastOnMessageAt = Number.NEGATIVE_INFINITY;
  private readonly typing: TypingNotices;
  private maxCustomDataBytes: number | undefined;
  private lastPassed: string | undefined;
  /** The id of the summary for the agent, once sent (or as a reattached chat was told). */
  private summaryId: string | undefined;
  /** The customer's messages Genesys has, by the id this client gave them (`metadata.customMessageId`). */
  private readonly delivered = new Set<string>();
  /** The history backfill after a (re)connect, while it runs. */
  private catchingUp: Promise<void> | undefined;
  private ownMessage: string | undefined;
  /** `ownMessage` is a text's (a Join's echo stands in until the first text is echoed). */
  private ownMessageIsText = false;
  private isOpened = false;
  private resolveOpened!: () => void;
  private rejectOpened!: (e: Error) => void;

  constructor(
    private readonly config: WebMessagingConnectionConfig,
    private readonly start: ConnectionStart,
  ) {
    this.scheduler = config.scheduler ?? asyncScheduler;
    this.typing = new TypingNotices({
      intervalMs: config.typingIntervalMs ?? 5000,
      scheduler: this.scheduler,
      sendable: () => this.configured && !this.over,
      lastOnMessageAt: () => this.lastOnMessageAt,
      send: () =>
        this.send({
          action: 'onMessage',
          message: { type: 'Event', events: [{ eventType: 'Typing', typing: { type: 'On' } }] },
        }),
    });
    this.log = config.logger ?? {};
    this.lastPassed = start.resumeAfter;
    this.summaryId = start.summaryId;
    this.ownMessage = start.ownMessageId;
    this.ownMessageIsText = start.ownMessageId !== undefined;
    this.opened = new Promise<void>((resolve, reject) => {
      this.resolveOpened = () => {
        this.isOpened = true;
        resolve();
      };
      this.rejectOpened = reject;
    });
    // Nobody may await `opened` (a chat disposed at once): no unhandled rejection for that.
    this.opened.catch(() => undefined);
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
    return this.ownMessage;
  }

  /**
   * Keeps the id of the customer's first message as Genesys echoed it. A text's is preferred to the Join's: a text is
   * a message of the conversation beyond doubt, where Genesys documents nothing about looking up a presence event.
   */
  private noteOwnMessage(f: WmFrame): void {
    if (f.kind !== 'message' || f.message.direction !== 'Inbound' || this.ownMessageIsText) return;
    this.ownMessage = f.message.id;
    this.ownMessageIsText = f.message.type === 'Text';
  }

  /**
   * `id` travels as the message's `metadata.customMessageId`, which Genesys keeps with the message: a message already
   * in the conversation under that id (its echo came, or the history after a reconnect holds it although the socket
   * dropped before the echo) is not sent again. A history backfill under way is waited for, so that it has been read.
   */
  async sendMessage(text: string, id?: string): Promise<void> {
    await this.catchingUp;
    if (id !== undefined && this.delivered.has(id)) return;
    this.assertSendable();
    await this.sendOnMessage({
      type: 'Text',
      text,
      ...(id !== undefined ? { metadata: { customMessageId: id } } : {}),
    });
  }

  private assertSendable(): void {
    if (this.over || this.readOnly) throw chatOver();
    if (!this.configured) throw new ServiceDeskError('SOCKET_FAILED', 'the chat is reconnecting; try again shortly');
  }

  /**
   * A file from the customer: `onAttachment` for an upload target, the bytes PUT there, Genesys' word that the file is
   * stored, then a message that carries it. Resolves when that message is acknowledged; rejects with `FILE_REFUSED`
   * (Genesys' code as `status`) when Genesys refuses the file, `UPLOAD_FAILED` when the upload itself fails.
   */
  async sendFile(file: Blob, name: string): Promise<void> {
    this.assertSendable();
    const attachmentId = newId();
    const type = file.type || 'application/octet-stream';
    const stored = new Promise<UploadResultFrame>((resolve, reject) =>
      this.uploads.set(attachmentId, { resolve, reject }),
    );
    stored.catch(() => undefined);
    try {
      // A refusal may come as a GenerateUrlError that names the attachment rather than the request.
      const target = await Promise.race([
        this.request({
          action: 'onAttachment',
          attachmentId,
          fileName: name,
          fileType: type,
          fileSize: file.size,
          errorsAsJson: true,
        }),
        stored,
      ]);
      if (target.kind === 'error') throw fileRefusal(target.code, target.text);
      if (target.kind === 'upload-result' && !target.ok) throw fileRefusal(target.code, target.text);
      if (target.kind !== 'upload-url')
        throw new ServiceDeskError('UPLOAD_FAILED', `onAttachment answered ${target.kind}`);
      let put: Response;
      try {
        put = await this.config.fetch(target.url, {
          method: 'PUT',
          headers: { ...target.headers, 'Content-Type': type },
          body: file,
        });
      } catch (e) {
        throw new ServiceDeskError('UPLOAD_FAILED', 'the file could not be uploaded (network)', { cause: e });
      }
      if (!put.ok) {
        throw new ServiceDeskError('UPLOAD_FAILED', `the file could not be uploaded (${put.status})`, {
          status: put.status,
        });
      }
      const result = await stored;
      if (!result.ok) throw fileRefusal(result.code, result.text);
    } finally {
      this.uploads.delete(attachmentId);
    }
    await this.sendOnMessage({
      type: 'Text',
      content: [{ contentType: 'Attachment', attachment: { id: attachmentId } }],
    });
  }

  /**
   * The customer's choice of a quick reply or of a card's answer button, as Genesys' own Messenger sends it: a
   * Structured `ButtonResponse` (type `QuickReply` or `Button`).
   */
  async sendQuickReply(reply: QuickReply): Promise<void> {
    this.assertSendable();
    await this.sendOnMessage({
      type: 'Structured',
      text: reply.text,
      content: [
        {
          contentType: 'ButtonResponse',
          buttonResponse: { type: reply.fromCard ? 'Button' : 'QuickReply', text: reply.text, payload: reply.payload },
        },
      ],
    });
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
    this.ending = true;
    const live = !this.over && !this.readOnly;
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
    this.rejectOpened(new ServiceDeskError('SOCKET_FAILED', 'the chat was closed before its event stream opened'));
  }

  savedState(resumeAfter: string | undefined): WmSavedSession {
    return savedSession(this.config.deploymentId, this.start.token, resumeAfter, {
      refreshToken: this.start.auth?.refreshToken,
      summaryId: this.summaryId,
      socketUrl: this.config.socketUrl,
      clearEnabled: this.config.clearEnabled,
      markdown: this.config.markdown,
      ownMessageId: this.ownMessage,
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

  /** The socket's messages, with everything else a frame means handled on the way. */
  private messages(): Observable<Incoming> {
    const c = this.config;
    return new Observable<Incoming>((subscriber) => {
      const WebSocketCtor = c.webSocketCtor ?? (globalThis as { WebSocket?: WebSocketCtor }).WebSocket;
      let everOpened = false;
      let backfilling = false;
      let held: Incoming[] = [];
      /** The sign-in (configure request) last sent, and how many 401s in a row it has met. */
      let configureId: string | undefined;
      let renewals = 0;
      const emit = (m: Incoming) => {
        if (m.customMessageId) this.delivered.add(m.customMessageId);
        if (backfilling) held.push(m);
        else subscriber.next(m);
      };

      /** The chat cannot go on: before it opened, starting fails; after, the customer is told it ended. */
      const finish = (reason: string, by: 'system' | 'agent') => {
        if (this.over) return;
        this.over = true;
        this.start.onSessionOver?.();
        this.log.info?.(`Web Messaging: ${reason}`);
        if (!this.isOpened) {
          const e = new ServiceDeskError('NO_CHAT', reason);
          this.rejectOpened(e);
          subscriber.error(e);
        } else this.own$.next({ type: 'chatEnded', by: this.ending ? 'guest' : by });
      };

      const backfill = (replay: boolean): Promise<void> => {
        const done = readHistory(replay).finally(() => {
          if (this.catchingUp === done) this.catchingUp = undefined;
        });
        this.catchingUp = done;
        return done;
      };

      const readHistory = async (replay: boolean) => {
        backfilling = true;
        try {
          const jwt = await this.request({ action: 'getJwt' });
          if (jwt.kind !== 'jwt') throw new Error(`getJwt answered ${jwt.kind}`);
          const missed = await fetchHistory({
            apiBaseUrl: c.apiBaseUrl,
            jwt: jwt.jwt,
            after: this.lastPassed,
            replay,
            fetch: c.fetch,
          });
          if (replay) {
            // Before anything of the backfill: what the customer had seen before the reload.
            const earlier = earlierMessages(missed, this.summaryId);
            if (earlier.length > 0) this.own$.next({ type: 'earlierMessages', messages: earlier });
          }
          missed.forEach((m) => {
            if (m.customMessageId) this.delivered.add(m.customMessageId);
            subscriber.next(m);
          });
        } catch (e) {
          this.log.warn?.('Web Messaging: the history backfill failed; continuing with live messages', e);
        } finally {
          backfilling = false;
          const pending = held;
          held = [];
          pending.forEach((m) => subscriber.next(m));
        }
      };

      // Runs on the SessionResponse, never before it: Genesys promises no order among a socket's requests (an
      // asynchronous channel), so a Join sent with configureSession could meet a socket not yet bound; and the answer
      // decides what may be sent (nothing into a read-only session, the attributes within its maxCustomDataBytes).
      const firstSession = async (f: Extract<WmFrame, { kind: 'session' }>) => {
        if (this.start.resuming) {
          if (f.newSession || f.readOnly) return finish('the chat is over (its session ended)', 'system');
          // The chat is live again once its socket is bound: what was missed meanwhile follows from the history,
          // and live messages are held until it has (nothing lost, nothing shown twice).
          const missed = backfill(true);
          this.resolveOpened();
          return missed;
        }
        if (f.readOnly) return finish('the session is read-only', 'system');
        try {
          const { fitted, dropped } = fitAttributes(this.start.attributes ?? {}, this.maxCustomDataBytes);
          if (dropped.length > 0)
            this.log.warn?.(
              `Web Messaging: custom attributes left out (over maxCustomDataBytes): ${dropped.join(', ')}`,
            );
          const joined = await this.withRateLimit(() =>
            this.request({
              action: 'onMessage',
              message: {
                type: 'Event',
                events: [presence('Join')],
                ...(Object.keys(fitted).length > 0 ? { channel: { metadata: { customAttributes: fitted } } } : {}),
              },
            }),
          );
          if (joined.kind === 'error') throw refusal(joined);
          this.noteOwnMessage(joined);
          // The agent must read the summary first: a transient failure is retried; a summary that cannot be
          // delivered fails the start (the desk then ends the conversation, so none is orphaned).
          const summary = this.start.summary;
          if (summary)
            this.summaryId = await retryTransient(() => this.sendText(summary), {
              backoff: c.backoff,
              scheduler: this.scheduler,
            });
          this.own$.next({ type: 'queued' });
          this.resolveOpened();
        } catch (e) {
          const err = e instanceof Error ? e : new Error(String(e));
          this.rejectOpened(
            new ServiceDeskError('GENESYS_UNAVAILABLE', `the chat could not be started: ${err.message}`, { cause: e }),
          );
        }
      };

      /** Binds the socket to the session: `configureSession`, or for a signed-in customer `configureAuthenticatedSession`. */
      const configure = (socket: WebSocketSubject<unknown>, first: boolean) => {
        const request = {
          token: this.start.token,
          deploymentId: c.deploymentId,
          ...(this.start.startNew && first ? { startNew: true } : {}),
        };
        const auth = this.start.auth;
        if (!auth) return socket.next({ action: 'configureSession', ...request, tracingId: newId() });
        auth.currentJwt().then(
          (code) => {
            if (this.socket !== socket) return;
            configureId = newId();
            socket.next({
              action: 'configureAuthenticatedSession',
              ...request,
              data: { code },
              tracingId: configureId,
            });
          },
          (e: unknown) => finish(`the sign-in could not be renewed (${describe(e)})`, 'system'),
        );
      };

      /** The sign-in refused: an expired JWT is renewed with the refresh token and sent again; anything else ends it. */
      const onSignInRefused = (f: ErrorFrame) => {
        const socket = this.socket;
        if (f.code !== 401 || renewals >= AUTH_RENEWALS || !socket || !this.start.auth)
          return finish(`Genesys refused the sign-in (${f.code} ${f.text})`, 'system');
        renewals += 1;
        this.start.auth.refresh().then(
          () => configure(socket, !everOpened),
          (e: unknown) => finish(`the sign-in could not be renewed (${describe(e)})`, 'system'),
        );
      };

      const onSession = (f: Extract<WmFrame, { kind: 'session' }>) => {
        if (!f.connected) return;
        renewals = 0;
        this.configured = true;
        this.maxCustomDataBytes = f.maxCustomDataBytes;
        this.own$.next({ type: 'uploadPolicy', policy: f.readOnly ? undefined : f.uploads });
        if (!everOpened) {
          everOpened = true;
          return void firstSession(f);
        }
        if (f.newSession) return finish('the session expired while the connection was away', 'system');
        if (f.readOnly) return finish('the agent ended the chat while the connection was away', 'agent');
        void backfill(false);
      };

      const onFrame = (f: WmFrame | { kind: 'invalid'; reason: string }) => {
        switch (f.kind) {
          case 'invalid':
            return this.log.warn?.(`Web Messaging: dropped a frame: ${f.reason}`);
          case 'unused':
            return this.log.debug?.(`Web Messaging: ${f.class} is not used`);
          case 'pong':
            return;
          case 'session':
            return onSession(f);
          case 'message':
            if (f.tracingId) this.settle(f.tracingId, f);
            if (isDisconnect(f.message) && f.message.readOnly) {
              this.readOnly = true;
              this.start.onSessionOver?.();
            }
            return emit(f.message);
          case 'jwt':
          case 'upload-url':
            return f.tracingId ? void this.settle(f.tracingId, f) : undefined;
          case 'upload-result':
            if (f.tracingId && this.settle(f.tracingId, f)) return;
            return this.uploads.get(f.attachmentId)?.resolve(f);
          case 'error':
            if (f.tracingId && this.settle(f.tracingId, f)) return;
            if (f.tracingId !== undefined && this.typing.refused(f.tracingId, f.code, f.retryAfter)) {
              if (f.code !== 429) this.log.warn?.(`Web Messaging: typing refused: ${f.code} ${f.text}`);
              return;
            }
            if (f.tracingId !== undefined && f.tracingId === configureId) return onSignInRefused(f);
            if (SESSION_GONE.has(f.code)) return finish(`the session is gone (${f.code} ${f.text})`, 'system');
            return this.log.warn?.(`Web Messaging: ${f.code} ${f.text}`);
          case 'connection-closed':
            return finish(`Genesys closed the connection${f.reason ? ` (${f.reason})` : ''}`, 'system');
          case 'session-expired':
            return finish('the session expired', 'system');
          case 'session-cleared':
            return finish('the conversation was cleared', 'system');
          case 'logout':
            return finish('the customer signed out', 'system');
        }
      };

      const socket$ = defer(() => {
        if (!WebSocketCtor) {
          return throwError(
            () => new ServiceDeskError('SOCKET_FAILED', 'no WebSocket implementation: pass webSocketCtor'),
          );
        }
        this.status$.next(everOpened ? 'reconnecting' : 'connecting');
        const socket = webSocket<unknown>({
          url: `${c.socketUrl.replace(/\/+$/, '')}/v1?deploymentId=${encodeURIComponent(c.deploymentId)}`,
          WebSocketCtor,
          deserializer: (e: MessageEvent) => e.data as unknown,
          openObserver: {
            next: () => {
              configure(socket, !everOpened);
              this.status$.next('open');
            },
          },
          closeObserver: { next: () => (this.configured = false) },
        });
        this.socket = socket;
        return socket;
      }).pipe(
        // Silence means a dead socket, and for us any close we did not ask for is a drop, as silence is.
        heartbeatWatchdog({
          timeoutMs: c.heartbeatTimeoutMs ?? 100_000,
          completeAs: () => new Error('the socket closed'),
          scheduler: this.scheduler,
        }),
        retry({
          count: c.maxReconnectAttempts ?? 20,
          resetOnSuccess: true,
          delay: (err: unknown, attempt) => {
            this.configured = false;
            this.failPending(new ServiceDeskError('SOCKET_FAILED', 'the connection was lost', { cause: err }));
            if (this.over) return throwError(() => err);
            if (refusedUpgrade(err)) {
              if (this.isOpened) {
                finish('Genesys refused the connection (403)', 'system');
                return throwError(() => err);
              }
              return throwError(
                () =>
                  new ServiceDeskError('GENESYS_REFUSED', 'Genesys refused the connection (403)', {
                    status: 403,
                    cause: err,
                  }),
              );
            }
            // A new chat that cannot open at all fails at once; a reattached one retries as a dropped socket does.
            if (!everOpened && !this.start.resuming) {
              return throwError(
                () =>
                  new ServiceDeskError('SOCKET_FAILED', 'the Web Messaging socket could not be opened', { cause: err }),
              );
            }
            this.status$.next('reconnecting');
            this.log.info?.(`Web Messaging: connection lost (${describe(err)}); reconnect attempt ${attempt}`);
            return timer(backoffDelay(attempt, c.backoff), this.scheduler);
          },
        }),
      );

      const heartbeat: Subscription = this.status$
        .pipe(echoPacing({ intervalMs: c.heartbeatIntervalMs, scheduler: this.scheduler }))
        .subscribe(() => {
          if (this.configured)
            this.send({ action: 'echo', message: { type: 'Text', text: 'ping' } }, HEARTBEAT_TRACING_ID);
        });

      const sub = socket$.subscribe(
        stepObserver<unknown>(subscriber, {
          next: (data) => onFrame(parseFrame(data)),
          error: (e: unknown) => {
            this.status$.next('closed');
            if (this.over) return subscriber.complete();
            const err = e instanceof Error ? e : new ServiceDeskError('SOCKET_FAILED', describe(e), { cause: e });
            this.rejectOpened(err);
            subscriber.error(err);
          },
          complete: () => {
            this.status$.next('closed');
            subscriber.complete();
          },
        }),
      );
      return () => {
        heartbeat.unsubscribe();
        sub.unsubscribe();
        this.socket = undefined;
        this.configured = false;
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
  private request(request: Record<string, unknown>): Promise<WmFrame> {
    if (!this.configured || !this.socket)
      return Promise.reject(new ServiceDeskError('SOCKET_FAILED', 'the chat is not connected'));
    return new Promise<WmFrame>((resolve, reject) => {
      const tracingId = newId();
      this.pending.set(tracingId, { resolve, reject });
      this.send(request, tracingId);
    });
  }

  /** The answer to a pending request: true when it was one. */
  private settle(tracingId: string, f: WmFrame): boolean {
    const p = this.pending.get(tracingId);
    if (!p) return false;
    this.pending.delete(tracingId);
    p.resolve(f);
    return true;
  }

  private failPending(e: Error): void {
    const pending = [...this.pending.values(), ...this.uploads.values()];
    this.pending.clear();
    this.uploads.clear();
    pending.forEach((p) => p.reject(e));
  }

  /** A request sent again after each 429's `retryAfter`, a few times. */
  private async withRateLimit(send: () => Promise<WmFrame>): Promise<WmFrame> {
    const retries = this.config.rateLimitRetries ?? 3;
    for (let attempt = 0; ; attempt++) {
      const f = await send();
      if (f.kind !== 'error' || f.code !== 429 || attempt >= retries) return f;
      await wait((f.retryAfter ?? 1) * 1000, this.scheduler);
    }
  }

  /** A text message, resolved by its Inbound echo (with the message's id). */
  private sendText(text: string): Promise<string | undefined> {
    return this.sendOnMessage({ type: 'Text', text });
  }

  /** An `onMessage`, resolved by its Inbound echo (with the message's id); a 409 makes the session read-only. */
  private async sendOnMessage(message: Record<string, unknown>): Promise<string | undefined> {
    const f = await this.withRateLimit(() => this.request({ action: 'onMessage', message }));
    this.noteOwnMessage(f);
    if (f.kind === 'error') {
      if (f.code === 409) {
        this.readOnly = true;
        this.start.onSessionOver?.();
      }
      throw refusal(f);
    }
    return f.kind === 'message' ? f.message.id : undefined;
  }
}

const presence = (type: 'Join' | 'Clear') => ({ eventType: 'Presence', presence: { type } });

const chatOver = () => new ServiceDeskError('NO_CHAT', 'the chat is over: Genesys takes no more messages in it');

/** A refused request as the error the host reports. */
function refusal(f: ErrorFrame): ServiceDeskError {
  const what = `Genesys refused the message: ${f.code} ${f.text}`;
  if (f.code === 409) return new ServiceDeskError('NO_CHAT', what, { status: 409 });
  if (f.code === 4011) return new ServiceDeskError('MESSAGE_TOO_LONG', what, { status: 4011 });
  if (f.code === 429)
    return new ServiceDeskError('GENESYS_UNAVAILABLE', what, { status: 429, retryAfterMs: (f.retryAfter ?? 1) * 1000 });
  if (f.code >= 5000) return new ServiceDeskError('GENESYS_UNAVAILABLE', what, { status: f.code });
  return new ServiceDeskError('GENESYS_REFUSED', what, { status: f.code });
}

/** Genesys refused a file (4001 type, 4002 size, 4003 content, 4004/4005 name, …): the code is the error's status. */
function fileRefusal(code: number | undefined, text: string | undefined): ServiceDeskError {
  return new ServiceDeskError('FILE_REFUSED', `Genesys refused the file: ${code ?? '?'} ${text ?? ''}`.trim(), {
    ...(code !== undefined ? { status: code } : {}),
  });
}

/** A 403 on the upgrade (Node's `ws` says so; a browser cannot tell it from a network failure). */
function refusedUpgrade(err: unknown): boolean {
  return /\b403\b/.test(describe(err));
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  const m = (err as { message?: unknown } | null)?.message;
  return typeof m === 'string' ? m : String(err);
}
