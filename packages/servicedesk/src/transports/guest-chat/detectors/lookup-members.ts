import { Subject, from, tap, type ObservableInput, type OperatorFunction } from 'rxjs';
import { handleInOrder } from '../../../streams/handle-in-order';
import { perSubscription } from '../../../streams/per-subscription';
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
 * Spelled out, not `{ ...f, member: m }`: V8 builds a spread followed by a property as a slower kind of object, and
 * every later step of the pipeline reads it (BENCHMARKS.md, "Event pipeline: history").
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
 * (`handleInOrder`, which drains a backlog in a loop: a backfill or a burst can queue thousands of frames behind one
 * lookup).
 */
export function lookupMembers(config: LookupMembersConfig): OperatorFunction<EventFrame, EnrichedFrame> {
  return perSubscription<EventFrame, EnrichedFrame>((out) => {
    const cache = new Map<string, MemberInfo>([[config.selfId, { id: config.selfId, role: 'CUSTOMER' }]]);
    const pass = (f: EventFrame, m: MemberInfo) => {
      const e = enrich(f, m);
      config.onPassed?.(e);
      out.next(e);
    };
    /** Passes `f` on with its member: at once when known, else after the lookup (which `handleInOrder` waits for). */
    const resolve = (f: EventFrame) => {
      const memberId = memberIdOf(f);
      const known = cache.get(memberId);
      if (known) return pass(f, known);
      return from(config.lookup(memberId)).pipe(
        tap((info) => {
          cache.set(memberId, info);
          pass(f, info);
        }),
      );
    };

    // Frames take the queue only from a frame that needs a lookup until every frame behind it is through; the rest
    // of the time (nearly always) a frame of a known member is passed on directly.
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
      .subscribe({ error: (e: unknown) => out.error(e), complete: () => out.complete() });

    return {
      next: (f) => {
        const known = queued ? undefined : cache.get(memberIdOf(f));
        if (known) return pass(f, known);
        queued = true;
        queue$.next(f);
      },
      complete: () => queue$.complete(),
      finalize: () => inOrder.unsubscribe(),
    };
  });
}
