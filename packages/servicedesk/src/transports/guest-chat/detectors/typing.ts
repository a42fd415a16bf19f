import { asyncScheduler, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import type { ChatEventOf } from '../../../chat-event';
import { perSubscription } from '../../../streams/per-subscription';
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
 * The guest's own typing echoes and the flow/queue members are ignored. Once the source completes, an indicator still
 * on goes off at its time, then the stream completes.
 *
 * Per member: whether the indicator is on, until when, and at most one timer. A repeat only moves the time; a message
 * turns the indicator off but leaves the timer, which finds it off (or on again, for longer) when it fires and then
 * goes away or waits for the rest. Agents type and send in turns: a timer cleared and made again at every turn would
 * be most of this operator's cost.
 */
export function typing(config: TypingConfig): OperatorFunction<EnrichedFrame, ChatEventOf<'agentTyping'>> {
  const expiry = config.expiryMs ?? 4000;
  const scheduler = config.scheduler ?? asyncScheduler;
  const shown = (m: MemberInfo) =>
    m.id !== config.selfId && m.role !== 'WORKFLOW' && m.role !== 'ACD' && m.role !== 'CUSTOMER';
  return perSubscription<EnrichedFrame, ChatEventOf<'agentTyping'>>((out, guard) => {
    const members = new Map<
      string,
      { member: MemberInfo; on: boolean; until: number; timer: Subscription | undefined }
    >();
    let showing = 0;
    let sourceDone = false;

    const off = (id: string, member: MemberInfo) => {
      const m = members.get(id);
      if (!m?.on) return; // nothing to clear before the member typed
      m.on = false;
      showing--;
      out.next({ type: 'agentTyping', agent: agentInfo(member), typing: false });
      if (sourceDone && showing === 0) out.complete();
    };
    const wake = guard((id: string) => {
      const m = members.get(id);
      if (!m) return;
      m.timer = undefined;
      if (!m.on) return void members.delete(id);
      const left = m.until - scheduler.now();
      if (left > 0) m.timer = scheduler.schedule(() => wake(id), left);
      else off(id, m.member);
    });

    return {
      next: (f) => {
        if (f.kind === 'member-change' && f.state !== 'DISCONNECTED') return;
        const member = f.kind === 'member-change' ? f.member : f.sender;
        if (!shown(member)) return;
        if (f.kind !== 'typing') return off(member.id, member);
        let m = members.get(member.id);
        if (!m) members.set(member.id, (m = { member, on: false, until: 0, timer: undefined }));
        m.member = member;
        m.until = scheduler.now() + expiry;
        if (m.on) return; // a repeat: only the time moves
        m.on = true;
        m.timer ??= scheduler.schedule(() => wake(member.id), expiry);
        showing++;
        out.next({ type: 'agentTyping', agent: agentInfo(member), typing: true });
      },
      complete: () => {
        sourceDone = true;
        if (showing === 0) out.complete();
      },
      finalize: () => {
        for (const m of members.values()) m.timer?.unsubscribe();
        members.clear();
      },
    };
  });
}
