import {
  Observable,
  asyncScheduler,
  endWith,
  identity,
  merge,
  share,
  takeUntil,
  takeWhile,
  type ObservableInput,
  type SchedulerLike,
} from 'rxjs';
import type { ChatEvent } from '../../chat-event';
import { connectionState, type SocketStatus } from '../../streams/connection-state';
import { dedupeById } from '../../streams/dedupe-by-id';
import { agentMessages } from './detectors/agent-messages';
import { chatEnd } from './detectors/chat-end';
import { lookupMembers } from './detectors/lookup-members';
import { memberChanges } from './detectors/member-changes';
import { transferDetection } from './detectors/transfer-detection';
import { typing } from './detectors/typing';
import type { EnrichedFrame, MemberInfo } from './detectors/types';
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
  /** The socket's status, when there is one: its `connection` events join the stream. */
  status$?: Observable<SocketStatus>;
  /** Ends the stream early when it emits or completes (the transport's dispose). */
  until$?: Observable<unknown>;
  /** Events the connection itself raises (what the customer had seen, after a reload). */
  own$?: Observable<ChatEvent>;
}

/** Messages and typing indicators carry ids; member changes do not (`memberChanges` drops their repeats). */
const frameId = (f: EventFrame): string | undefined => (f.kind === 'member-change' ? undefined : f.id);

/**
 * Parsed guest chat frames in, transport-neutral chat events out: de-duplication, member lookup, then each detector
 * on the same shared stream. Pure apart from the injected lookup; the transport adds the socket and its lifecycle.
 * Completes once `chatEnded` has been passed on.
 */
export function chatEventPipeline(frames$: Observable<EventFrame>, c: ChatEventPipelineConfig): Observable<ChatEvent> {
  const scheduler = c.scheduler ?? asyncScheduler;
  const graceMs = c.departureGraceMs;
  const onMessageFrame = c.onMessageFrame;
  const enriched$ = frames$.pipe(
    dedupeById(frameId),
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
  return merge(
    // Typing first: an agent's message clears that agent's indicator before the message is shown.
    enriched$.pipe(typing({ selfId: c.selfId, expiryMs: c.typingExpiryMs, scheduler })),
    enriched$.pipe(agentMessages(c.selfId)),
    members$.pipe(transferDetection({ graceMs, scheduler })),
    members$.pipe(chatEnd({ graceMs, guestEnding: c.guestEnding, scheduler })),
    ...(c.status$ ? [c.status$.pipe(connectionState())] : []),
    ...(c.own$ ? [c.own$] : []),
  ).pipe(
    takeWhile((e) => e.type !== 'chatEnded', true),
    c.until$ ? takeUntil(c.until$.pipe(endWith(undefined))) : identity,
  );
}
