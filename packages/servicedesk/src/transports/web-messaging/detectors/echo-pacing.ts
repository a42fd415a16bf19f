import {
  EMPTY,
  asyncScheduler,
  distinctUntilChanged,
  interval,
  map,
  switchMap,
  type OperatorFunction,
  type SchedulerLike,
} from 'rxjs';
import type { SocketStatus } from '../../../streams/connection-state';

export interface EchoPacingConfig {
  /** Between two heartbeats. Genesys rate-limits `echo` sent more often than every 30 s. @default 45000 */
  intervalMs?: number;
  scheduler?: SchedulerLike;
}

/**
 * When to send the heartbeat `echo`: every `intervalMs` while the socket is open, never while it is not. Browsers
 * cannot send WebSocket pings, and a quiet socket (a customer waiting in the queue) must still show it is alive both
 * to Genesys and to the client's watchdog, which the echo's answer feeds.
 */
export function echoPacing(config: EchoPacingConfig = {}): OperatorFunction<SocketStatus, void> {
  const every = Math.max(30_000, config.intervalMs ?? 45_000);
  const scheduler = config.scheduler ?? asyncScheduler;
  return (status$) =>
    status$.pipe(
      map((s) => s === 'open'),
      distinctUntilChanged(),
      switchMap((open) => (open ? interval(every, scheduler).pipe(map(() => undefined)) : EMPTY)),
    );
}
