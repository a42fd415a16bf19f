import { Observable, Subject, from, tap, type ObservableInput, type OperatorFunction } from 'rxjs';
import { handleInOrder } from '../../../streams/handle-in-order';
import { stepSubscriber } from '../../../streams/step-subscriber';
import type { EventFrame } from '../frames';
import type { EnrichedFrame, MemberInfo } from './types';

export interface LookupMembersConfig {
  /** The guest's own member id: resolved without a lookup. */
  selfId: string;
  /** GET member (the only way to learn a member's role and name; events carry ids only). */
  lookup: (memberId: string) => ObservableInput<MemberInfo>;
  /** Called when a lookup fails; the frame goes on with a fallback. */
  onLookupError?: (memberId: string, error: unknown) => void;
  /** Called with each frame as it is passed on, in order, once its member is known (what `tap` after this would do, one step less). */
  onPassed?: (frame: EnrichedFrame) => void;
}

const memberIdOf = (f: EventFrame): string => (f.kind === 'member-change' ? f.memberId : f.senderId);

/**
 * Spelled out on purpose: in V8, a spread followed by a property (`{ ...f, sender: m }`) misses the fast object-clone
 * path and cost more than parsing the frame (about 0.7 µs a frame; `{ ...f }` alone does not).
 */
function enrich(f: EventFrame, m: MemberInfo): EnrichedFrame {
  switch (f.kind) {
    case 'member-change':
      return {
        kind: f.kind,
        conversationId: f.conversationId,
        memberId: f.memberId,
        state: f.state,
        timestamp: f.timestamp,
        member: m,
      };
    case 'message':
      return {
        kind: f.kind,
        conversationId: f.conversationId,
        id: f.id,
        senderId: f.senderId,
        body: f.body,
        bodyType: f.bodyType,
        timestamp: f.timestamp,
        sender: m,
      };
    case 'typing':
      return {
        kind: f.kind,
        conversationId: f.conversationId,
        id: f.id,
        senderId: f.senderId,
        timestamp: f.timestamp,
        sender: m,
      };
  }
}

/**
 * Resolves the member behind every frame, in order, with one lookup per member id: the result is cached in the
 * subscription's closure. A failed lookup never stops the stream: the frame goes on with a fallback (an ALERTING or
 * CONNECTED member of unknown role is taken for an agent, as other guest chat clients do) and the next frame of that
 * member tries again.
 *
 * A frame of a known member is passed on at once; the frames that arrive while a lookup is in flight wait, in order
 * (`handleInOrder`). Not `concatMap`: every frame cost an inner subscription, and draining a backlog of synchronous
 * inners recursed once per frame, so a few hundred frames queued behind one lookup (a backfill, a burst) overflowed
 * the stack and the chat's events stopped without an error.
 */
export function lookupMembers(config: LookupMembersConfig): OperatorFunction<EventFrame, EnrichedFrame> {
  return (source) =>
    new Observable<EnrichedFrame>((subscriber) => {
      const cache = new Map<string, MemberInfo>([[config.selfId, { id: config.selfId, role: 'CUSTOMER' }]]);

      const onPassed = config.onPassed;
      const pass = (f: EventFrame, m: MemberInfo) => {
        const e = enrich(f, m);
        onPassed?.(e);
        subscriber.next(e);
      };
      // The last member resolved: most frames come from the member of the frame before, and comparing two ids is
      // cheaper than hashing a fresh one for the map.
      let lastId = config.selfId;
      let last: MemberInfo | undefined;
      /** Passes `f` on with its member if it is known; false if it must be looked up. */
      const passKnown = (f: EventFrame, memberId: string): boolean => {
        const known = memberId === lastId && last !== undefined ? last : cache.get(memberId);
        if (known === undefined) return false;
        lastId = memberId;
        last = known;
        pass(f, known);
        return true;
      };
      /** Passes `f` on with its member: at once when known, else after the lookup (which `handleInOrder` waits for). */
      const resolve = (f: EventFrame): Observable<MemberInfo> | undefined => {
        const memberId = memberIdOf(f);
        if (passKnown(f, memberId)) return undefined;
        return from(config.lookup(memberId)).pipe(
          tap((info) => {
            cache.set(memberId, info);
            pass(f, info);
          }),
        );
      };

      // Frames take the queue only from a frame that needs a lookup until every frame behind it is through; the
      // rest of the time (nearly always) a frame of a known member is passed on directly.
      let queued = false;
      const queue$ = new Subject<EventFrame>();
      const inOrder = queue$
        .pipe(
          handleInOrder<EventFrame>({
            handle: resolve,
            failed: (f, e) => {
              const memberId = memberIdOf(f);
              config.onLookupError?.(memberId, e);
              const guessAgent = f.kind !== 'member-change' || f.state !== 'DISCONNECTED';
              pass(f, { id: memberId, role: guessAgent ? 'AGENT' : 'UNKNOWN', fallback: true });
            },
            idle: () => {
              queued = false;
            },
          }),
        )
        .subscribe({ error: (e: unknown) => subscriber.error(e), complete: () => subscriber.complete() });
      const sub = source.subscribe(
        stepSubscriber<EventFrame>(subscriber, {
          next: (f) => {
            if (!queued && passKnown(f, memberIdOf(f))) return;
            queued = true;
            queue$.next(f);
          },
          complete: () => queue$.complete(),
        }),
      );
      return () => {
        sub.unsubscribe();
        inOrder.unsubscribe();
      };
    });
}
