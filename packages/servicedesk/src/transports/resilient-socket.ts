import {
  EMPTY,
  Observable,
  defer,
  fromEvent,
  merge,
  mergeMap,
  race,
  retry,
  switchMap,
  take,
  throwError,
  timer,
  type SchedulerLike,
  type Subject,
} from 'rxjs';
import { webSocket, type WebSocketSubject } from 'rxjs/webSocket';
import { ServiceDeskError, messageOf } from '../errors';
import type { Logger } from '../logger';
import { backoffDelay, type BackoffConfig } from '../streams/backoff';
import type { SocketStatus } from '../streams/connection-state';
import { heartbeatWatchdog } from '../streams/heartbeat-watchdog';
import type { WebSocketCtor } from './chat-transport';

/**
 * How long each channel's socket may stay silent before it counts as dead, and why: both are two beats missed and a
 * margin, so that one late beat never drops a good socket.
 * - Guest chat: Genesys sends a heartbeat frame on the event stream about every 30 s; 75 s is two and a half of them.
 * - Web Messaging: the client's own `echo` is the beat (Genesys sends nothing on a quiet socket, and rate-limits
 *   `echo` sent more often than once per 30 s); it goes every 45 s, which keeps a margin under that limit, so 100 s
 *   is two echoes missed and 10 s for the answer.
 */
export const HEARTBEATS = {
  'guest-chat': { beatMs: 30_000, timeoutMs: 75_000 },
  'web-messaging': { beatMs: 45_000, timeoutMs: 100_000 },
} as const;

/** Reconnect attempts in a row before a chat is given up, on either channel. */
export const MAX_RECONNECT_ATTEMPTS = 20;

/**
 * The browser's word on the network: the window fires `offline` and `online`, and `navigator.onLine` is false while it
 * knows there is none. Injected (the client runs in Node too, where there is none).
 */
export interface NetworkSignals {
  events: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;
  /** False while the browser knows it has no network. */
  online: () => boolean;
}

/** The browser's network signals, or none (Node). */
export function browserNetwork(): NetworkSignals | undefined {
  const g = globalThis as { window?: EventTarget; navigator?: { onLine?: boolean } };
  if (!g.window || typeof g.window.addEventListener !== 'function') return undefined;
  return { events: g.window, online: () => g.navigator?.onLine !== false };
}

export interface ResilientSocketConfig {
  /** The socket's URL, read at each open. */
  url: () => string;
  webSocketCtor: WebSocketCtor | undefined;
  /** No frame for this long: the socket is dead (from {@link HEARTBEATS}, unless the options say otherwise). */
  heartbeatTimeoutMs: number;
  maxReconnectAttempts?: number | undefined;
  backoff?: BackoffConfig | undefined;
  /** `offline` drops the socket at once; while offline no reconnect is tried, and `online` reconnects at once. */
  network?: NetworkSignals | undefined;
  /** Something the caller noticed drops the socket at once (a request not answered in time). */
  suspect$?: Observable<string> | undefined;
  status$: Subject<SocketStatus>;
  scheduler: SchedulerLike;
  log: Logger;
  /** For the log: which socket this is. */
  name: string;
  /** Each time the socket opens, with the socket to send on. */
  onOpen: (socket: WebSocketSubject<unknown>) => void;
  /** Each time the socket closes or drops. */
  onClose?: (() => void) | undefined;
  /**
   * A drop, before any reconnect: return an error to give up with it instead (the chat cannot go on, or a new chat's
   * socket never opened), or nothing to reconnect after the backoff.
   */
  onDrop?: ((err: unknown) => unknown) | undefined;
  /** After the backoff, before reopening: emits to reopen, completes to stop quietly (the chat ended meanwhile). */
  beforeReopen?: (() => Observable<unknown>) | undefined;
}

/** A drop noticed by something other than the socket (the browser offline, a request not answered). */
export class SocketSuspected extends Error {}

/**
 * One chat's socket on either channel: opened on subscription, its frames passed on raw; a close we did not ask for,
 * silence longer than the heartbeat timeout, the browser going offline or a caller's suspicion is a drop, followed by
 * reconnects with capped, jittered backoff (`streams/backoff.ts`), at most `maxReconnectAttempts` in a row; `onDrop`
 * decides which drops end the chat instead. `status$` follows each step. Both channels' sockets are this one.
 */
export function resilientSocket(c: ResilientSocketConfig): Observable<unknown> {
  const { scheduler, status$, log, network } = c;
  let everOpened = false;
  const offline$ = network
    ? fromEvent(network.events, 'offline').pipe(
        mergeMap(() => throwError(() => new SocketSuspected('the browser went offline'))),
      )
    : EMPTY;
  const suspected$ = c.suspect$
    ? c.suspect$.pipe(mergeMap((why) => throwError(() => new SocketSuspected(why))))
    : EMPTY;
  const online$ = network ? fromEvent(network.events, 'online').pipe(take(1)) : EMPTY;

  const open$ = defer(() => {
    const Ctor = c.webSocketCtor;
    if (!Ctor) {
      return throwError(() => new ServiceDeskError('SOCKET_FAILED', 'no WebSocket implementation: pass webSocketCtor'));
    }
    status$.next(everOpened ? 'reconnecting' : 'connecting');
    const socket = webSocket<unknown>({
      url: c.url(),
      WebSocketCtor: Ctor,
      deserializer: (e: MessageEvent) => e.data as unknown,
      openObserver: {
        next: () => {
          everOpened = true;
          c.onOpen(socket);
          status$.next('open');
        },
      },
      closeObserver: { next: () => c.onClose?.() },
    });
    return merge(socket, offline$, suspected$);
  });

  /** The wait before the next open: the backoff, cut short by `online`; none at all while the browser is offline. */
  const pause = (attempt: number): Observable<unknown> => {
    const backoff = timer(backoffDelay(attempt, c.backoff), scheduler);
    if (network && !network.online()) return online$;
    return network ? race(backoff, online$) : backoff;
  };

  return open$.pipe(
    // Silence means a dead socket, and any close we did not ask for is a drop, as silence is.
    heartbeatWatchdog({ timeoutMs: c.heartbeatTimeoutMs, completeAs: () => new Error('the socket closed'), scheduler }),
    retry({
      count: c.maxReconnectAttempts ?? MAX_RECONNECT_ATTEMPTS,
      resetOnSuccess: true,
      delay: (err: unknown, attempt) => {
        c.onClose?.();
        const verdict = c.onDrop?.(err);
        if (verdict !== undefined) return throwError(() => verdict);
        status$.next('reconnecting');
        log.info?.(`${c.name}: connection lost (${messageOf(err)}); reconnect attempt ${attempt}`);
        const reopen = pause(attempt);
        return c.beforeReopen
          ? reopen.pipe(
              take(1),
              switchMap(() => c.beforeReopen!()),
            )
          : reopen.pipe(take(1));
      },
    }),
  );
}
