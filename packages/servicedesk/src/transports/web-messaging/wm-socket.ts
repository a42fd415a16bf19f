import { Observable, type SchedulerLike, type Subject } from 'rxjs';
import type { WebSocketSubject } from 'rxjs/webSocket';
import type { Logger } from '../../logger';
import type { SocketStatus } from '../../streams/connection-state';
import type { WebSocketCtor } from '../chat-transport';
import { HEARTBEATS, resilientSocket } from '../resilient-socket';
import { echoPacing } from './detectors/echo-pacing';
import type { WebMessagingConnectionConfig } from './wm-connection-config';

export interface WmSocketHooks {
  status$: Subject<SocketStatus>;
  /** Something noticed the socket is dead although it did not close (a request not answered in time). */
  suspect$: Observable<string>;
  scheduler: SchedulerLike;
  log: Logger;
  onOpen: (socket: WebSocketSubject<unknown>) => void;
  onClose: () => void;
  /** See `ResilientSocketConfig.onDrop`. */
  onDrop: (err: unknown) => unknown;
  /** Time for the heartbeat `echo`: the caller sends it if the socket is bound to the session. */
  onBeat: () => void;
}

/**
 * The Web Messaging guest socket (`/v1?deploymentId=…`, no SDK) as a resilient socket (`../resilient-socket.ts`), with
 * its heartbeat: browsers cannot send WebSocket pings, so the client's `echo` every `heartbeatIntervalMs` is what
 * keeps a quiet socket alive for Genesys and, with its answer, for the watchdog.
 */
export function wmSocket(c: WebMessagingConnectionConfig, h: WmSocketHooks): Observable<unknown> {
  const beat = HEARTBEATS['web-messaging'];
  const frames$ = resilientSocket({
    name: 'Web Messaging',
    url: () => `${c.socketUrl.replace(/\/+$/, '')}/v1?deploymentId=${encodeURIComponent(c.deploymentId)}`,
    webSocketCtor: c.webSocketCtor ?? (globalThis as { WebSocket?: WebSocketCtor }).WebSocket,
    heartbeatTimeoutMs: c.heartbeatTimeoutMs ?? beat.timeoutMs,
    maxReconnectAttempts: c.maxReconnectAttempts,
    backoff: c.backoff,
    network: c.network,
    suspect$: h.suspect$,
    status$: h.status$,
    scheduler: h.scheduler,
    log: h.log,
    onOpen: h.onOpen,
    onClose: h.onClose,
    onDrop: h.onDrop,
  });
  return new Observable<unknown>((subscriber) => {
    const heartbeat = h.status$
      .pipe(echoPacing({ intervalMs: c.heartbeatIntervalMs ?? beat.beatMs, scheduler: h.scheduler }))
      .subscribe(() => h.onBeat());
    const sub = frames$.subscribe(subscriber);
    return () => {
      heartbeat.unsubscribe();
      sub.unsubscribe();
    };
  });
}
