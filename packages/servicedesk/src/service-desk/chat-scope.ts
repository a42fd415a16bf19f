import { Subject, type SchedulerLike, type Subscription } from 'rxjs';
import type { ChatEvent, UploadPolicy } from '../chat-event';
import { ServiceDeskError } from '../errors';
import type { Logger } from '../logger';
import type { Availability, QueueRef } from '../middleware-client';
import { handleInOrder } from '../streams/handle-in-order';
import type { ChatConnection } from '../transports/chat-transport';
import { deliverToHost, endWithNotice, statusLine, type HostSide } from './host-calls';
import { BURST_MAX, deliverBurst, joinsBurst, untilDrawn } from './message-bursts';
import { Outbox } from './outbox';
import { clearSavedChat, writeSavedChat } from './persisted-chat';
import { pollQueue, type QueueFigures } from './queue-polling';
import { ResumePoint, type PageEvents } from './resume-point';
import { waitMessage } from './wait-message';

/** What a chat's scope needs from its desk. */
export interface ScopeContext extends HostSide {
  logger: Logger;
  pageEvents?: PageEvents | undefined;
  /** Runs the deferred write of the resume point. @default asyncScheduler */
  scheduler?: SchedulerLike | undefined;
  /** The customer's place in the queue; absent when availability is off. */
  queuePosition?: ((chat: QueueRef) => Promise<Availability>) | undefined;
  availabilityRefreshMs: number;
}

/**
 * One chat, from opening its connection to its end: the connection, the handling of its events, the resume point and
 * the queue polling. Everything it started ends in `close`, once. A new chat and a reattached one open the same way.
 */
export class ChatScope {
  private conn: ChatConnection | undefined;
  private cancelled = false;
  /** The customer signed out while the chat was still being made: told once `open` knows what it made. */
  private signOutOnceMade: ((ended: boolean | Promise<boolean>) => void) | undefined;
  private signOutPending: Promise<boolean> | undefined;
  /** The event stream opened: from now on a lost stream is reported to the customer (before, starting reports it). */
  private live = false;
  private closed = false;
  private events: Subscription | undefined;
  private polling: Subscription | undefined;
  private resume: ResumePoint | undefined;
  private readonly waiting$ = new Subject<boolean>();
  private lastTypingAt = Number.NEGATIVE_INFINITY;
  /** An agent has joined this chat at some point (until then the customer is waiting for the first one). */
  private agentSeen = false;
  /** The place in line last told in the chat while back in a queue (told again only when it changes). */
  private lastQueueLine: string | undefined;
  /** When an agent last wrote (Genesys' time, ms): queue figures older than that are from before the agent took the chat. */
  private lastAgentMessageAt = Number.NEGATIVE_INFINITY;
  private policy: UploadPolicy | undefined;
  /** The host's uploads were turned on for this chat (and are turned off when it closes). */
  private uploadsShown = false;
  /** The customer's files, sent one after the other. */
  private uploadQueue: Promise<void> = Promise.resolve();
  /** The customer's messages, sent in order, held while the connection is away. */
  private outbox: Outbox | undefined;
  /** The customer has read that the connection is lost (and that what they write waits), and not yet that it is back. */
  private toldLost = false;

  /** @param onClose told once, when the scope has closed (the desk forgets it) */
  constructor(
    private readonly ctx: ScopeContext,
    private readonly onClose: (scope: ChatScope) => void,
  ) {}

  /** The live chat's connection (none before it is made or after the scope closed). */
  get connection(): ChatConnection | undefined {
    return this.closed ? undefined : this.conn;
  }

  /** What the customer may upload now; undefined: nothing. */
  get uploadPolicy(): UploadPolicy | undefined {
    return this.closed ? undefined : this.policy;
  }

  /**
   * Sends the customer's message after the ones before it. Resolves when Genesys has it; while the connection is away
   * it waits (the host shows it pending) and goes once the connection is back; rejects when it cannot be sent (the chat
   * ended first, or Genesys refused it).
   */
  send(text: string): Promise<void> {
    if (!this.outbox || this.closed) return Promise.reject(chatClosed());
    return this.outbox.post(text);
  }

  /** Runs `upload` after the chat's earlier uploads (a failure is the upload's own to report). */
  queueUpload(upload: () => Promise<void>): Promise<void> {
    this.uploadQueue = this.uploadQueue.then(upload, upload);
    return this.uploadQueue;
  }

  /** No agent has joined yet: ending now withdraws a request rather than leaving a conversation. */
  get waitingForFirstAgent(): boolean {
    return !this.agentSeen;
  }

  /** Whether the customer ended the chat (or cancelled it while it was starting). */
  get wasCancelled(): boolean {
    return this.cancelled;
  }

