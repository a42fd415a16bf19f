import type { SchedulerLike, Subscription } from 'rxjs';
import { newId } from '../new-id';
import type { WmFrame } from './frames';

/**
 * How long Genesys may take to answer a request (an `onMessage`'s Inbound echo, an `echo`'s answer, a JWT, an upload
 * target) before the socket counts as dead. Genesys answers on the same socket within milliseconds; a socket that
 * swallows a request for this long has lost its network, which the browser does not always say.
 */
export const ANSWER_TIMEOUT_MS = 5000;

interface Pending {
  resolve: (f: WmFrame) => void;
  reject: (e: Error) => void;
  timer: Subscription;
}

export interface RequestMatcherConfig {
  scheduler: SchedulerLike;
  /** A request was not answered in time: the socket it went on is suspect. */
  onUnanswered: (what: string) => void;
  /** @default ANSWER_TIMEOUT_MS */
  answerTimeoutMs?: number | undefined;
}

/**
 * Requests and their answers, matched by `tracingId` (Genesys echoes a request's tracingId in its answer, and in an
 * error frame that refuses it). A request not answered within `answerTimeoutMs` is reported; every request still
 * waiting fails when the socket goes (`failAll`), and is then the caller's to send again.
 */
export class RequestMatcher {
  private readonly pending = new Map<string, Pending>();
  private readonly timeoutMs: number;

  constructor(private readonly c: RequestMatcherConfig) {
    this.timeoutMs = c.answerTimeoutMs ?? ANSWER_TIMEOUT_MS;
  }

  /** Sends with a fresh tracingId (`send` puts it on the wire) and resolves with the frame that answers it. */
  request(send: (tracingId: string) => void, what: string): Promise<WmFrame> {
    return new Promise<WmFrame>((resolve, reject) => {
      const tracingId = newId();
      this.expect(tracingId, what, resolve, reject);
      send(tracingId);
    });
  }

  /**
   * Waits for the answer to a request sent without waiting for it (the heartbeat `echo`): only to tell whether it
   * came in time. A second wait for the same id replaces the first.
   */
  watch(tracingId: string, what: string): void {
    this.pending.get(tracingId)?.timer.unsubscribe();
    this.expect(
      tracingId,
      what,
      () => undefined,
      () => undefined,
    );
  }

  /** The answer to a pending request: true when it was one. */
  settle(tracingId: string, f: WmFrame): boolean {
    const p = this.pending.get(tracingId);
    if (!p) return false;
    this.pending.delete(tracingId);
    p.timer.unsubscribe();
    p.resolve(f);
    return true;
  }

  /** The socket went: every request still waiting fails with `e`. */
  failAll(e: Error): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) {
      p.timer.unsubscribe();
      p.reject(e);
    }
  }

  private expect(tracingId: string, what: string, resolve: Pending['resolve'], reject: Pending['reject']): void {
    const timer = this.c.scheduler.schedule(() => {
      if (this.pending.get(tracingId)?.timer !== timer) return;
      this.c.onUnanswered(`${what} was not answered within ${this.timeoutMs} ms`);
    }, this.timeoutMs);
    this.pending.set(tracingId, { resolve, reject, timer });
  }
}
