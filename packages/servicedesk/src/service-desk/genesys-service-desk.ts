import type { SchedulerLike } from 'rxjs';
import { ServiceDeskError, describeError } from '../errors';
import type { EndingText } from '../hosts/ending-text';
import type { HostAdapter } from '../hosts/host-adapter';
import type { QuickReply } from '../chat-event';
import type { QuickReplyDisplay } from '../hosts/agent-content';
import type { ShowEarlier } from '../hosts/earlier-messages';
import {
  ErrorType,
  type AdditionalDataLike,
  type FileUploadLike,
  type HostCallback,
  type MessageRequestLike,
  type MessageResponseLike,
  type StartChatOptionsLike,
} from '../hosts/host-types';
import type { Logger } from '../logger';
import type { MiddlewareClient } from '../middleware-client';
import type { ChatStartRequest, ChatTransport, IdentityCredential } from '../transports/chat-transport';
import { ChatScope } from './chat-scope';
import { customFieldsFor, findConnectItem, summaryForAgent } from './connect-item';
import { statusLine } from './host-calls';
import { clearSavedChat, readSavedChat } from './persisted-chat';
import type { PageEvents } from './resume-point';
import { splitMessage } from './split-message';
import type { ServiceDeskStrings } from './strings';
import { uploadFailure, uploadRefusal } from './upload-check';
import { chatProfile, type UserProfile } from './user-profile';

export interface ServiceDeskConfig {
  /** The channel for the next chat (made per chat: it may depend on the middleware's `/setup`). */
  transport: () => Promise<ChatTransport>;
  /** The middleware, for agent availability and queue position (`availability`). */
  middleware?: MiddlewareClient | undefined;
  adapter: HostAdapter;
  callback: HostCallback;
  authenticatedChat: boolean;
  availability: boolean;
  getIdentityToken?: (() => Promise<IdentityCredential>) | undefined;
  userProfile?: UserProfile | (() => Promise<UserProfile> | UserProfile) | undefined;
  customFields?: Record<string, string> | undefined;
  showSystemMessages: boolean;
  /** Where the host lets us word its ending message (Carbon's instance). */
  endingText?: EndingText | undefined;
  availabilityRefreshMs: number;
  typingThrottleMs: number;
  /** Messages over the channel's limit: split into several, or refused with an error. */
  longMessages: 'split' | 'reject';
  strings: ServiceDeskStrings;
  logger: Logger;
  now: () => number;
  /** Where the page tells that it is going away or out of sight: the resume point is written at once then. */
  pageEvents?: PageEvents | undefined;
  /** Runs the deferred write of the resume point. @default asyncScheduler */
  scheduler?: SchedulerLike | undefined;
  /** Brings the newest line of the chat into view (the host instance's scroll), when the host has one. */
  scrollToLatest?: (() => void) | undefined;
  /** Quick replies as option buttons (the factory hears the choice through the host instance) or as text. */
  quickReplyDisplay?: QuickReplyDisplay | undefined;
  /** Shows the messages of before a reload again (the host instance's history), where the host keeps none itself. */
  showEarlier?: ShowEarlier | undefined;
}

/**
 * The service desk both hosts call. It never touches a socket or a channel's protocol: it opens one `ChatScope` per
 * chat on a `ChatTransport`, passes the customer's actions to the scope's connection, and reports failures to the
 * host in one place each.
 */
export class GenesysServiceDesk {
  private chat: ChatScope | undefined;
  private hostUserId: string | undefined;

  constructor(private readonly config: ServiceDeskConfig) {}

  /** Carbon AI Chat requires a name of at most 40 characters. */
  getName(): string {
    return 'Genesys Cloud';
  }

  /** Hosted watsonx web chat (v7) tells us who the user is. */
  updateState(state: { userID?: string } | undefined): void {
    this.hostUserId = state?.userID || undefined;
  }

