import {
  BehaviorSubject,
  EMPTY,
  Observable,
  asyncScheduler,
  catchError,
  defer,
  from,
  map,
  of,
  retry,
  switchMap,
  throwError,
  timer,
  Subject,
  type SchedulerLike,
} from 'rxjs';
import { webSocket } from 'rxjs/webSocket';
import { backoffDelay, type BackoffConfig } from '../backoff';
import type { ChatEvent } from '../chat-event';
import { GenesysApiError, ServiceDeskError } from '../errors';
import type { Logger } from '../logger';
import type { SocketStatus } from '../operators/connection-state';
import { heartbeatWatchdog } from '../operators/heartbeat-watchdog';
import { stepSubscriber } from '../operators/step-subscriber';
import { chatEventPipeline } from './chat-event-pipeline';
import { parseFrame, type EventFrame, type MemberChangeFrame } from './frames';
import { GuestApi, type CreateChatRequest } from './guest-api';

/** A WebSocket constructor: the browser's, or `ws` in Node. */
export type WebSocketCtor = new (url: string, protocols?: string | string[]) => WebSocket;

export interface GuestChatTransportConfig {
  /** Origin of the guest chat REST API, e.g. `https://api.mypurecloud.ie` or the emulator's URL. */
  apiBaseUrl: string;
  /** @default globalThis.WebSocket */
  webSocketCtor?: WebSocketCtor;
  /** No frame (heartbeats included) for this long means the socket is dead (noticed within an eighth more). @default 75000 (2.5 heartbeats) */
  heartbeatTimeoutMs?: number;
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

/** What identifies a live chat across page reloads (kept in the host's persisted state). */
export interface ChatSession {
  conversationId: string;
  memberId: string;
  jwt: string;
  eventStreamUri: string;
  /** The last message seen, so a reattached chat shows only what was missed. */
  lastMessageId?: string;
}

class SocketClosed extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
  ) {
    super(`the event stream closed (${code}${reason ? ` ${reason}` : ''})`);
  }
}

/** The guest chat transport: Genesys REST through the official SDK, events through `rxjs/webSocket`. */
export class GuestChatTransport {
  constructor(private readonly config: GuestChatTransportConfig) {}

  /** Creates the conversation. Its socket opens when the connection's `events$` is subscribed. */
  async start(request: CreateChatRequest): Promise<GuestChatConnection> {
    const api = new GuestApi(this.config.apiBaseUrl);
    const created = await api.create(request);
    return new GuestChatConnection(api, created, this.config, false);
  }

  /**
   * Reattaches to a chat after a page reload. Null when the chat is over (the guest is DISCONNECTED, or Genesys no
   * longer knows the conversation or the token).
   */
  async resume(session: ChatSession): Promise<GuestChatConnection | null> {
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
      throw e;
    }
    return new GuestChatConnection(api, session, this.config, true);
  }
}

/** One chat's connection: its event stream, its commands, its teardown. Nothing is shared between chats. */
export class GuestChatConnection {
  /** The chat's events. Cold: subscribing opens the socket; it completes after `chatEnded`. Subscribe once. */
  readonly events$: Observable<ChatEvent>;
  /** Resolves when the socket first opened; rejects if it could not be opened. */
  readonly opened: Promise<void>;
  private readonly status$ = new BehaviorSubject<SocketStatus>('connecting');
  private readonly disposed$ = new Subject<void>();
  private ending = false;
  private resolveOpened!: () => void;
  private rejectOpened!: (e: Error) => void;
  private readonly log: Logger;

  constructor(
    private readonly api: GuestApi,
    readonly session: ChatSession,
    private readonly config: GuestChatTransportConfig,
    private readonly resuming: boolean,
  ) {
    this.log = config.logger ?? {};
    this.opened = new Promise<void>((resolve, reject) => {
      this.resolveOpened = resolve;
      this.rejectOpened = reject;
    });
    // Avoid an unhandled rejection when nobody awaits `opened`.
    this.opened.catch(() => undefined);
    this.events$ = this.buildEvents();
  }

  async sendMessage(text: string): Promise<{ id: string }> {
    return this.api.sendMessage(this.session.conversationId, this.session.memberId, text);
  }

  async sendNotice(text: string): Promise<void> {
    await this.api.sendMessage(this.session.conversationId, this.session.memberId, text, 'notice');
  }

  async sendTyping(): Promise<void> {
    await this.api.typing(this.session.conversationId, this.session.memberId);
  }

  /** The guest leaves (DELETE own member), then the socket closes. A chat already over counts as left. */
  async end(): Promise<void> {
    this.ending = true;
    try {
      await this.api.leave(this.session.conversationId, this.session.memberId);
    } catch (e) {
      const gone =
        e instanceof GenesysApiError &&
        (e.genesysCode === 'chat.error.member.state' ||
          e.genesysCode === 'chat.error.conversation.state' ||
          e.status === 404);
      if (!gone) throw e;
    } finally {
      this.dispose();
    }
  }

  /** Closes the socket and stops every timer of this chat, without leaving the Genesys conversation. */
  dispose(): void {
    this.disposed$.next();
    this.disposed$.complete();
    this.status$.complete();
    this.rejectOpened(new ServiceDeskError('SOCKET_FAILED', 'the chat was closed before its event stream opened'));
  }