  /**
   * Opens the chat on the connection `connect` makes (a new chat or a reattached one): handles its events, keeps its
   * resume point, polls the queue, and resolves true once its event stream is open. False when there is no chat to
   * open (`connect` gave none) or the scope was closed meanwhile; rejects when the event stream cannot be opened.
   */
  async open(connect: () => Promise<ChatConnection | null>): Promise<boolean> {
    const connection = await connect();
    const signedOut = this.signOutOnceMade;
    this.signOutOnceMade = undefined;
    if (signedOut && connection?.authenticated && !this.closed) {
      this.conn = connection;
      signedOut(this.signOutOf(connection));
      return false;
    }
    // Nothing made, or an anonymous chat, which goes on when the customer signs out of the site.
    signedOut?.(false);
    if (!connection) return false;
    if (this.closed) {
      // The customer ended the chat while it was being made: leave it, so no orphan waits in a queue.
      if (this.cancelled) await leave(connection, this.ctx.logger);
      else connection.dispose();
      return false;
    }
    this.conn = connection;
    const cb = this.ctx.callback;
    this.outbox = new Outbox({
      send: (text, id) => connection.sendMessage(text, id),
      // One line at a time says what happens: after "connection lost", which says messages wait, no second one.
      onHeld: () => {
        if (!this.toldLost) void cb.sendMessageToUser(statusLine(this.ctx.strings.messagesHeld));
      },
      chatOver: (e) => void this.failUnsent(e),
      scheduler: this.ctx.scheduler,
      logger: this.ctx.logger,
    });
    this.resume = new ResumePoint(
      connection.lastMessageId,
      (after) => writeSavedChat(cb, connection.savedState(after)),
      this.ctx.scheduler,
      this.ctx.pageEvents,
    );
    this.handleEvents(connection);
    this.pollQueue(connection);
    await connection.opened;
    this.live = true;
    this.resume.goLive();
    return true;
  }

  /** Genesys has only "typing started": true at most once every `throttleMs`. */
  typingDue(now: number, throttleMs: number): boolean {
    if (now - this.lastTypingAt < throttleMs) return false;
    this.lastTypingAt = now;
    return true;
  }

  /** The customer ends the chat (or cancels it while it starts): forget it, then leave it. */
  async end(): Promise<void> {
    this.cancelled = true;
    const connection = this.conn;
    this.close();
    clearSavedChat(this.ctx.callback);
    if (connection) await leave(connection, this.ctx.logger);
  }

