import { asyncScheduler, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import type { AgentInfo, ChatEventOf } from '../../../chat-event';
import { perSubscription } from '../../../streams/per-subscription';
import { agentInfo } from './agent-info';
import type { MemberEvent, MemberInfo } from './types';

type Out =
  ChatEventOf<'queued'> | ChatEventOf<'agentJoined'> | ChatEventOf<'transferStarted'> | ChatEventOf<'agentLeft'>;

export interface TransferDetectionConfig {
  /**
   * How long an agent's departure waits for what follows: the guest leaving (the agent ended the chat; `chatEnd`
   * reports it), or a new agent or the queue (a transfer). After it, the departure is reported as "agent left".
   * @default 1500
   */
  graceMs?: number;
  scheduler?: SchedulerLike;
}

const isAgent = (m: MemberInfo) => m.role === 'AGENT';

/**
 * Agents joining, leaving and being replaced. Genesys has no transfer event: a transfer is an agent leaving while
 * the guest stays, and a new agent alerted or connected (or the queue taking the chat back), in either order
 * (docs/guest-chat-protocol.md, "Transfers"). Whatever the order on the wire, the host sees: transferStarted, agentLeft, agentJoined.
 */
export function transferDetection(config: TransferDetectionConfig = {}): OperatorFunction<MemberEvent, Out> {
  const graceMs = config.graceMs ?? 1500;
  const scheduler = config.scheduler ?? asyncScheduler;
  return perSubscription<MemberEvent, Out>((out, guard) => {
    let hadAgent = false;
    let transferAnnounced = false;
    /** An agent's departure held back for `graceMs`, to see what follows. */
    let pending: { agent: AgentInfo; timer: Subscription } | undefined;
    const dropPending = () => {
      pending?.timer.unsubscribe();
      pending = undefined;
    };
    const flushPending = () => {
      if (!pending) return;
      const { agent } = pending;
      dropPending();
      out.next({ type: 'agentLeft', agent });
    };
    const announceTransfer = (to?: AgentInfo) => {
      if (transferAnnounced) return;
      transferAnnounced = true;
      out.next(to ? { type: 'transferStarted', to } : { type: 'transferStarted' });
    };

    return {
      next: (e) => {
        if (e.self) {
          // The guest left: the chat is over. A departure held back was the agent ending it, not a transfer.
          if (e.change === 'left') dropPending();
          return;
        }
        const m = e.member;
        if (m.role === 'ACD') {
          if (e.change !== 'joined') return;
          if (hadAgent) {
            announceTransfer();
            flushPending();
          }
          out.next({ type: 'queued' });
          return;
        }
        if (!isAgent(m)) return;
        const agent = agentInfo(m);
        if (e.change === 'alerting' || e.change === 'joined') {
          if (hadAgent) {
            announceTransfer(agent);
            flushPending();
          }
          if (e.change === 'joined') {
            out.next({ type: 'agentJoined', agent });
            hadAgent = true;
            transferAnnounced = false;
          }
          return;
        }
        // An agent left.
        if (!hadAgent) return; // an alerted agent who never answered
        if (transferAnnounced) {
          out.next({ type: 'agentLeft', agent });
          return;
        }
        dropPending();
        pending = { agent, timer: scheduler.schedule(guard(flushPending), graceMs) };
      },
      complete: () => {
        dropPending();
        out.complete();
      },
      finalize: dropPending,
    };
  });
}