  private buildEvents(): Observable<ChatEvent> {
    const c = this.config;
    // Ends with the chat (the pipeline completes after `chatEnded`) or when disposed (`until$`, which the pipeline's
    // own subscriber watches: no `takeUntil` step or wrapper of ours for every event, bench/client-pipeline.ts).
    return chatEventPipeline(this.frames(), {
      selfId: this.session.memberId,
      lookup: (id) => this.api.getMember(this.session.conversationId, id),
      onLookupError: (id, e) =>
        this.log.warn?.(`Genesys member ${id} could not be looked up; using a fallback profile`, e),
      onMessageFrame: (id) => (this.session.lastMessageId = id),
      guestEnding: () => this.ending,
      status$: this.status$,
      ...(c.typingExpiryMs !== undefined ? { typingExpiryMs: c.typingExpiryMs } : {}),
      ...(c.departureGraceMs !== undefined ? { departureGraceMs: c.departureGraceMs } : {}),
      ...(c.scheduler ? { scheduler: c.scheduler } : {}),
      until$: this.disposed$,
    });
  }

  /** Event frames from the socket, with reconnects, the own-state check, and backfill after each reopen. */
  private frames(): Observable<EventFrame> {
    const c = this.config;
    const scheduler = c.scheduler ?? asyncScheduler;
    const WebSocketCtor = c.webSocketCtor ?? (globalThis as { WebSocket?: WebSocketCtor }).WebSocket;
    const { conversationId, memberId } = this.session;
    let everOpened = false;

    return new Observable<EventFrame>((subscriber) => {
      let backfilling = false;
      let held: EventFrame[] = [];
      const emit = (f: EventFrame) => (backfilling ? held.push(f) : subscriber.next(f));

      const backfill = async () => {
        backfilling = true;
        try {
          // Members first (who is here now: an agent who joined while we were away is announced), then messages.
          const members = await this.api.getMembers(conversationId);
          const now = new Date().toISOString();
          for (const m of members) {
            if (m.state === 'ALERTING' || m.state === 'CONNECTED' || m.state === 'DISCONNECTED') {
              subscriber.next({
                kind: 'member-change',
                conversationId,
                memberId: m.id,
                state: m.state,
                timestamp: now,
              });
            }
          }
          for (const f of await this.api.getMessagesAfter(conversationId, this.session.lastMessageId))
            subscriber.next(f);
        } catch (e) {
          this.log.warn?.('Backfill after reconnecting failed; continuing with live events', e);
        } finally {
          backfilling = false;
          const pending = held;
          held = [];
          pending.forEach((f) => subscriber.next(f));
        }
      };

      /** Before reconnecting: is the chat still on? An ended chat ends here instead of reconnecting forever (pitfall 23). */
      const stillLive = (): Observable<boolean> =>
        from(this.api.getMember(conversationId, memberId)).pipe(
          map((me) => me.state !== 'DISCONNECTED'),
          catchError((e: unknown) => of(!(e instanceof GenesysApiError && (e.status === 401 || e.status === 404)))),
        );

      const socket$ = defer(() => {
        if (!WebSocketCtor)
          return throwError(
            () => new ServiceDeskError('SOCKET_FAILED', 'no WebSocket implementation: pass webSocketCtor'),
          );
        this.status$.next(everOpened ? 'reconnecting' : 'connecting');
        return webSocket<string>({
          url: this.session.eventStreamUri,
          WebSocketCtor,
          deserializer: (e: MessageEvent) => e.data as string,
          openObserver: {
            next: () => {
              const reopened = everOpened || this.resuming;
              everOpened = true;
              this.status$.next('open');
              this.resolveOpened();
              if (reopened) void backfill();
            },
          },
        });
      }).pipe(
        // A missing heartbeat means a dead socket: unsubscribing closes it and `retry` opens a new one. Any text
        // from the socket counts as a sign of life; frames are parsed once, after this, by the subscriber below.
        // A clean close (e.g. 1001) completes the socket; for us any close we did not ask for is a drop, as silence is.
        heartbeatWatchdog({
          timeoutMs: c.heartbeatTimeoutMs ?? 75_000,
          completeAs: () => new SocketClosed(1000, ''),
          scheduler,
        }),
        retry({
          count: c.maxReconnectAttempts ?? 20,
          resetOnSuccess: true,
          delay: (err: unknown, n) => {
            if (!everOpened)
              return throwError(
                () =>
                  new ServiceDeskError('SOCKET_FAILED', 'the Genesys event stream could not be opened', { cause: err }),
              );
            this.status$.next('reconnecting');
            this.log.info?.(
              `Event stream lost (${err instanceof Error ? err.message : String(err)}); reconnect attempt ${n}`,
            );
            return timer(backoffDelay(n, c.backoff), scheduler).pipe(
              switchMap(() => stillLive()),
              switchMap((live) => {
                if (live) return of(true);
                // The chat ended while we were away: report the guest's departure and stop.
                const ended: MemberChangeFrame = {
                  kind: 'member-change',
                  conversationId,
                  memberId,
                  state: 'DISCONNECTED',
                  timestamp: new Date().toISOString(),
                };
                subscriber.next(ended);
                return EMPTY;
              }),
            );
          },
        }),
      );

      const sub = socket$.subscribe(
        stepSubscriber<string>(subscriber, {
          next: (data) => {
            const f = parseFrame(data);
            if (f.kind === 'invalid') this.log.warn?.(`Dropped an event-stream frame: ${f.reason}`);
            else if (f.kind !== 'heartbeat') emit(f);
          },
          error: (e: unknown) => {
            this.status$.next('closed');
            this.rejectOpened(e instanceof Error ? e : new Error(String(e)));
            subscriber.error(e);
          },
          complete: () => {
            this.status$.next('closed');
            subscriber.complete();
          },
        }),
      );
      return () => sub.unsubscribe();
    });
  }
}