  /**
   * The customer signed out of the site: a chat they are signed in to is left and its sign-in ended at Genesys, and
   * they are told why it ended. False (nothing done) for an anonymous chat, which goes on.
   */
  signOut(): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (!this.conn) {
      // Still being made: whether the customer is signed in to it is known once it is (see `open`).
      this.signOutPending ??= new Promise((resolve) => (this.signOutOnceMade = resolve));
      return this.signOutPending;
    }
    return this.conn.authenticated ? this.signOutOf(this.conn) : Promise.resolve(false);
  }

  private async signOutOf(connection: ChatConnection): Promise<boolean> {
    this.cancelled = true;
    this.close();
    clearSavedChat(this.ctx.callback);
    try {
      await connection.signOut();
    } catch (e) {
      this.ctx.logger.warn?.('Signing the customer out of the Genesys chat failed', e);
    }
    await endWithNotice(this.ctx.strings.signedOut, this.ctx);
    return true;
  }

  /** Starting failed: leave what was made, so no orphan waits in a queue, and close. */
  async abandon(): Promise<void> {
    if (this.conn) await leave(this.conn, this.ctx.logger);
    this.close();
  }

  /** Stops everything of this chat here, without leaving it (the page goes away, or the chat is over). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.signOutOnceMade?.(false);
    this.resume?.stop();
    this.polling?.unsubscribe();
    this.waiting$.complete();
    this.events?.unsubscribe();
    this.outbox?.close(chatClosed());
    this.conn?.dispose();
    // The host's file button belongs to this chat: the next one (or the assistant) starts without it.
    if (this.uploadsShown) void this.ctx.callback.updateCapabilities?.({ allowFileUploads: false });
    this.onClose(this);
  }

  private handleEvents(connection: ChatConnection): void {
    const resume = this.resume;
    this.events = connection.events$
      .pipe(
        // In order, one at a time (a host call's promise holds the next event back); a failing host call is
        // contained and logged, the stream goes on. What the host has shown moves the resume point.
        handleInOrder<ChatEvent>({
          handle: (event) => this.handle(event),
          // Agent messages that arrived while the host was drawing are shown together (message-bursts.ts).
          together: { joins: joinsBurst, max: BURST_MAX, handle: (events) => deliverBurst(events, this.ctx) },
          pauseAfter: (events) => untilDrawn(events, this.ctx),
          handled: (event) => {
            if (event.type === 'agentMessage' || event.type === 'systemMessage') resume?.markShown(event.id);
          },
          failed: (event, e) => this.ctx.logger.error?.(`Handling ${event.type} failed`, e),
          idle: () => resume?.markShown(connection.lastMessageId),
        }),
      )
      .subscribe({ error: (e: unknown) => void this.onLost(e), complete: () => this.close() });
  }

  /** The chat's own bookkeeping for an event, then the host's calls. */
  private handle(e: ChatEvent): unknown {
    if (e.type === 'uploadPolicy') {
      this.policy = e.policy;
      this.uploadsShown ||= e.policy !== undefined;
    } else if (e.type === 'queued') this.waiting$.next(true);
    else if (e.type === 'agentJoined') {
      this.agentSeen = true;
      this.lastQueueLine = undefined;
      // Where the channel does not say when the chat goes back to a queue, the place in line is what says it.
      if (this.conn?.hearsRequeue !== false) this.waiting$.next(false);
    } else if (e.type === 'agentMessage') {
      const at = Date.parse(e.timestamp);
      if (!Number.isNaN(at)) this.lastAgentMessageAt = Math.max(this.lastAgentMessageAt, at);
    } else if (e.type === 'connection') {
      this.toldLost = e.state === 'disconnected';
      if (e.state === 'connected') this.outbox?.wake();
    } else if (e.type === 'chatEnded') {
      // Messages still waiting for the connection are told as not sent while the host still shows the chat.
      const told = this.failUnsent(chatClosed());
      this.close();
      clearSavedChat(this.ctx.callback);
      return told.then(() => deliverToHost(e, this.ctx));
    }
    return deliverToHost(e, this.ctx);
  }

  /**
   * The chat is over with messages the customer wrote still unsent: each fails (the host marks it not sent), and the
   * customer reads once why and how to send them.
   */
  private async failUnsent(reason: Error): Promise<void> {
    if (!this.outbox || this.outbox.close(reason) === 0) return;
    await this.ctx.callback.sendMessageToUser(statusLine(this.ctx.strings.unsentChatEnded));
  }

  /**
   * The event stream died for good (reconnects exhausted): the chat ends on our side, and the customer reads that their
   * connection could not be restored (not that the agent left) and which of their messages were not sent.
   */
  private async onLost(e: unknown): Promise<void> {
    if (this.closed || this.cancelled || !this.live) return;
    this.ctx.logger.error?.('The Genesys event stream was lost for good', e);
    const told = this.failUnsent(chatClosed());
    this.close();
    clearSavedChat(this.ctx.callback);
    await told;
    await endWithNotice(this.ctx.strings.connectionGone, this.ctx);
  }

  /**
   * After an agent, on a channel that does not tell of a return to a queue: the chat waits again when it has a place
   * in line in figures fetched after the agent last wrote (older figures may be from before the agent took it).
   */
  private waitsAgain(a: QueueFigures): boolean {
    return a.positionInQueue !== undefined && a.updatedAt !== undefined && a.updatedAt > this.lastAgentMessageAt;
  }

  private pollQueue(connection: ChatConnection): void {
    const ask = this.ctx.queuePosition;
    if (!ask) return;
    const { callback, adapter, strings } = this.ctx;
    this.polling = pollQueue({
      waiting$: this.waiting$,
      refreshMs: this.ctx.availabilityRefreshMs,
      ask: () => ask({ conversationId: connection.conversationId, messageId: connection.ownMessageId }),
      show: (a) => {
        if (this.agentSeen && !connection.hearsRequeue && !this.waitsAgain(a)) return;
        const message = waitMessage(a, strings);
        if (message === undefined) return;
        if (!this.agentSeen) {
          void callback.updateAgentAvailability(adapter.availability({ message }));
          return;
        }
        // Back in a queue after an agent: the hosts show their waiting banner only before the first agent joins, so
        // the place in line is told in the chat, as a status line, each time it changes.
        if (message === this.lastQueueLine) return;
        this.lastQueueLine = message;
        void callback.sendMessageToUser(statusLine(`${strings.backInQueue} ${message}`));
      },
      logger: this.ctx.logger,
    });
    // Without word of a return to a queue, nothing says when waiting starts again either (a reattached chat hears no
    // `queued`): the place in line is asked for all along, and what is shown depends on the answer.
    if (!connection.hearsRequeue) this.waiting$.next(true);
  }
}

const chatClosed = () => new ServiceDeskError('NO_CHAT', 'the chat ended before the message could be sent');

/** Leaves the chat, trying twice: a chat left behind waits in a queue for an agent. */
async function leave(connection: ChatConnection, logger: Logger): Promise<void> {
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      await connection.end();
      return;
    } catch (e) {
      logger.warn?.(`Leaving the Genesys chat failed (attempt ${attempt})`, e);
    }
  }
}
