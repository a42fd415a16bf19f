import {
  EMPTY,
  catchError,
  concat,
  concatMap,
  from,
  of,
  switchMap,
  timer,
  type Observable,
  type Subscription,
} from 'rxjs';
import type { Logger } from '../logger';
import type { Availability } from '../middleware-client';

/** What a waiting customer is told, and how old it is (ms since the epoch, when the middleware said). */
export interface QueueFigures {
  positionInQueue?: number;
  estimatedWaitTime?: number;
  updatedAt?: number;
}

export interface QueuePolling {
  /** Whether to ask now: the customer waits in a queue (`queued`: true; an agent joined: false, where the channel tells of a return to a queue). */
  waiting$: Observable<boolean>;
  refreshMs: number;
  /** The customer's place in the queue and the expected wait. */
  ask: () => Promise<Availability>;
  /** Shows what `ask` answered. */
  show: (a: QueueFigures) => void;
  logger: Logger;
}

/** While the first answers know no place, the next ask comes this soon (at most), this many times. */
export const SOON_MS = 2000;
export const SOON_ASKS = 2;

/**
 * While the customer waits in a queue, asks every `refreshMs` for the place in it and the wait, and shows the answer;
 * stops when an agent joins and starts again when the chat goes back to a queue. A failed ask is skipped.
 */
export function pollQueue(p: QueuePolling): Subscription {
  return p.waiting$
    .pipe(
      // An answer still on its way when an agent joins is dropped with its poll (switchMap): it is out of date.
      switchMap((waiting) => (waiting ? asks(p) : EMPTY)),
    )
    .subscribe((a) => {
      const updatedAt = typeof a.updatedAt === 'string' ? Date.parse(a.updatedAt) : Number.NaN;
      p.show({
        ...(typeof a.positionInQueue === 'number' ? { positionInQueue: a.positionInQueue } : {}),
        ...(typeof a.estimatedWaitTime === 'number' ? { estimatedWaitTime: a.estimatedWaitTime } : {}),
        ...(Number.isNaN(updatedAt) ? {} : { updatedAt }),
      });
    });
}

/**
 * The asks of one wait. The first ones may come before the chat is in the queue's statistics (the middleware refreshes
 * them in the background), or before the channel knows the message to ask with: while they know no place, ask again
 * soon, a few times, so the place does not wait a whole `refreshMs`; then every `refreshMs`.
 */
function asks(p: QueuePolling): Observable<Availability> {
  const askOnce = () =>
    from(p.ask()).pipe(
      catchError((e: unknown) => {
        p.logger.debug?.('Queue position is unknown for now', e);
        return EMPTY;
      }),
    );
  const soonMs = Math.min(SOON_MS, p.refreshMs);
  const first = (n: number): Observable<Availability> =>
    askOnce().pipe(
      concatMap((a) =>
        typeof a.positionInQueue === 'number' || n >= SOON_ASKS
          ? of(a)
          : concat(of(a), timer(soonMs).pipe(concatMap(() => first(n + 1)))),
      ),
    );
  return concat(first(0), timer(p.refreshMs, p.refreshMs).pipe(concatMap(askOnce)));
}
