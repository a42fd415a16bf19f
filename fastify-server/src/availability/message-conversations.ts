import type { GenesysPlatform, PlatformLogger } from '../genesys/platform-client';
import { UpstreamError } from '../genesys/upstream-error';
import { CallBudget } from './call-budget';

export interface MessageConversationsOptions {
  platform: Pick<GenesysPlatform, 'messageConversationId'>;
  logger: PlatformLogger;
  /** Message ids remembered (the oldest is forgotten first). @default 10000 */
  maxEntries?: number;
  /** Lookups sent to Genesys in any minute, whatever browsers ask. @default 120 */
  lookupsPerMinute?: number;
  /** How long "Genesys has no such message" is kept before the id may be looked up again. @default 30000 */
  notFoundTtlMs?: number;
  now?: () => number;
}

interface Entry {
  conversationId: string | null;
  /** Infinity for a found conversation: a message never moves to another one. */
  expiresAt: number;
}

/**
 * Message id → conversation id, for the place in line of a Web Messaging chat: its guest knows the ids of its own
 * messages but never its conversation's (docs/platform-api.md, "Message details"). A found answer never changes, so it
 * is kept until the bounded cache needs the room; concurrent lookups of one id share one upstream call; lookups are
 * capped per minute and paused after a 429 for as long as Genesys asks, so made-up ids from browsers cannot drive
 * Platform API traffic. Any failure is "unknown for now" (null): the customer's next poll asks again.
 */
export class MessageConversations {
  private readonly cache = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<string | null>>();
  private readonly budget: CallBudget;
  private readonly now: () => number;
  private readonly maxEntries: number;
  /** No lookup before this (a 429's Retry-After). */
  private pausedUntil = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: MessageConversationsOptions) {
    this.now = options.now ?? Date.now;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.budget = new CallBudget(options.lookupsPerMinute ?? 120, 60_000, this.now);
  }

  /**
   * The conversation of the message, or null when it is unknown (no such message, or not known right now). A lookup
   * this caller starts gives up at `deadline` (genesys/deadline.ts).
   */
  conversationOf(messageId: string, deadline?: number): Promise<string | null> {
    const hit = this.cache.get(messageId);
    if (hit && this.now() < hit.expiresAt) {
      // Most recently used last: the oldest entries are the ones dropped when the cache is full.
      this.cache.delete(messageId);
      this.cache.set(messageId, hit);
      return Promise.resolve(hit.conversationId);
    }
    const running = this.inflight.get(messageId);
    if (running) return running;
    if (this.now() < this.pausedUntil || !this.budget.take()) return Promise.resolve(null);
    const lookup = this.lookup(messageId, deadline).finally(() => this.inflight.delete(messageId));
    this.inflight.set(messageId, lookup);
    return lookup;
  }

  private async lookup(messageId: string, deadline: number | undefined): Promise<string | null> {
    try {
      // No retries: a customer's poll is waiting, and the next poll is the retry.
      const conversationId = await this.options.platform.messageConversationId(messageId, {
        retries: 0,
        ...(deadline === undefined ? {} : { deadline }),
      });
      this.store(messageId, {
        conversationId,
        expiresAt: conversationId === null ? this.now() + (this.options.notFoundTtlMs ?? 30_000) : Infinity,
      });
      return conversationId;
    } catch (e) {
      const upstream = e instanceof UpstreamError ? e : new UpstreamError('message details', { kind: 'rejected' });
      if (upstream.failure.kind === 'rate-limited')
        this.pausedUntil = Math.max(this.pausedUntil, this.now() + upstream.failure.retryAfterMs);
      this.options.logger.warn(upstream.toLog(), 'looking up the conversation of a message failed; no place in line');
      return null;
    }
  }

  private store(messageId: string, entry: Entry): void {
    this.cache.delete(messageId);
    this.cache.set(messageId, entry);
    while (this.cache.size > this.maxEntries) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
  }
}
