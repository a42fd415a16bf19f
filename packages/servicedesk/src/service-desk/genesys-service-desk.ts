import {
  EMPTY,
  Subject,
  asyncScheduler,
  catchError,
  concatMap,
  from,
  switchMap,
  takeUntil,
  timer,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import type { ChatEvent, ChatEventOf } from '../chat-event';
import { ServiceDeskError } from '../errors';
import type { GuestChatConnection, GuestChatTransport, ChatSession } from '../genesys/guest-chat-transport';
import type { CreateChatRequest } from '../genesys/guest-api';
import type { HostAdapter } from '../hosts/host-adapter';
import {
  ErrorType,
  type ConnectToAgentItem,
  type HostCallback,
  type MessageRequestLike,
  type MessageResponseLike,
  type StartChatOptionsLike,
} from '../hosts/host-types';
import type { Logger } from '../logger';
import type { MiddlewareClient } from '../middleware-client';
import { handleInOrder } from '../operators/handle-in-order';
import { splitMessage } from './split-message';

/** What the customer is told, in the host's language (override through options). */
export interface ServiceDeskStrings {
  connectFailed: string;
  chatClosedBySystem: string;
  sendTooLong: string;
}

export const DEFAULT_STRINGS: ServiceDeskStrings = {
  connectFailed: "Sorry, we couldn't connect you to an agent right now. Please try again in a moment.",
  chatClosedBySystem: 'The chat with the agent has closed.',
  sendTooLong: 'The message could not be sent.',
};

export interface UserProfile {
  displayName?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  avatarImageUrl?: string;
}

export interface ServiceDeskConfig {
  transport: GuestChatTransport | ((setup: { guestApiBaseUrl: string }) => GuestChatTransport);
  middleware: MiddlewareClient;
  adapter: HostAdapter;
  callback: HostCallback;
  authenticatedChat: boolean;
  availability: boolean;
  getIdentityToken?: () => Promise<string>;
  userProfile?: UserProfile | (() => Promise<UserProfile> | UserProfile);
  customFields?: Record<string, string>;
  showSystemMessages: boolean;
  availabilityRefreshMs: number;
  typingThrottleMs: number;
  /** Messages over Genesys' 4,000-character limit: split into several, or refused with an error. */
  longMessages: 'split' | 'reject';
  strings: ServiceDeskStrings;
  guestApiBaseUrl: (setup: { environment?: string; guest_api_base_url?: string | null }) => string;
  logger: Logger;
  now: () => number;
  /**
   * Where the page tells that it is going away or out of sight (`pagehide`, `visibilitychange`): the resume point is
   * written at once then. None in Node.
   */
  pageEvents?: PageEvents | undefined;
  /** Runs the deferred write of the resume point. @default asyncScheduler */
  scheduler?: SchedulerLike;
}

/** What the desk needs of the page's event target (a browser's `window`). */
export type PageEvents = Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;
/** The page events after which the page may be gone without another task: the resume point is written at once. */
const PAGE_LEAVING_EVENTS = ['pagehide', 'visibilitychange'] as const;

/** The desk's key in the host's persisted state. */
export const PERSIST_KEY = 'genesysChat';
/** Our entry of the host's persisted state: a literal key, not a computed one. */
const persistedEntry = (value: ChatSession | null) =>
  ({ genesysChat: value }) satisfies Record<typeof PERSIST_KEY, ChatSession | null>;
const MAX_BODY = 4000;

/** One chat's scope: everything that must end with it. */
interface ChatScope {
  cancelled: boolean;
  /** The event stream opened: from now on a lost stream is reported to the user (before, startChat reports it). */
  live: boolean;
  connection?: GuestChatConnection;
  subscription?: Subscription;
  end$: Subject<void>;
  waiting$: Subject<boolean>;
  lastTypingAt: number;
  queueName?: string;
  /** The resume point: every message up to this one has been given to the host. */
  shownMessageId?: string | undefined;
  /** The resume point last written to the host's persisted state. */
  persistedMessageId?: string | undefined;
  /** The deferred write of the resume point, while one is due. */
  persistTimer?: Subscription | undefined;
  /** Stops listening to the page's events. */
  unlistenPage?: () => void;
}

/**
 * The host-neutral service desk. It never touches a socket: it consumes `ChatEvent`s and calls the transport's
 * commands; the host adapter knows the two hosts' spellings.
 */
export class GenesysServiceDesk {
  private chat: ChatScope | undefined;
  private userState: { userID?: string } = {};

  constructor(private readonly config: ServiceDeskConfig) {}

  /** Carbon AI Chat requires a name of at most 40 characters. */
  getName(): string {
    return 'Genesys Cloud';
  }

  /** Hosted watsonx web chat (v7) tells us who the user is. */
  updateState(state: { userID?: string } | undefined): void {
    this.userState = { ...(state?.userID ? { userID: state.userID } : {}) };
  }

  async startChat(connectMessage: MessageResponseLike | undefined, startOptions?: StartChatOptionsLike): Promise<void> {
    // A chat still open (the host should have ended it) is left properly, not orphaned.
    if (this.chat) await this.endChat();
    const scope: ChatScope = {
      cancelled: false,
      live: false,
      end$: new Subject(),
      waiting$: new Subject(),
      lastTypingAt: Number.NEGATIVE_INFINITY,
    };
    this.chat = scope;
    const cfg = this.config;
    try {
      const setup = await cfg.middleware.getSetup();
      const item = findConnectItem(connectMessage);
      const memberAuthToken = cfg.authenticatedChat ? await this.memberAuthToken() : undefined;
      const profile = await this.userProfile();
      const sessionHistoryKey =
        startOptions?.agentAppInfo?.sessionHistoryKey ?? item?.transfer_info?.session_history_key;
      const customFields: Record<string, string> = {
        ...cfg.customFields,
        ...(sessionHistoryKey ? { sessionHistoryKey } : {}),
        ...(item?.topic ? { topic: item.topic } : {}),
      };
      const request: CreateChatRequest = {
        organizationId: setup.org_id,
        deploymentId: setup.deployment_id,
        routingTarget: { targetType: 'QUEUE', targetAddress: setup.queue_target },
        memberInfo: {
          displayName: profile.displayName,
          ...(profile.firstName ? { firstName: profile.firstName } : {}),
          ...(profile.lastName ? { lastName: profile.lastName } : {}),
          ...(profile.email ? { email: profile.email } : {}),
          ...(profile.avatarImageUrl ? { avatarImageUrl: profile.avatarImageUrl } : {}),
          ...(Object.keys(customFields).length > 0 ? { customFields } : {}),
        },
        ...(memberAuthToken ? { memberAuthToken } : {}),
      };
      scope.queueName = setup.queue_target;
      const transport =
        typeof cfg.transport === 'function'
          ? cfg.transport({ guestApiBaseUrl: cfg.guestApiBaseUrl(setup) })
          : cfg.transport;
      const connection = await transport.start(request);
      scope.connection = connection;
      if (scope.cancelled) {
        // The user cancelled while we were connecting: leave, so no orphan conversation waits in Genesys.
        await this.leave(connection);
        return;
      }
      this.subscribe(scope, connection);
      await connection.opened;
      scope.live = true;
      this.persist(scope, connection.session);
      const summary = summaryForAgent(item);
      if (summary)
        await connection
          .sendNotice(summary)
          .catch((e: unknown) => cfg.logger.warn?.('The summary for the agent could not be posted', e));
    } catch (e) {
      const cancelled = scope.cancelled;
      if (scope.connection) await this.leave(scope.connection);
      this.disposeScope(scope);
      if (cancelled) return;
      cfg.logger.error?.('Starting the Genesys chat failed', e);
      await cfg.callback.setErrorStatus({
        type: ErrorType.CONNECTING,
        logInfo: describe(e),
        messageToUser: cfg.strings.connectFailed,
      });
      throw e instanceof Error ? e : new ServiceDeskError('GENESYS_UNAVAILABLE', String(e));
    }
  }

  /** The user ends the chat (or cancels the request): leave Genesys, close the socket, forget the chat. */
  async endChat(_info?: unknown): Promise<void> {
    const scope = this.chat;
    if (!scope) return;
    scope.cancelled = true;
    const connection = scope.connection;
    this.disposeScope(scope);
    this.clearPersisted();
    if (connection) await this.leave(connection);
  }

  /** Resolves when Genesys accepted the message; rejects otherwise (the host marks the message failed). */
  async sendMessageToAgent(message: MessageRequestLike, _messageID?: string): Promise<void> {
    const connection = this.chat?.connection;
    const text = message?.input?.text ?? '';
    if (!connection) throw new ServiceDeskError('NO_CHAT', 'there is no chat with an agent to send to');
    if (text.trim() === '') return;
    if (text.length > MAX_BODY && this.config.longMessages === 'reject') {
      throw new ServiceDeskError(
        'MESSAGE_TOO_LONG',
        `the message has ${text.length} characters; Genesys accepts at most ${MAX_BODY}`,
      );
    }
    for (const part of splitMessage(text, MAX_BODY)) await connection.sendMessage(part);
  }

  /** Genesys has only "typing started": send at most one every `typingThrottleMs` while the user types. */
  userTyping(isTyping: boolean): Promise<void> {
    const scope = this.chat;
    if (!isTyping || !scope?.connection) return Promise.resolve();
    const now = this.config.now();
    if (now - scope.lastTypingAt < this.config.typingThrottleMs) return Promise.resolve();
    scope.lastTypingAt = now;
    scope.connection
      .sendTyping()
      .catch((e: unknown) => this.config.logger.debug?.('A typing indicator was not delivered', e));
    return Promise.resolve();
  }

  /** The guest chat API has no read receipts: nothing to tell Genesys. */
  userReadMessages(): Promise<void> {
    return Promise.resolve();
  }

  /** True or false from the middleware when availability is on; null when off or unknown (the host shows the card). */
  async areAnyAgentsOnline(_connectMessage?: unknown): Promise<boolean | null> {
    if (!this.config.availability) return null;
    try {
      const setup = await this.config.middleware.getSetup();
      return (await this.config.middleware.getAvailability(setup.queue_target)).agentsOnline;
    } catch (e) {
      this.config.logger.warn?.('Agent availability is unknown', e);
      return null;
    }
  }

  /** After a page reload: reattach to the chat kept in the host's persisted state. False when it is over. */
  async reconnect(): Promise<boolean> {
    const session = this.persistedSession();
    if (!session) return false;
    this.disposeChat();
    const scope: ChatScope = {
      cancelled: false,
      live: false,
      end$: new Subject(),
      waiting$: new Subject(),
      lastTypingAt: Number.NEGATIVE_INFINITY,
      shownMessageId: session.lastMessageId,
      persistedMessageId: session.lastMessageId,
    };
    this.chat = scope;
    try {
      const setup = await this.config.middleware.getSetup();
      scope.queueName = setup.queue_target;
      const transport =
        typeof this.config.transport === 'function'
          ? this.config.transport({ guestApiBaseUrl: this.config.guestApiBaseUrl(setup) })
          : this.config.transport;
      const connection = await transport.resume(session);
      if (!connection) {
        this.disposeScope(scope);
        this.clearPersisted();
        return false;
      }
      scope.connection = connection;
      this.subscribe(scope, connection);
      await connection.opened;
      scope.live = true;
      this.persistIfMoved(scope, connection);
      return true;
    } catch (e) {
      this.config.logger.warn?.('Reattaching to the Genesys chat failed', e);
      this.disposeScope(scope);
      this.clearPersisted();
      return false;
    }
  }

  // ---------------------------------------------------------------- events → host

  private subscribe(scope: ChatScope, connection: GuestChatConnection): void {
    scope.subscription = connection.events$
      .pipe(
        // In order, one at a time (a host call's promise holds the next event back); a failing host call is
        // contained and logged, the stream goes on. What the host has shown moves the resume point (`shown`).
        handleInOrder<ChatEvent>({
          handle: (event) => this.handle(scope, event),
          handled: (event) => {
            if (event.type === 'agentMessage' || event.type === 'systemMessage')
              this.shown(scope, connection, event.id);
          },
          failed: (event, e) => this.config.logger.error?.(`Handling ${event.type} failed`, e),
          idle: () => this.shown(scope, connection, connection.session.lastMessageId),
        }),
        takeUntil(scope.end$),
      )
      .subscribe({
        error: (e: unknown) => void this.lost(scope, e),
        complete: () => {
          if (this.chat === scope && !scope.cancelled) this.disposeScope(scope);
        },
      });
    this.pollAvailability(scope, connection);
    this.listenToPage(scope, connection);
  }

  /** The host calls for one event: their promise, if the host returns one, or nothing. */
  private handle(scope: ChatScope, e: ChatEvent): unknown {
    const cb = this.config.callback;
    const a = this.config.adapter;
    switch (e.type) {
      case 'queued':
        scope.waiting$.next(true);
        return undefined;
      case 'agentJoined':
        scope.waiting$.next(false);
        return cb.agentJoined(a.profile(e.agent));
      case 'transferStarted':
        return cb.beginTransferToAnotherAgent(e.to ? a.profile(e.to) : undefined);
      case 'agentLeft':
        return cb.agentLeftChat();
      case 'agentMessage':
        return cb.sendMessageToUser(e.text, e.agent.id);
      case 'systemMessage':
        return this.config.showSystemMessages ? cb.sendMessageToUser(e.text) : undefined;
      case 'agentTyping':
        return cb.agentTyping(e.typing);
      case 'connection':
        return cb.setErrorStatus({ type: ErrorType.DISCONNECTED, isDisconnected: e.state === 'disconnected' });
      case 'chatEnded':
        return this.ended(scope, e.by);
      default: {
        const never: never = e;
        throw new Error(`unhandled chat event ${JSON.stringify(never)}`);
      }
    }
  }

  private async ended(scope: ChatScope, by: ChatEventOf<'chatEnded'>['by']): Promise<void> {
    this.disposeScope(scope);
    this.clearPersisted();
    if (by === 'guest') return;
    if (by === 'system') await this.config.callback.sendMessageToUser(this.config.strings.chatClosedBySystem);
    await this.config.callback.agentEndedChat();
  }

  /**
   * Moves the resume point: to a message once the host has shown it, and to the last message frame the pipeline
   * passed on once every event received so far has been handled (frames that showed nothing, like the guest's own
   * echoes, count as handled then). A reload backfills after it: what the user has not been shown, no more, no less.
   *
   * The write to the host's persisted state follows in a task of its own, one write for everything shown until then;
   * when the page hides or goes away first (`pagehide`, `visibilitychange`), it is written at once. Carbon serialises
   * its whole persisted session into `sessionStorage` on every `updatePersistedState` (a lodash merge, a deep freeze
   * and a `JSON.stringify`), so a burst of messages, a backfill after a reconnect, cost one write instead of one each.
   */
  private shown(scope: ChatScope, connection: GuestChatConnection, messageId: string | undefined): void {
    if (messageId === undefined) return;
    scope.shownMessageId = messageId;
    if (scope.persistTimer !== undefined || !scope.live || messageId === scope.persistedMessageId) return;
    scope.persistTimer = (this.config.scheduler ?? asyncScheduler).schedule(() => {
      scope.persistTimer = undefined;
      this.persistIfMoved(scope, connection);
    });
  }

  /** Writes the resume point now if it moved (and drops a deferred write). */
  private persistIfMoved(scope: ChatScope, connection: GuestChatConnection): void {
    if (scope.persistTimer !== undefined) {
      scope.persistTimer.unsubscribe();
      scope.persistTimer = undefined;
    }
    if (!scope.live || scope.shownMessageId === scope.persistedMessageId || this.chat !== scope) return;
    this.persist(scope, connection.session);
  }

  /** While the chat lives, the page hiding or going away writes the resume point at once. */
  private listenToPage(scope: ChatScope, connection: GuestChatConnection): void {
    const page = this.config.pageEvents;
    if (!page) return;
    const flush = () => this.persistIfMoved(scope, connection);
    for (const type of PAGE_LEAVING_EVENTS) page.addEventListener(type, flush);
    scope.unlistenPage = () => {
      for (const type of PAGE_LEAVING_EVENTS) page.removeEventListener(type, flush);
    };
  }

  /** The event stream died for good (reconnects exhausted): tell the user and end the chat on our side. */
  private async lost(scope: ChatScope, e: unknown): Promise<void> {
    if (this.chat !== scope || scope.cancelled || !scope.live) return;
    this.config.logger.error?.('The Genesys event stream was lost for good', e);
    this.disposeScope(scope);
    this.clearPersisted();
    await this.config.callback.setErrorStatus({
      type: ErrorType.DISCONNECTED,
      isDisconnected: true,
      logInfo: describe(e),
    });
    await this.config.callback.agentEndedChat();
  }

  /** While the guest waits in a queue, refresh position and wait time; stop when an agent joins or the chat ends. */
  private pollAvailability(scope: ChatScope, connection: GuestChatConnection): void {
    if (!this.config.availability) return;
    const cfg = this.config;
    scope.waiting$
      .pipe(
        switchMap((waiting) => (waiting ? timer(0, cfg.availabilityRefreshMs) : EMPTY)),
        concatMap(() =>
          from(cfg.middleware.getAvailability(scope.queueName ?? '', connection.session.conversationId)).pipe(
            catchError((e: unknown) => {
              cfg.logger.debug?.('Queue position is unknown for now', e);
              return EMPTY;
            }),
          ),
        ),
        takeUntil(scope.end$),
      )
      .subscribe((a) => {
        if (this.chat !== scope) return;
        void cfg.callback.updateAgentAvailability(
          cfg.adapter.availability({
            ...(a.positionInQueue !== null && a.positionInQueue !== undefined
              ? { positionInQueue: a.positionInQueue }
              : {}),
            ...(a.estimatedWaitTime !== null && a.estimatedWaitTime !== undefined
              ? { estimatedWaitTime: a.estimatedWaitTime }
              : {}),
          }),
        );
      });
  }

  // ---------------------------------------------------------------- helpers

  private async memberAuthToken(): Promise<string> {
    const get = this.config.getIdentityToken;
    if (!get)
      throw new ServiceDeskError(
        'IDENTITY_UNAVAILABLE',
        'authenticated chat is on but no getIdentityToken option was given',
      );
    let identity: string;
    try {
      identity = await get();
    } catch (e) {
      throw new ServiceDeskError('IDENTITY_UNAVAILABLE', 'the site could not provide an identity token', { cause: e });
    }
    if (!identity) throw new ServiceDeskError('IDENTITY_UNAVAILABLE', 'the site provided an empty identity token');
    return this.config.middleware.getMemberAuthToken(identity);
  }

  private async userProfile(): Promise<UserProfile & { displayName: string }> {
    const p = this.config.userProfile;
    const profile = (typeof p === 'function' ? await p() : p) ?? {};
    // Hosted web chat's anonymous user ids mean nothing to an agent (defect C4 of the reference).
    const fromHost =
      this.userState.userID && !/^anonymous_/i.test(this.userState.userID) ? this.userState.userID : undefined;
    return { ...profile, displayName: profile.displayName?.trim() || fromHost || 'Customer' };
  }

  private async leave(connection: GuestChatConnection): Promise<void> {
    for (let attempt = 1; attempt <= 2; attempt++) {
      try {
        await connection.end();
        return;
      } catch (e) {
        this.config.logger.warn?.(`Leaving the Genesys chat failed (attempt ${attempt})`, e);
      }
    }
  }

  private persist(scope: ChatScope, session: ChatSession): void {
    scope.persistedMessageId = scope.shownMessageId;
    void this.config.callback.updatePersistedState?.(persistedEntry(savedSession(session, scope.shownMessageId)), true);
  }

  private clearPersisted(): void {
    void this.config.callback.updatePersistedState?.(persistedEntry(null), true);
  }

  private persistedSession(): ChatSession | undefined {
    const state = this.config.callback.persistedState?.() as Record<string, unknown> | undefined;
    const s = state?.[PERSIST_KEY] as Partial<ChatSession> | null | undefined;
    if (
      !s ||
      typeof s.conversationId !== 'string' ||
      typeof s.memberId !== 'string' ||
      typeof s.jwt !== 'string' ||
      typeof s.eventStreamUri !== 'string'
    )
      return undefined;
    return {
      conversationId: s.conversationId,
      memberId: s.memberId,
      jwt: s.jwt,
      eventStreamUri: s.eventStreamUri,
      ...(s.lastMessageId ? { lastMessageId: s.lastMessageId } : {}),
    };
  }

  private disposeChat(): void {
    if (this.chat) this.disposeScope(this.chat);
  }

  private disposeScope(scope: ChatScope): void {
    scope.persistTimer?.unsubscribe();
    scope.persistTimer = undefined;
    scope.unlistenPage?.();
    scope.unlistenPage = undefined;
    scope.end$.next();
    scope.end$.complete();
    scope.waiting$.complete();
    scope.subscription?.unsubscribe();
    scope.connection?.dispose();
    if (this.chat === scope) this.chat = undefined;
  }
}

/** What is kept for a reload: the session, with the resume point in place of the last message seen. */
export function savedSession(session: ChatSession, resumeAfter: string | undefined): ChatSession {
  const saved: ChatSession = {
    conversationId: session.conversationId,
    memberId: session.memberId,
    jwt: session.jwt,
    eventStreamUri: session.eventStreamUri,
  };
  if (resumeAfter) saved.lastMessageId = resumeAfter;
  return saved;
}

function findConnectItem(m: MessageResponseLike | undefined): ConnectToAgentItem | undefined {
  return m?.output?.generic?.find((g) => g.response_type === 'connect_to_agent');
}

/** What the agent reads first: why the customer asked, the topic, and the assistant's summary. */
export function summaryForAgent(item: ConnectToAgentItem | undefined): string | undefined {
  if (!item) return undefined;
  const lines: string[] = [];
  if (item.message_to_human_agent) lines.push(item.message_to_human_agent);
  if (item.topic) lines.push(`Topic: ${item.topic}`);
  for (const s of item.transfer_info?.summary_message_to_agent ?? []) {
    const text = typeof s === 'string' ? s : s.text;
    if (text) lines.push(text);
  }
  const summary = lines.join('\n').trim();
  return summary ? summary.slice(0, MAX_BODY) : undefined;
}

function describe(e: unknown): string {
  if (e instanceof ServiceDeskError) return `${e.code}: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}
