import { Observable, asyncScheduler, merge, share, type ObservableInput, type SchedulerLike } from 'rxjs';
import type { ChatEvent } from '../chat-event';
import { agentMessages } from '../operators/agent-messages';
import { chatEnd } from '../operators/chat-end';
import { connectionState, type SocketStatus } from '../operators/connection-state';
import { dedupeById } from '../operators/dedupe-by-id';
import { lookupMembers } from '../operators/lookup-members';
import { memberChanges } from '../operators/member-changes';
import { transferDetection } from '../operators/transfer-detection';
import { typing } from '../operators/typing';
import type { EnrichedFrame, MemberInfo } from '../operators/types';
import type { EventFrame } from './frames';

export interface ChatEventPipelineConfig {
  selfId: string;
  lookup: (memberId: string) => ObservableInput<MemberInfo>;
  onLookupError?: (memberId: string, error: unknown) => void;
  /** Told of every message frame that got through de-duplication and the member lookup (the last one is the resume point). */
  onMessageFrame?: (id: string) => void;
  guestEnding?: () => boolean;
  typingExpiryMs?: number;
  departureGraceMs?: number;
  scheduler?: SchedulerLike;
  /** The socket's status, when there is one: its `connection` events join the stream (one merge for all branches). */
  status$?: Observable<SocketStatus>;
  /**
   * Ends the stream early when it emits or completes (the transport's dispose). Watched by the stream's own
   * subscriber, not through `takeUntil`: that would be one more step for every event.
   */
  until$?: Observable<unknown>;
}

/**
 * Parsed guest chat frames in, transport-neutral chat events out: de-duplication, member lookup, then each detector
 * on the same shared stream. Pure apart from the injected lookup; the transport adds the socket and its lifecycle.
 * Completes once `chatEnded` has been passed on.
 */
export function chatEventPipeline(frames$: Observable<EventFrame>, c: ChatEventPipelineConfig): Observable<ChatEvent> {
  const scheduler = c.scheduler ?? asyncScheduler;
  const grace = c.departureGraceMs !== undefined ? { graceMs: c.departureGraceMs } : {};
  const onMessageFrame = c.onMessageFrame;
  const enriched$ = frames$.pipe(
    dedupeById(),
    lookupMembers({
      selfId: c.selfId,
      lookup: c.lookup,
      ...(c.onLookupError ? { onLookupError: c.onLookupError } : {}),
      // After the lookup, from where every operator is synchronous: once the events of a frame have been handled, so
      // has the frame (the ServiceDesk saves this point for a reload only when it has handled everything).
      ...(onMessageFrame
        ? {
            onPassed: (f: EnrichedFrame) => {
              if (f.kind === 'message') onMessageFrame(f.id);
            },
          }
        : {}),
    }),
    share(),
  );
  const members$ = enriched$.pipe(memberChanges(c.selfId), share());
  const ended$ = members$.pipe(
    chatEnd({ ...grace, ...(c.guestEnding ? { guestEnding: c.guestEnding } : {}), scheduler }),
    share(),
  );
  // Typing first: an agent's message clears that agent's indicator before the message is shown.
  const events$ = merge(
    enriched$.pipe(
      typing({
        selfId: c.selfId,
        ...(c.typingExpiryMs !== undefined ? { expiryMs: c.typingExpiryMs } : {}),
        scheduler,
      }),
    ),
    enriched$.pipe(agentMessages(c.selfId)),
    members$.pipe(transferDetection({ ...grace, scheduler })),
    ended$,
    ...(c.status$ ? [c.status$.pipe(connectionState())] : []),
  );
  // The stream ends with the chat (or `until$`). Not `takeWhile` after the merge: that is one more step for every event of the
  // chat (bench/client-pipeline.ts), to wait for a value that comes once. The subscriber takes the merged events
  // directly; `ended$` is watched beside them, subscribed after the merge so that `chatEnded` is passed on first.
  const until$ = c.until$;
  return new Observable<ChatEvent>((subscriber) => {
    if (until$)
      subscriber.add(until$.subscribe({ next: () => subscriber.complete(), complete: () => subscriber.complete() }));
    if (subscriber.closed) return;
    events$.subscribe(subscriber);
    if (!subscriber.closed) subscriber.add(ended$.subscribe(() => subscriber.complete()));
  });
}
