import { catchError, concatMap, from, map, of, type Observable, type ObservableInput, type OperatorFunction } from 'rxjs';
import type { EventFrame } from '../genesys/frames';
import type { EnrichedFrame, MemberInfo } from './types';

export interface LookupMembersConfig {
  /** The guest's own member id: resolved without a lookup. */
  selfId: string;
  /** GET member (the only way to learn a member's role and name; events carry ids only, pitfall 4). */
  lookup: (memberId: string) => ObservableInput<MemberInfo>;
  /** Called when a lookup fails; the frame goes on with a fallback. */
  onLookupError?: (memberId: string, error: unknown) => void;
}

/**
 * Resolves the member behind every frame, in order (`concatMap`), with one lookup per member id: the result is
 * cached in the subscription's closure. A failed lookup never stops the stream: the frame goes on with a fallback
 * (an ALERTING or CONNECTED member of unknown role is taken for an agent, as the reference clients do) and the next
 * frame of that member tries again.
 */
export function lookupMembers(config: LookupMembersConfig): OperatorFunction<EventFrame, EnrichedFrame> {
  return (source) => {
    const cache = new Map<string, MemberInfo>([[config.selfId, { id: config.selfId, role: 'CUSTOMER' }]]);
    const resolve = (memberId: string, guessAgent: boolean): Observable<MemberInfo> => {
      const known = cache.get(memberId);
      if (known) return of(known);
      return from(config.lookup(memberId)).pipe(
        map((info) => {
          cache.set(memberId, info);
          return info;
        }),
        catchError((e: unknown) => {
          config.onLookupError?.(memberId, e);
          return of<MemberInfo>({ id: memberId, role: guessAgent ? 'AGENT' : 'UNKNOWN', fallback: true });
        }),
      );
    };
    return source.pipe(
      concatMap((f): Observable<EnrichedFrame> => {
        if (f.kind === 'member-change') return resolve(f.memberId, f.state !== 'DISCONNECTED').pipe(map((member) => ({ ...f, member })));
        return resolve(f.senderId, true).pipe(map((sender) => ({ ...f, sender })));
      }),
    );
  };
}
