import { Observable, asyncScheduler, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import type { AgentInfo, ChatEventOf } from '../../../chat-event';
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
  return (source) =>
    new Observable<Out>((subscriber) => {
      let hadAgent = false;
      let transferAnnounced = false;
      let pending: { agent: AgentInfo; timer: Subscription } | undefined;

      const flushPending = () => {
        if (!pending) return;
        pending.timer.unsubscribe();
        subscriber.next({ type: 'agentLeft', agent: pending.agent });
        pending = undefined;
      };
      const announceTransfer = (to?: AgentInfo) => {
        if (transferAnnounced) return;
        transferAnnounced = true;
        subscriber.next(to ? { type: 'transferStarted', to } : { type: 'transferStarted' });
      };

      const sub = source.subscribe({
        next: (e) => {
          if (e.self) {
            // The guest left: the chat is over. A departure held back was the agent ending it, not a transfer.
            if (e.change === 'left') {
              pending?.timer.unsubscribe();
              pending = undefined;
            }
            return;
          }
          const m = e.member;
          if (m.role === 'ACD') {
            if (e.change !== 'joined') return;
            if (hadAgent) {
              announceTransfer();
              flushPending();
            }
            subscriber.next({ type: 'queued' });
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
              subscriber.next({ type: 'agentJoined', agent });
              hadAgent = true;
              transferAnnounced = false;
            }
            return;
          }
          // An agent left.
          if (!hadAgent) return; // an alerted agent who never answered
          if (transferAnnounced) {
            subscriber.next({ type: 'agentLeft', agent });
            return;
          }
          pending?.timer.unsubscribe();
          pending = {
            agent,
            timer: scheduler.schedule(() => {
              pending = undefined;
              subscriber.next({ type: 'agentLeft', agent });
            }, graceMs),
          };
        },
        error: (err) => subscriber.error(err),
        complete: () => {
          pending?.timer.unsubscribe();
          subscriber.complete();
        },
      });
      return () => {
        pending?.timer.unsubscribe();
        sub.unsubscribe();
      };
    });
}
