import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { ServiceDeskError } from '../errors';
import type { Logger } from '../logger';
import { backoffDelay, type BackoffConfig } from '../streams/backoff';
import { wait } from '../streams/wait';
import { isTransient } from '../transports/retry-transient';
import { newId } from '../transports/new-id';

export interface OutboxConfig {
  /**
   * Sends one message. `id` stays the same for every attempt at the same message, so a channel that can tell a message
   * it already has (one that reached Genesys although the connection dropped before the answer) sends it only once.
   */
  send: (text: string, id: string) => Promise<void>;
  /** Told when a message has to wait for the connection, once each time messages start waiting. */
  onHeld?: (() => void) | undefined;
  /**
   * A send found the chat over (`NO_CHAT`): no later message can go either. The owner closes the outbox (and tells the
   * customer); without one, the outbox closes itself.
   */
  chatOver?: ((reason: Error) => void) | undefined;
  /** The pause between attempts while the connection is away (a reconnect wakes the outbox sooner). */
  backoff?: BackoffConfig | undefined;
  scheduler?: SchedulerLike | undefined;
  logger?: Logger | undefined;
}

interface Entry {
  text: string;
  id: string;
  resolve: () => void;
  reject: (e: Error) => void;
}

/**
 * The customer's messages of one chat, sent one after the other in the order they were written. A message that cannot
 * go out because the connection is away (a transient failure) waits at the head of the line, with every later one
 * behind it, and is tried again when the connection is back (`wake`) or after a backoff; a refusal fails that message
 * only, and so does a rate limit (429), which the transport has already retried after Genesys' `retryAfter`. Each message's promise settles when it reached Genesys or failed for good, so the host shows it pending until
 * then. When the chat ends (`close`), what is still waiting fails.
 */
export class Outbox {
  private readonly queue: Entry[] = [];
  private readonly scheduler: SchedulerLike;
  private running = false;
  /** Messages are waiting for the connection (the customer has been told once). */
  private holding = false;
  private closedWith: Error | undefined;
  /** Ends the pause between two attempts early. */
  private wakeUp: (() => void) | undefined;

  constructor(private readonly config: OutboxConfig) {
    this.scheduler = config.scheduler ?? asyncScheduler;
  }

  /** Messages written but not yet sent. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Queues the message behind the ones before it; resolves once Genesys has it, rejects if it can never be sent. */
  post(text: string): Promise<void> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const sent = new Promise<void>((resolve, reject) => this.queue.push({ text, id: newId(), resolve, reject }));
    void this.run();
    return sent;
  }

  /** The connection is back: the waiting messages go now rather than after the pause. */
  wake(): void {
    this.wakeUp?.();
  }

  /** The chat is over: every message still waiting fails with `reason`. Returns how many did. */
  close(reason: Error): number {
    this.closedWith ??= reason;
    const unsent = this.queue.splice(0);
    for (const e of unsent) e.reject(reason);
    this.wakeUp?.();
    return unsent.length;
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    let attempt = 0;
    try {
      for (let head = this.queue[0]; head && !this.closedWith; head = this.queue[0]) {
        try {
          await this.config.send(head.text, head.id);
          attempt = 0;
          this.holding = false;
          if (this.queue[0] === head) this.queue.shift();
          head.resolve();
        } catch (e) {
          if (this.queue[0] !== head) continue;
          if (e instanceof ServiceDeskError && e.code === 'NO_CHAT') {
            this.config.chatOver?.(e);
            this.close(e);
            continue;
          }
          if (!isTransient(e)) {
            this.queue.shift();
            head.reject(e instanceof Error ? e : new ServiceDeskError('GENESYS_REFUSED', String(e)));
            continue;
          }
          attempt += 1;
          this.config.logger?.info?.(`A message waits for the connection (attempt ${attempt})`, e);
          if (!this.holding) {
            this.holding = true;
            this.config.onHeld?.();
          }
          const woken = await this.pause(backoffDelay(attempt, this.config.backoff));
          if (woken) attempt = 0;
        }
      }
    } finally {
      this.running = false;
    }
  }

  /** Waits `ms`, or less when woken; true when woken. */
  private async pause(ms: number): Promise<boolean> {
    const woken = await wait(ms, this.scheduler, (wake) => (this.wakeUp = wake));
    this.wakeUp = undefined;
    return woken;
  }
}
