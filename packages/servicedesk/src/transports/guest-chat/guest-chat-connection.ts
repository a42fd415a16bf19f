import { BehaviorSubject, Subject, asyncScheduler, type Observable, type SchedulerLike } from 'rxjs';
import type { ChatEvent, QuickReply } from '../../chat-event';
import { GenesysApiError, ServiceDeskError } from '../../errors';
import type { Logger } from '../../logger';
import type { SocketStatus } from '../../streams/connection-state';
import type { ChatConnection } from '../chat-transport';
import { retryRateLimited } from '../rate-limit';
import { retryTransient } from '../retry-transient';
import { chatEventPipeline } from './chat-event-pipeline';
import { savedSession, type ChatSession } from './chat-session';
import { eventFrames } from './event-stream';
import type { GuestApi } from './guest-api';
import type { GuestChatTransportConfig } from './guest-chat-transport';

/** Genesys refuses longer message bodies. */
export const MAX_MESSAGE_LENGTH = 4000;

export interface ConnectionStart {
  /** A reattached chat (after a reload) rather than a new one. */
  resuming: boolean;
  /** Posted as a notice for the agent once the socket first opened (a new chat only). */
  summary?: string;
}

/** One guest chat: its event stream, its commands, its teardown. Nothing is shared between chats. */
export class GuestChatConnection implements ChatConnection {
  readonly events$: Observable<ChatEvent>;
  readonly opened: Promise<void>;
  readonly maxMessageLength = MAX_MESSAGE_LENGTH;
  private readonly status$ = new BehaviorSubject<SocketStatus>('connecting');
  private readonly disposed$ = new Subject<void>();
  private readonly own$ = new Subject<ChatEvent>();
  private ending = false;
  private resolveSocketOpened!: () => void;
  private rejectSocketOpened!: (e: Error) => void;
  private readonly log: Logger;
  private readonly scheduler: SchedulerLike;

  constructor(
    private readonly api: GuestApi,
    readonly session: ChatSession,
    config: GuestChatTransportConfig,
    start: ConnectionStart,
  ) {
    this.log = config.logger ?? {};
    this.scheduler = config.scheduler ?? asyncScheduler;
    const socketOpened = new Promise<void>((resolve, reject) => {
      this.resolveSocketOpened = resolve;
      this.rejectSocketOpened = reject;
    });
    const summary = start.summary;
    // The agent must read the summary first: a transient failure to post it is retried, and a chat whose summary
    // cannot be delivered does not start (the desk then leaves the conversation, so none is orphaned).
    this.opened = summary
      ? socketOpened.then(() =>
          retryTransient(
            () =>
              this.rateLimited(() => this.api.sendMessage(session.conversationId, session.memberId, summary, 'notice')),
            {
              backoff: config.backoff,
              scheduler: config.scheduler,
            },
          ).then(
            () => undefined,
            (e: unknown) => {
              const why = e instanceof Error ? e.message : String(e);
              throw new ServiceDeskError(
                'GENESYS_UNAVAILABLE',
                `the summary for the agent could not be posted: ${why}`,
                {
                  cause: e,
                },
              );
            },
          ),
        )
      : socketOpened;
    // Nobody may await `opened` (a chat disposed at once): no unhandled rejection for that.
    this.opened.catch(() => undefined);
    const frames$ = eventFrames({
      api,
      session,
      config,
      resuming: start.resuming,
      status$: this.status$,
      onOpen: () => this.resolveSocketOpened(),
      onFail: (e) => this.rejectSocketOpened(e instanceof Error ? e : new Error(String(e))),
      onEarlier: (messages) => this.own$.next({ type: 'earlierMessages', messages }),
      log: this.log,
    });
    // Ends with the chat (the pipeline completes after `chatEnded`) or when disposed.
    this.events$ = chatEventPipeline(frames$, {
      selfId: session.memberId,
      lookup: (id) => api.getMember(session.conversationId, id),
      onLookupError: (id, e) =>
        this.log.warn?.(`Genesys member ${id} could not be looked up; using a fallback profile`, e),
      onMessageFrame: (id) => (session.lastMessageId = id),
      guestEnding: () => this.ending,
      status$: this.status$,
      typingExpiryMs: config.typingExpiryMs,
      departureGraceMs: config.departureGraceMs,
      scheduler: config.scheduler,
      until$: this.disposed$,
      own$: this.own$,
    });
  }

  /** Guest chat names the conversation itself (`conversationId`). */
  readonly ownMessageId = undefined;
  /** The ACD member's return says so. */
  readonly hearsRequeue = true;

  get conversationId(): string {
    return this.session.conversationId;
  }

  get lastMessageId(): string | undefined {
    return this.session.lastMessageId;
  }

  /** A REST call sent again after a 429's `Retry-After` (`../rate-limit.ts`, the one layer that retries a 429). */
  private rateLimited<T>(call: () => Promise<T>): Promise<T> {
    return retryRateLimited(call, this.scheduler);
  }

  /**
   * Guest chat cannot tag a message with an id of ours, so `_id` is unused: a send whose answer was lost is sent again.
   * A chat that is over rejects with `NO_CHAT`, so what waits behind it fails at once.
   */
  async sendMessage(text: string, _id?: string): Promise<void> {
    try {
      await this.rateLimited(() => this.api.sendMessage(this.session.conversationId, this.session.memberId, text));
    } catch (e) {
      if (chatGone(e))
        throw new ServiceDeskError('NO_CHAT', 'the chat is over: Genesys takes no more messages in it', { cause: e });
      throw e;
    }
  }

  /** Guest chat has no guest uploads (only agent-initiated media requests, which this client does not offer). */
  sendFile(_file: Blob, _name: string): Promise<void> {
    return Promise.reject(new ServiceDeskError('UPLOAD_FAILED', 'guest chat has no file upload'));
  }

  /** Guest chat has no quick replies; a choice would only come as text. */
  sendQuickReply(reply: QuickReply): Promise<void> {
    return this.sendMessage(reply.text);
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
      if (!chatGone(e)) throw e;
    } finally {
      this.dispose();
    }
  }

  get authenticated(): boolean {
    return this.session.authenticated === true;
  }

  /** Guest chat has no sign-in of its own to end (the member auth token is the chat's): leaving ends the chat. */
  signOut(): Promise<void> {
    return this.end();
  }

  dispose(): void {
    this.disposed$.next();
    this.disposed$.complete();
    this.status$.complete();
    this.own$.complete();
    this.rejectSocketOpened(
      new ServiceDeskError('SOCKET_FAILED', 'the chat was closed before its event stream opened'),
    );
  }

  savedState(resumeAfter: string | undefined): ChatSession {
    return savedSession(this.session, resumeAfter);
  }
}

/** Genesys says the conversation, or the guest's part in it, is over. */
function chatGone(e: unknown): boolean {
  return (
    e instanceof GenesysApiError &&
    (e.genesysCode === 'chat.error.member.state' ||
      e.genesysCode === 'chat.error.conversation.state' ||
      e.status === 404)
  );
}
