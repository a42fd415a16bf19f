import { EMPTY, Observable, asyncScheduler, catchError, from, map, of, switchMap, type Subject } from 'rxjs';
import { GenesysApiError, ServiceDeskError } from '../../errors';
import type { Logger } from '../../logger';
import type { SocketStatus } from '../../streams/connection-state';
import { stepObserver } from '../../streams/step-observer';
import type { EarlierMessage } from '../../chat-event';
import type { WebSocketCtor } from '../chat-transport';
import { HEARTBEATS, resilientSocket } from '../resilient-socket';
import type { ChatSession } from './chat-session';
import { splitAtResumePoint } from './earlier-messages';
import type { MemberInfo } from './detectors/types';
import type { EventFrame, MemberChangeFrame, MessageFrame } from './frames';
import type { GuestApi } from './guest-api';
import type { GuestChatTransportConfig } from './guest-chat-transport';
import { eventOf } from './parse-frame';

export interface EventStreamContext {
  api: Pick<GuestApi, 'getMember' | 'getMembers' | 'getMessagesAfter'>;
  /** The chat; its `lastMessageId` is where a backfill starts. */
  session: ChatSession;
  config: GuestChatTransportConfig;
  /** A reattached chat backfills what it missed on its first open too. */
  resuming: boolean;
  status$: Subject<SocketStatus>;
  /** The socket opened (each time). */
  onOpen: () => void;
  /** The stream failed for good (it could not be opened, or the reconnects ran out). */
  onFail: (e: unknown) => void;
  /** After a reload, before anything else: what the customer had seen (told once, when there is some). */
  onEarlier?: (messages: EarlierMessage[]) => void;
  log: Logger;
}

/**
 * The guest chat's event frames from its socket (`eventStreamUri`, a `resilientSocket`): parsed once; before each
 * reconnect, Genesys is asked whether the guest is still in the chat; after each reopen, the members and the messages
 * missed meanwhile (backfill), live frames held until then. Any text from the socket (heartbeats too) counts as a
 * sign of life.
 */
export function eventFrames(ctx: EventStreamContext): Observable<EventFrame> {
  const { api, session, config: c, status$, log } = ctx;
  const scheduler = c.scheduler ?? asyncScheduler;
  const WebSocketCtor = c.webSocketCtor ?? (globalThis as { WebSocket?: WebSocketCtor }).WebSocket;
  const { conversationId, memberId } = session;

  return new Observable<EventFrame>((subscriber) => {
    let everOpened = false;
    let backfilling = false;
    let held: EventFrame[] = [];
    const emit = (f: EventFrame) => (backfilling ? held.push(f) : subscriber.next(f));

    /** After a reload: the whole history, what the customer had seen told first, and the rest to backfill. */
    const afterReload = async (members: MemberInfo[]): Promise<MessageFrame[]> => {
      const all = await api.getMessagesAfter(conversationId, undefined);
      const byId = new Map(members.map((m) => [m.id, m]));
      const { earlier, missed } = splitAtResumePoint(all, session.lastMessageId, memberId, byId);
      if (earlier.length > 0) ctx.onEarlier?.(earlier);
      return missed;
    };

    const backfill = async (reloaded: boolean) => {
      backfilling = true;
      try {
        // Members first (who is here now: an agent who joined while we were away is announced), then messages.
        const members = await api.getMembers(conversationId);
        const reloadedMissed = reloaded ? await afterReload(members) : undefined;
        const now = new Date().toISOString();
        for (const m of members) {
          if (m.state === 'ALERTING' || m.state === 'CONNECTED' || m.state === 'DISCONNECTED') {
            subscriber.next({ kind: 'member-change', conversationId, memberId: m.id, state: m.state, timestamp: now });
          }
        }
        const missed = reloadedMissed ?? (await api.getMessagesAfter(conversationId, session.lastMessageId));
        for (const f of missed) subscriber.next(f);
      } catch (e) {
        log.warn?.('Backfill after reconnecting failed; continuing with live events', e);
      } finally {
        backfilling = false;
        const pending = held;
        held = [];
        pending.forEach((f) => subscriber.next(f));
      }
    };

    /** Before reconnecting: is the chat still on? An ended chat ends here instead of reconnecting forever. */
    const stillLive = (): Observable<boolean> =>
      from(api.getMember(conversationId, memberId)).pipe(
        map((me) => me.state !== 'DISCONNECTED'),
        catchError((e: unknown) => of(!(e instanceof GenesysApiError && (e.status === 401 || e.status === 404)))),
      );

    const socket$ = resilientSocket({
      name: 'Event stream',
      url: () => session.eventStreamUri,
      webSocketCtor: WebSocketCtor,
      heartbeatTimeoutMs: c.heartbeatTimeoutMs ?? HEARTBEATS['guest-chat'].timeoutMs,
      maxReconnectAttempts: c.maxReconnectAttempts,
      backoff: c.backoff,
      network: c.network,
      status$,
      scheduler,
      log,
      onOpen: () => {
        const reopened = everOpened || ctx.resuming;
        const reloaded = !everOpened && ctx.resuming;
        everOpened = true;
        ctx.onOpen();
        if (reopened) void backfill(reloaded);
      },
      // A new chat whose stream cannot open at all fails its start; a reattached one (after a reload) retries as a
      // dropped socket does: a stream that fails for a moment must not lose the chat.
      onDrop: (err) =>
        !everOpened && !ctx.resuming
          ? new ServiceDeskError('SOCKET_FAILED', 'the Genesys event stream could not be opened', { cause: err })
          : undefined,
      beforeReopen: () =>
        stillLive().pipe(
          switchMap((live) => {
            if (live) return of(true);
            // The chat ended while we were away: report the guest's departure and stop.
            const ended: MemberChangeFrame = {
              kind: 'member-change',
              conversationId,
              memberId,
              state: 'DISCONNECTED',
              timestamp: new Date().toISOString(),
            };
            subscriber.next(ended);
            return EMPTY;
          }),
        ),
    });

    return socket$.subscribe(
      stepObserver<unknown>(subscriber, {
        next: (data) => {
          const f = eventOf(data, log);
          if (f) emit(f);
        },
        error: (e: unknown) => {
          status$.next('closed');
          ctx.onFail(e);
          subscriber.error(e);
        },
        complete: () => {
          status$.next('closed');
          subscriber.complete();
        },
      }),
    );
  });
}