  /**
   * Starts the chat. A start that fails is told to the customer through the host (`CONNECTING` with our message, which
   * ends the request there) and resolves: a rejection would only reach the page as an unhandled rejection (Carbon's
   * connect card rethrows it) and tell the customer nothing more.
   */
  async startChat(connectMessage: MessageResponseLike | undefined, startOptions?: StartChatOptionsLike): Promise<void> {
    // A chat still open (the host should have ended it) is left properly, not orphaned.
    if (this.chat) await this.chat.end();
    const cfg = this.config;
    const scope = this.newScope();
    try {
      const transport = await cfg.transport();
      const item = findConnectItem(connectMessage);
      const identityToken = cfg.authenticatedChat ? await this.identityToken() : undefined;
      const request: ChatStartRequest = {
        profile: await chatProfile(cfg.userProfile, this.hostUserId),
        customFields: customFieldsFor(cfg.customFields, item, startOptions),
        summaryForAgent: summaryForAgent(item),
        identityToken,
      };
      await scope.open(() => transport.start(request));
    } catch (e) {
      const cancelled = scope.wasCancelled;
      await scope.abandon();
      if (cancelled) return;
      cfg.logger.error?.('Starting the Genesys chat failed', e);
      await cfg.callback.setErrorStatus({
        type: ErrorType.CONNECTING,
        logInfo: describeError(e),
        messageToUser: cfg.strings.connectFailed,
      });
    }
  }

  /**
   * The user ends the chat (or cancels the request): leave Genesys, close the socket, forget the chat. A request
   * withdrawn before any agent joined is told as such: the hosts end it without a word (their card then reads the same
   * whoever ended the chat), and the host still takes messages while it ends.
   */
  async endChat(info?: unknown): Promise<void> {
    const scope = this.chat;
    if (!scope) return;
    const withdrawn = scope.waitingForFirstAgent && !this.config.adapter.endedByAgent(info);
    await scope.end();
    if (withdrawn)
      await this.config.callback.sendMessageToUser(statusLine(this.config.strings.requestCancelled, 'user_ended_chat'));
  }

  /**
   * The customer signed out of the site (the factory's `logOut`): a chat they are signed in to ends, at Genesys too
   * (the agent no longer has a verified customer), and they are told why. An anonymous chat goes on. True when a
   * chat was ended.
   */
  async logOut(): Promise<boolean> {
    return (await this.chat?.signOut()) ?? false;
  }

  /**
   * Resolves when Genesys accepted the message; rejects otherwise (the host marks the message failed). Files sent
   * with it upload afterwards, one after the other, each reported through `setFileUploadStatus` (the host shows the
   * file as uploading until then): the text's promise does not wait for them, as the host marks a message "retrying"
   * after a few seconds.
   */
  async sendMessageToAgent(
    message: MessageRequestLike,
    _messageID?: string,
    additionalData?: AdditionalDataLike,
  ): Promise<void> {
    const scope = this.chat;
    const connection = scope?.connection;
    const text = message?.input?.text ?? '';
    const files = additionalData?.filesToUpload ?? [];
    if (!scope || !connection) {
      for (const f of files) void this.fileStatus(f.id, this.config.strings.fileUploadFailed);
      throw new ServiceDeskError('NO_CHAT', 'there is no chat with an agent to send to');
    }
    for (const f of files) void scope.queueUpload(() => this.upload(scope, f));
    if (text.trim() === '') return;
    const max = connection.maxMessageLength;
    if (text.length > max && this.config.longMessages === 'reject') {
      throw new ServiceDeskError(
        'MESSAGE_TOO_LONG',
        `the message has ${text.length} characters; Genesys accepts at most ${max}`,
      );
    }
    // Every part is queued at once, so a message written next cannot come between them.
    await Promise.all(splitMessage(text, max).map((part) => scope.send(part)));
  }

  /**
   * The customer picked files (not sent yet): each the chat's upload policy refuses is marked with why at once, and
   * the host keeps it from being sent.
   */
  filesSelectedForUpload(uploads: FileUploadLike[]): void {
    const policy = this.chat?.uploadPolicy;
    for (const u of uploads ?? []) {
      const why = uploadRefusal(u.file, policy, this.config.strings);
      if (why) void this.fileStatus(u.id, why);
    }
  }

  /** The customer chose a quick reply (the host has shown the choice): it goes to Genesys as the answer. */
  async chooseQuickReply(reply: QuickReply): Promise<void> {
    const connection = this.chat?.connection;
    try {
      if (!connection) throw new ServiceDeskError('NO_CHAT', 'there is no chat with an agent to answer in');
      await connection.sendQuickReply(reply);
    } catch (e) {
      this.config.logger.warn?.('A quick-reply choice was not delivered', e);
      await this.config.callback.sendMessageToUser({
        output: { generic: [{ response_type: 'inline_error', text: this.config.strings.quickReplyFailed }] },
      });
    }
  }

