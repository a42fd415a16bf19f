import { asyncScheduler, type OperatorFunction, type SchedulerLike } from 'rxjs';
import type { ChatEndReason, ChatEventOf } from '../../../chat-event';
import { perSubscription } from '../../../streams/per-subscription';
import type { MemberEvent } from './types';

export interface ChatEndConfig {
  /** An agent leaving at most this long before the guest means the agent ended the chat. @default 1500 */
  graceMs?: number;
  /** True once the guest asked to leave (DELETE own member): the end is then the guest's. */
  guestEnding?: () => boolean;
  scheduler?: SchedulerLike;
}

/**
 * The end of the chat: the guest's own member leaving. Who ended it is read from the order of departures: the agent
 * leaves first when the agent ends it; the guest is removed first on inactivity or by the system; the guest's own
 * DELETE is known to the caller (docs/guest-chat-protocol.md, "How a chat ends"). Completes after `chatEnded`.
 */
export function chatEnd(config: ChatEndConfig = {}): OperatorFunction<MemberEvent, ChatEventOf<'chatEnded'>> {
  const graceMs = config.graceMs ?? 1500;
  const scheduler = config.scheduler ?? asyncScheduler;
  return perSubscription<MemberEvent, ChatEventOf<'chatEnded'>>((out) => {
    const connectedAgents = new Set<string>();
    let lastAgentLeftAt = Number.NEGATIVE_INFINITY;
    return (e) => {
      if (!e.self) {
        if (e.member.role !== 'AGENT') return;
        if (e.change === 'joined') connectedAgents.add(e.member.id);
        if (e.change === 'left' && connectedAgents.delete(e.member.id)) lastAgentLeftAt = scheduler.now();
        return;
      }
      if (e.change !== 'left') return;
      let by: ChatEndReason = 'system';
      if (config.guestEnding?.()) by = 'guest';
      else if (connectedAgents.size === 0 && scheduler.now() - lastAgentLeftAt <= graceMs) by = 'agent';
      out.next({ type: 'chatEnded', by });
      out.complete();
    };
  });
}
