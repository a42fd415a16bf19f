import { asyncScheduler, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import type { AgentInfo, ChatEventOf } from '../../../chat-event';
import { perSubscription } from '../../../streams/per-subscription';
import type { Resolved } from './types';

export interface AgentTypingConfig {
  scheduler?: SchedulerLike;
}

/**
 * Agent typing. Genesys sends "typing, for `duration` ms" and never "stopped": the indicator goes on, stays for the
 * duration (a repeat extends it), and goes off when the time is up or the agent's next message (or the end) comes.
 * One agent at a time in Web Messaging: one indicator and at most one timer, which when it fires either turns the
 * indicator off or waits for the rest of an extended time.
 */
export function agentTyping(config: AgentTypingConfig = {}): OperatorFunction<Resolved, ChatEventOf<'agentTyping'>> {
  const scheduler = config.scheduler ?? asyncScheduler;
  return perSubscription<Resolved, ChatEventOf<'agentTyping'>>((out, guard) => {
    let typingAgent: AgentInfo | undefined;
    let until = 0;
    let timer: Subscription | undefined;

    const off = () => {
      if (!typingAgent) return;
      const agent = typingAgent;
      typingAgent = undefined;
      out.next({ type: 'agentTyping', agent, typing: false });
    };
    const wake = guard(() => {
      timer = undefined;
      if (!typingAgent) return;
      const left = until - scheduler.now();
      if (left > 0) timer = scheduler.schedule(wake, left);
      else off();
    });

    return {
      next: ({ message: m, agent }) => {
        if (m.direction !== 'Outbound' || m.replayed) return;
        const typing = m.events.find((e) => e.eventType === 'Typing');
        if (!typing || typing.eventType !== 'Typing') {
          // The agent's message or the end: whoever typed has stopped.
          if (agent || m.type === 'Event') off();
          return;
        }
        if (!agent) return;
        const end = scheduler.now() + typing.durationMs;
        if (typingAgent?.id === agent.id) {
          until = Math.max(until, end); // a repeat: only the time moves
          return;
        }
        off();
        typingAgent = agent;
        until = end;
        timer?.unsubscribe();
        timer = scheduler.schedule(wake, typing.durationMs);
        out.next({ type: 'agentTyping', agent, typing: true });
      },
      finalize: () => timer?.unsubscribe(),
    };
  });
}
