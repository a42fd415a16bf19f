import { asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';

/** What the desk needs of the page's event target (a browser's `window`). */
export type PageEvents = Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;

/** After these the page may be gone without another task: the resume point is written at once. */
const PAGE_LEAVING_EVENTS = ['pagehide', 'visibilitychange'] as const;

/**
 * Where a reloaded page resumes a chat: after the last message the host has finished showing (its callback's promise
 * resolved), or, once every event received so far has been handled, after the last message the stream passed on
 * (frames that showed nothing, like the customer's own echoes, count as handled then). A reload backfills after it:
 * what the customer has not been shown, no more, no less.
 *
 * The point is written to the host's persisted state in a task of its own, one write for everything shown until then,
 * and at once when the page hides or goes away (`pagehide`, `visibilitychange`). Carbon serialises its whole persisted
 * session into `sessionStorage` on every `updatePersistedState`, so a burst of messages (a backfill after a reconnect)
 * costs one write instead of one each.
 */
export class ResumePoint {
  private shown: string | undefined;
  private written: string | undefined;
  private live = false;
  private stopped = false;
  private pending: Subscription | undefined;
  private readonly unlisten: () => void;

  /**
   * @param start where the chat resumes from now (nothing for a new chat)
   * @param write writes the point to the host's persisted state
   */
  constructor(
    start: string | undefined,
    private readonly write: (resumeAfter: string | undefined) => void,
    private readonly scheduler: SchedulerLike = asyncScheduler,
    page?: PageEvents,
  ) {
    this.shown = start;
    this.written = start;
    const flush = () => this.flush();
    for (const type of PAGE_LEAVING_EVENTS) page?.addEventListener(type, flush);
    this.unlisten = () => {
      for (const type of PAGE_LEAVING_EVENTS) page?.removeEventListener(type, flush);
    };
  }

  /** The chat's stream is open: the point is written now, and from now on whenever it moves. */
  goLive(): void {
    if (this.stopped) return;
    this.live = true;
    this.writeNow();
  }

  /** The host has shown everything up to `messageId`. */
  markShown(messageId: string | undefined): void {
    if (messageId === undefined || this.stopped) return;
    this.shown = messageId;
    if (this.pending !== undefined || !this.live || messageId === this.written) return;
    this.pending = this.scheduler.schedule(() => {
      this.pending = undefined;
      this.flush();
    });
  }

  /** Writes the point now if it moved (and drops a deferred write). */
  flush(): void {
    this.pending?.unsubscribe();
    this.pending = undefined;
    if (this.stopped || !this.live || this.shown === this.written) return;
    this.writeNow();
  }

  /** The chat is over here: nothing more is written, the page's events are let go. */
  stop(): void {
    this.stopped = true;
    this.pending?.unsubscribe();
    this.pending = undefined;
    this.unlisten();
  }

  private writeNow(): void {
    this.written = this.shown;
    this.write(this.shown);
  }
}