  /** Genesys has only "typing started": send at most one every `typingThrottleMs` while the user types. */
  userTyping(isTyping: boolean): Promise<void> {
    const scope = this.chat;
    const connection = scope?.connection;
    if (!isTyping || !connection || !scope.typingDue(this.config.now(), this.config.typingThrottleMs)) {
      return Promise.resolve();
    }
    connection
      .sendTyping()
      .catch((e: unknown) => this.config.logger.debug?.('A typing indicator was not delivered', e));
    return Promise.resolve();
  }

  /** The guest chat API has no read receipts: nothing to tell Genesys. */
  userReadMessages(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * True or false from the middleware when availability is on; null when it is off (the host shows its card). When the
   * middleware cannot be asked, false: no chat can start without it either, and the hosts' card for an unknown answer
   * says an agent is available.
   */
  async areAnyAgentsOnline(_connectMessage?: unknown): Promise<boolean | null> {
    const middleware = this.config.middleware;
    if (!this.config.availability || !middleware) return null;
    try {
      const setup = await middleware.getSetup();
      return (await middleware.getAvailability(setup.queue_target)).agentsOnline;
    } catch (e) {
      this.config.logger.warn?.('Agent availability could not be asked: the middleware did not answer', e);
      return false;
    }
  }

  /** After a page reload: reattach to the chat kept in the host's persisted state. False when it is over. */
  async reconnect(): Promise<boolean> {
    const saved = readSavedChat(this.config.callback);
    if (saved === undefined) return false;
    this.disposeChat();
    const scope = this.newScope();
    try {
      const transport = await this.config.transport();
      if (await scope.open(() => transport.resume(saved))) return true;
    } catch (e) {
      this.config.logger.warn?.('Reattaching to the Genesys chat failed', e);
    }
    scope.close();
    clearSavedChat(this.config.callback);
    return false;
  }

  /** One file: refused by the policy at once, else uploaded; the host is told how it went. */
  private async upload(scope: ChatScope, u: FileUploadLike): Promise<void> {
    const strings = this.config.strings;
    const policy = scope.uploadPolicy;
    const why = uploadRefusal(u.file, policy, strings);
    if (why) return this.fileStatus(u.id, why);
    const connection = scope.connection;
    try {
      if (!connection) throw new ServiceDeskError('NO_CHAT', 'the chat closed before the file was sent');
      await connection.sendFile(u.file, u.file.name);
    } catch (e) {
      this.config.logger.warn?.(`The file ${u.file.name} was not sent`, e);
      return this.fileStatus(u.id, uploadFailure(e, policy, strings));
    }
    await this.config.callback.setFileUploadStatus?.(u.id, false);
  }

  private async fileStatus(id: string, error: string): Promise<void> {
    await this.config.callback.setFileUploadStatus?.(id, true, error);
  }

  /** Stops the current chat here without leaving it, as when the page goes away. */
  private disposeChat(): void {
    this.chat?.close();
  }

  private newScope(): ChatScope {
    const cfg = this.config;
    const middleware = cfg.middleware;
    const scope = new ChatScope(
      {
        callback: cfg.callback,
        adapter: cfg.adapter,
        showSystemMessages: cfg.showSystemMessages,
        endingText: cfg.endingText,
        quickReplyDisplay: cfg.quickReplyDisplay,
        strings: cfg.strings,
        scrollToLatest: cfg.scrollToLatest,
        showEarlier: cfg.showEarlier,
        logger: cfg.logger,
        pageEvents: cfg.pageEvents,
        scheduler: cfg.scheduler,
        availabilityRefreshMs: cfg.availabilityRefreshMs,
        queuePosition:
          cfg.availability && middleware
            ? async (chat) => middleware.getAvailability((await middleware.getSetup()).queue_target, chat)
            : undefined,
      },
      (closed) => {
        if (this.chat === closed) this.chat = undefined;
      },
    );
    this.chat = scope;
    return scope;
  }

  private async identityToken(): Promise<IdentityCredential> {
    const get = this.config.getIdentityToken;
    if (!get) {
      throw new ServiceDeskError(
        'IDENTITY_UNAVAILABLE',
        'authenticated chat is on but no getIdentityToken option was given',
      );
    }
    let identity: IdentityCredential;
    try {
      identity = await get();
    } catch (e) {
      throw new ServiceDeskError('IDENTITY_UNAVAILABLE', 'the site could not provide an identity token', { cause: e });
    }
    if (!identity) throw new ServiceDeskError('IDENTITY_UNAVAILABLE', 'the site provided an empty identity token');
    return identity;
  }
}
