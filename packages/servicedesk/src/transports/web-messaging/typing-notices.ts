import type { SchedulerLike, Subscription } from 'rxjs';

/** Genesys takes 2 `onMessage` requests a second per session and refuses more with 429 (`retryAfter`). */
export const RATE_WINDOW_MS = 1000;

export interface TypingNoticesConfig {
  /** How long a notice not sent yet still describes the customer's typing. */
  relevantMs: number;
  scheduler: SchedulerLike;
  /** The session takes messages now (configured, not over). */
  sendable: () => boolean;
  /** When the connection last sent an `onMessage` request of any kind (this notice's included). */
  lastOnMessageAt: () => number;
  /** Sends a typing event; gives its tracingId (Genesys answers a typing event only to refuse it). */
  send: () => string;
}

/**
 * The customer's typing notices on Web Messaging. How often the customer's typing is told is the desk's
 * `typingThrottleMs`, the same on both channels; this only fits each notice into the session's rate. A typing event
 * is an `onMessage` like the customer's messages, so it counts toward the session's 2 a second; it matters less than
 * a message, so it takes a slot only when the last second saw no other `onMessage` (a notice included: at most one a
 * second however low the throttle), and leaves the second slot to a message written next. Otherwise it waits until a
 * slot frees, and one refused with 429 (right after the start: the Join and the summary) waits for `retryAfter`, in
 * both cases only as long as it still describes the customer's typing (`relevantMs` from when they typed).
 */
export class TypingNotices {
  private lastSentAt = Number.NEGATIVE_INFINITY;
  /** When the customer typed, for a notice not sent yet. */
  private askedAt: number | undefined;
  private tracingId: string | undefined;
  private retry: Subscription | undefined;

  constructor(private readonly c: TypingNoticesConfig) {}

  /** The customer typed (the desk has throttled this already): one notice waits at most. */
  typed(): void {
    if (this.askedAt !== undefined) return;
    this.askedAt = this.c.scheduler.now();
    this.attempt();
  }

  /** Genesys refused the request of `tracingId`: true when it was the last notice (a 429 is tried again later). */
  refused(tracingId: string, code: number, retryAfterSeconds: number | undefined): boolean {
    if (tracingId !== this.tracingId) return false;
    this.tracingId = undefined;
    if (code === 429) {
      this.askedAt = this.lastSentAt;
      this.lastSentAt = Number.NEGATIVE_INFINITY;
      this.later((retryAfterSeconds ?? 1) * 1000);
    }
    return true;
  }

  dispose(): void {
    this.retry?.unsubscribe();
    this.retry = undefined;
    this.askedAt = undefined;
  }

  private attempt(): void {
    this.retry = undefined;
    const asked = this.askedAt;
    if (asked === undefined) return;
    const now = this.c.scheduler.now();
    if (!this.c.sendable() || now - asked >= this.c.relevantMs) {
      this.askedAt = undefined;
      return;
    }
    const slotIn = this.c.lastOnMessageAt() + RATE_WINDOW_MS - now;
    if (slotIn > 0) return this.later(slotIn);
    this.askedAt = undefined;
    this.lastSentAt = now;
    this.tracingId = this.c.send();
  }

  private later(ms: number): void {
    this.retry ??= this.c.scheduler.schedule(() => this.attempt(), ms);
  }
}
