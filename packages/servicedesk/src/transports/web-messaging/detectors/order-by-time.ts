import { asyncScheduler, type MonoTypeOperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import { perSubscription } from '../../../streams/per-subscription';
import type { Incoming } from './types';

export interface OrderByTimeConfig {
  /** How long a message is held for an earlier one to arrive after it. 0 passes messages on as they come. */
  windowMs: number;
  /**
   * A message no earlier one can be overtaking when it comes on a quiet socket (see `orderByTime`): passed on at once
   * then. @default none
   */
  alone?: ((m: Incoming) => boolean) | undefined;
  scheduler?: SchedulerLike;
}

/**
 * The ordering buffer. Web Messaging does not promise order (docs/web-messaging-protocol.md, "Server frames"): each
 * message is held `windowMs` after its arrival and passed on sorted by `channel.time`; when one is released, every
 * held message that is not later than it goes too, so the output never goes back in time. A message that comes later
 * than its window (older than what was already passed on) goes at once: shown late rather than never. A message
 * without a time sorts after those that arrived before it. On completion the held messages are flushed in order.
 *
 * A message is held only while an earlier one can still be missing. Messages overtake each other on their way from
 * Genesys only within a burst, several processed at about the same time (a flow's greeting and menu, a bot's answer
 * and the transfer notice). So a message that `alone` says is written one at a time (an agent's: a person writes
 * them seconds apart) and that comes on a quiet socket, with nothing held and no other message arrived within the
 * window before it, is passed on at once; in a burst it is held and sorted with the rest, and so is the stream's first
 * message (a socket just opened often brings several at once).
 */
export function orderByTime(config: OrderByTimeConfig): MonoTypeOperatorFunction<Incoming> {
  const scheduler = config.scheduler ?? asyncScheduler;
  const windowMs = config.windowMs;
  return perSubscription<Incoming, Incoming>((out, guard) => {
    if (windowMs <= 0) return (m) => out.next(m);
    /** Held messages, sorted by key (stable: equal keys keep their arrival order). */
    let held: Array<{ m: Incoming; key: number; due: number }> = [];
    let lastKey = Number.NEGATIVE_INFINITY;
    let lastArrival = Number.NEGATIVE_INFINITY;
    let timer: Subscription | undefined;
    const alone = config.alone;

    const release = (upTo: number) => {
      const go = held.filter((h) => h.key <= upTo);
      held = held.filter((h) => h.key > upTo);
      for (const h of go) {
        lastKey = Math.max(lastKey, h.key);
        out.next(h.m);
      }
    };
    const wake = guard(() => {
      timer = undefined;
      const now = scheduler.now();
      const due = held.filter((h) => h.due <= now);
      if (due.length > 0) release(Math.max(...due.map((h) => h.key)));
      schedule();
    });
    const schedule = () => {
      if (timer || held.length === 0) return;
      const next = Math.min(...held.map((h) => h.due));
      timer = scheduler.schedule(wake, Math.max(0, next - scheduler.now()));
    };

    return {
      next: (m) => {
        const parsed = m.time ? Date.parse(m.time) : Number.NaN;
        const newest = held.length > 0 ? held[held.length - 1]!.key : lastKey;
        const key = Number.isNaN(parsed) ? Math.max(newest, lastKey) : parsed;
        const now = scheduler.now();
        const quiet = held.length === 0 && lastArrival > Number.NEGATIVE_INFINITY && now - lastArrival >= windowMs;
        lastArrival = now;
        if (key < lastKey) return out.next(m);
        if (quiet && alone?.(m)) {
          lastKey = key;
          return out.next(m);
        }
        const at = held.findIndex((h) => h.key > key);
        const entry = { m, key, due: now + windowMs };
        if (at < 0) held.push(entry);
        else held.splice(at, 0, entry);
        schedule();
      },
      complete: () => {
        release(Number.POSITIVE_INFINITY);
        out.complete();
      },
      finalize: () => {
        timer?.unsubscribe();
        held = [];
      },
    };
  });
}
