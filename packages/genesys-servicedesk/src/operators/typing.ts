import { asyncScheduler, concat, distinctUntilChanged, filter, groupBy, map, mergeMap, of, switchMap, timer, type OperatorFunction, type SchedulerLike } from 'rxjs';
import type { ChatEventOf } from '../chat-event';
import { agentInfo } from './agent-info';
import type { EnrichedFrame } from './types';

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
 */
export function typing(config: TypingConfig): OperatorFunction<EnrichedFrame, ChatEventOf<'agentTyping'>> {
  const expiry = config.expiryMs ?? 4000;
  const scheduler = config.scheduler ?? asyncScheduler;
  return (source) =>
    source.pipe(
      map((f) => (f.kind === 'member-change' ? { member: f.member, kind: f.state === 'DISCONNECTED' ? 'stop' : 'none' } : { member: f.sender, kind: f.kind === 'typing' ? 'start' : 'stop' })),
      filter(({ member, kind }) => kind !== 'none' && member.id !== config.selfId && member.role !== 'WORKFLOW' && member.role !== 'ACD' && member.role !== 'CUSTOMER'),
      groupBy(({ member }) => member.id),
      mergeMap((perMember) =>
        perMember.pipe(
          switchMap(({ member, kind }) =>
            kind === 'start'
              ? concat(of({ member, typing: true }), timer(expiry, scheduler).pipe(map(() => ({ member, typing: false }))))
              : of({ member, typing: false }),
          ),
          distinctUntilChanged((a, b) => a.typing === b.typing),
          // Nothing to clear before the member ever typed.
          filter((e, i) => i > 0 || e.typing),
        ),
      ),
      map(({ member, typing: t }) => ({ type: 'agentTyping' as const, agent: agentInfo(member), typing: t })),
    );
}
