import {
  Observable,
  asyncScheduler,
  endWith,
  identity,
  map,
  merge,
  share,
  takeUntil,
  takeWhile,
  tap,
  type SchedulerLike,
} from 'rxjs';
import type { ChatEvent } from '../../chat-event';
import { connectionState, type SocketStatus } from '../../streams/connection-state';
import { dedupeById } from '../../streams/dedupe-by-id';
import { agentMessages } from './detectors/agent-messages';
import { agentPresence } from './detectors/agent-presence';
import { agentTyping } from './detectors/agent-typing';
import { conversationEnd } from './detectors/conversation-end';
import { flowMessages } from './detectors/flow-messages';
import { orderByTime } from './detectors/order-by-time';
import { resolveAgents } from './detectors/resolve-agents';
import { asMarkdown } from './detectors/markdown-texts';
import { isAgentSaying, isTyping, type Incoming } from './detectors/types';

export interface WmEventPipelineConfig {
  /** The ordering buffer's window (ms). @default 300 */
  orderWindowMs?: number;
  /** Told of every message (not typing) that got through de-duplication and ordering: the last one is the resume point. */
  onMessagePassed?: (id: string) => void;
  /** The socket's status: its `connection` events join the stream. */
  status$?: Observable<SocketStatus>;
  /** Events the connection itself raises (queued, the end of the session). */
  own$?: Observable<ChatEvent>;
  /** Ends the stream early when it emits or completes (the connection's dispose). */
  until$?: Observable<unknown>;
  scheduler?: SchedulerLike;
  /** Texts are Markdown (the deployment's setting): messages are marked so, earlier ones too. @default false */
  markdown?: boolean | undefined;
}

/**
 * Web Messaging messages in, transport-neutral chat events out: de-duplication by message id, the ordering buffer,
 * who the agent is, then each detector on the same shared stream. Completes once `chatEnded` has been passed on.
 */
export function wmEventPipeline(messages$: Observable<Incoming>, c: WmEventPipelineConfig = {}): Observable<ChatEvent> {
  const scheduler = c.scheduler ?? asyncScheduler;
  const passed = c.onMessagePassed;
  const resolved$ = messages$.pipe(
    dedupeById((m: Incoming) => m.id),
    orderByTime({ windowMs: c.orderWindowMs ?? 300, scheduler, alone: isAgentSaying }),
    passed ? tap((m: Incoming) => isTyping(m) || passed(m.id)) : identity,
    resolveAgents(),
    share(),
  );
  return merge(
    // Typing first (an agent's message turns the indicator off before it is shown), then who joined, then messages.
    resolved$.pipe(agentTyping({ scheduler })),
    resolved$.pipe(agentPresence()),
    resolved$.pipe(agentMessages()),
    resolved$.pipe(flowMessages()),
    resolved$.pipe(conversationEnd()),
    ...(c.status$ ? [c.status$.pipe(connectionState())] : []),
    ...(c.own$ ? [c.own$] : []),
  ).pipe(
    takeWhile((e) => e.type !== 'chatEnded', true),
    c.until$ ? takeUntil(c.until$.pipe(endWith(undefined))) : identity,
    c.markdown ? map(asMarkdown) : identity,
  );
}
