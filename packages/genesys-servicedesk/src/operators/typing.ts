import { Observable, asyncScheduler, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import type { ChatEventOf } from '../chat-event';
import { agentInfo } from './agent-info';
import type { EnrichedFrame, MemberInfo } from './types';

export interface TypingConfig {
  selfId: string;
  /** How long a typing indicator is shown without a repeat (the Genesys guide says about four seconds). @default 4000 */
  expiryMs?: number;
  scheduler?: SchedulerLike;
}

/**
 * Agent typing. Genesys sends only "typing started" (no stop event), so per member: a typing frame shows the
 * indicator for `expiryMs`, a repeat restarts that time, and a message or the member leaving clears it at once.
 * The guest's own typing echoes and the flow/queue members are ignored.
 *
 * State per member in the subscription's closure: whether the indicator is on and until when. A repeat only moves
 * that time; the one timer of an indicator, when it fires early, waits for the rest. (Composed as groupBy +
 * switchMap over a timer, every frame of the chat cost an inner subscription and every typing frame a new timer.)
 */
export function typing(config: TypingConfig): OperatorFunction<EnrichedFrame, ChatEventOf<'agentTyping'>> {
  const expiry = config.expiryMs ?? 4000;
  const scheduler = config.scheduler ?? asyncScheduler;
  const shown = (m: MemberInfo) => m.id !== config.selfId && m.role !== 'WORKFLOW' && m.role !== 'ACD' && m.role !== 'CUSTOMER';
  return (source) =>
    new Observable<ChatEventOf<'agentTyping'>>((subscriber) => {
      const on = new Map<string, { member: MemberInfo; until: number; timer: Subscription }>();
      let sourceDone = false;

      const off = (id: string, member: MemberInfo) => {
        const shownFor = on.get(id);
        if (!shownFor) return; // nothing to clear before the member typed
        shownFor.timer.unsubscribe();
        on.delete(id);
        subscriber.next({ type: 'agentTyping', agent: agentInfo(member), typing: false });
        if (sourceDone && on.size === 0) subscriber.complete();
      };
      const expire = (id: string) => {
        const shownFor = on.get(id);
        if (!shownFor) return;
        const left = shownFor.until - scheduler.now();
        if (left > 0) shownFor.timer = scheduler.schedule(() => expire(id), left);
        else off(id, shownFor.member);
      };

      const sub = source.subscribe({
        next: (f) => {
          if (f.kind === 'member-change' && f.state !== 'DISCONNECTED') return;
          const member = f.kind === 'member-change' ? f.member : f.sender;
          if (!shown(member)) return;
          if (f.kind !== 'typing') return off(member.id, member);
          const shownFor = on.get(member.id);
          if (shownFor) {
            shownFor.until = scheduler.now() + expiry;
            shownFor.member = member;
            return;
          }
          on.set(member.id, { member, until: scheduler.now() + expiry, timer: scheduler.schedule(() => expire(member.id), expiry) });
          subscriber.next({ type: 'agentTyping', agent: agentInfo(member), typing: true });
        },
        error: (err) => subscriber.error(err),
        complete: () => {
          // An indicator still on goes off at its time, then the stream completes.
          sourceDone = true;
          if (on.size === 0) subscriber.complete();
        },
      });
      return () => {
        for (const shownFor of on.values()) shownFor.timer.unsubscribe();
        on.clear();
        sub.unsubscribe();
      };
    });
}
