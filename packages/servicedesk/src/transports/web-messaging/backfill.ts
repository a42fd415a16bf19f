import type { EarlierMessage } from '../../chat-event';
import type { Logger } from '../../logger';
import type { Incoming } from './detectors/types';
import { earlierMessages } from './earlier-messages';
import { fetchHistory } from './history';

export interface BackfillConfig {
  apiBaseUrl: string;
  fetch: typeof fetch;
  /** A JWT for the history, asked on the socket (`getJwt`). */
  jwt: () => Promise<string>;
  /** The last message passed on: the history after it is what was missed. */
  after: () => string | undefined;
  /** The hand-off summary's id, never among what the customer had seen. */
  summaryId: () => string | undefined;
  /** Passes a message on, from the history or live. */
  emit: (m: Incoming) => void;
  /** After a reload: what the customer had seen, told before anything of the backfill. */
  onEarlier: (messages: EarlierMessage[]) => void;
  log: Logger;
}

/**
 * The history backfill after a (re)connect: Web Messaging replays nothing missed while the socket was away, so the
 * messages after the last one passed on are read from the history, and live messages that arrive meanwhile are held
 * until it has (nothing lost, nothing shown twice: de-duplication by id drops what was already seen). A backfill that
 * fails is logged and the live messages go on.
 */
export class HistoryBackfill {
  private held: Incoming[] | undefined;
  /** The backfill under way, if one is: a send waits for it, so that what Genesys already has is known. */
  running: Promise<void> | undefined;

  constructor(private readonly c: BackfillConfig) {}

  /** A live message: passed on, or held while a backfill runs. */
  live(m: Incoming): void {
    if (this.held) this.held.push(m);
    else this.c.emit(m);
  }

  /** Reads what was missed; `replay` after a reload (the whole history: what the customer had seen, first). */
  run(replay: boolean): Promise<void> {
    const done = this.read(replay).finally(() => {
      if (this.running === done) this.running = undefined;
    });
    this.running = done;
    return done;
  }

  private async read(replay: boolean): Promise<void> {
    this.held ??= [];
    try {
      const missed = await fetchHistory({
        apiBaseUrl: this.c.apiBaseUrl,
        jwt: await this.c.jwt(),
        after: this.c.after(),
        replay,
        fetch: this.c.fetch,
      });
      if (replay) {
        const earlier = earlierMessages(missed, this.c.summaryId());
        if (earlier.length > 0) this.c.onEarlier(earlier);
      }
      missed.forEach((m) => this.c.emit(m));
    } catch (e) {
      this.c.log.warn?.('Web Messaging: the history backfill failed; continuing with live messages', e);
    } finally {
      const pending = this.held;
      this.held = undefined;
      (pending ?? []).forEach((m) => this.c.emit(m));
    }
  }
}
