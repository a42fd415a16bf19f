import { Observable, Subject, of, type OperatorFunction } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import type { ChatEvent } from '../src/chat-event';
import { connectionState, type SocketStatus } from '../src/streams/connection-state';
import { dedupeById } from '../src/streams/dedupe-by-id';
import { handleInOrder } from '../src/streams/handle-in-order';
import { heartbeatWatchdog } from '../src/streams/heartbeat-watchdog';
import { chatEventPipeline } from '../src/transports/guest-chat/chat-event-pipeline';
import { agentMessages } from '../src/transports/guest-chat/detectors/agent-messages';
import { chatEnd } from '../src/transports/guest-chat/detectors/chat-end';
import { lookupMembers } from '../src/transports/guest-chat/detectors/lookup-members';
import { memberChanges } from '../src/transports/guest-chat/detectors/member-changes';
import { transferDetection } from '../src/transports/guest-chat/detectors/transfer-detection';
import { typing } from '../src/transports/guest-chat/detectors/typing';
import type { EnrichedFrame, MemberEvent, MemberInfo } from '../src/transports/guest-chat/detectors/types';
import type { EventFrame } from '../src/transports/guest-chat/frames';
import { testScheduler } from './marbles';
import { SELF, enriched, ev, member, raw } from './transports/guest-chat/marbles';

/**
 * One operator style (docs/architecture.md, "Stream helpers and operator style"): every stateful operator keeps its
 * state per subscription, errors the stream when a step throws (never RxJS's unhandled-error reporter while the
 * stream goes on), lets go of its source when the subscriber unsubscribes or the source ends, and leaves no timer
 * behind.
 */

type Op = OperatorFunction<unknown, unknown>;

const boom = new Error('a step threw');

/** A value whose `key` throws when read: a bug in a step, for the tests. */
function throwing<T extends object>(value: T, key: string): T {
  return Object.defineProperty({ ...value }, key, {
    get() {
      throw boom;
    },
  });
}

/** Timers the operator still has scheduled (a VirtualAction removes itself when unsubscribed). */
const scheduled = (scheduler: TestScheduler) => scheduler.actions.length;

const lookup = (id: string) => of<MemberInfo>(Object.values(member).find((m) => m.id === id) ?? { id, role: 'AGENT' });

/** Every operator, applied as the client applies it, with the values it takes. */
const operators: Array<[string, (s: TestScheduler) => Op, Record<string, unknown>]> = [
  ['dedupeById', () => dedupeById((v: { id: string }) => v.id) as Op, { a: { id: '1' }, b: { id: '2' } }],
  ['connectionState', () => connectionState() as Op, { a: 'open', b: 'reconnecting' }],
  ['heartbeatWatchdog', (s) => heartbeatWatchdog({ timeoutMs: 1000, scheduler: s }) as Op, { a: 1, b: 2 }],
  [
    'handleInOrder',
    () => handleInOrder<number>({ handle: () => undefined, failed: () => undefined }) as Op,
    { a: 1, b: 2 },
  ],
  [
    'lookupMembers',
    () => lookupMembers({ selfId: SELF, lookup }) as Op,
    { a: raw.change(member.alex.id, 'CONNECTED'), b: raw.message('m1', member.alex.id) },
  ],
  [
    'agentMessages',
    () => agentMessages(SELF) as Op,
    { a: enriched.message('m1', member.alex), b: enriched.message('m2', member.alex) },
  ],
  [
    'memberChanges',
    () => memberChanges(SELF) as Op,
    { a: enriched.change(member.alex, 'CONNECTED'), b: enriched.change(member.alex, 'DISCONNECTED') },
  ],
  [
    'typing',
    (s) => typing({ selfId: SELF, scheduler: s }) as Op,
    { a: enriched.typing('t1', member.alex), b: enriched.typing('t2', member.blair) },
  ],
  [
    'transferDetection',
    (s) => transferDetection({ scheduler: s }) as Op,
    { a: ev('joined', member.alex), b: ev('left', member.alex) },
  ],
  ['chatEnd', (s) => chatEnd({ scheduler: s }) as Op, { a: ev('joined', member.alex), b: ev('left', member.alex) }],
  [
    'chatEventPipeline',
    (s) =>
      ((frames$: Observable<EventFrame>) => chatEventPipeline(frames$, { selfId: SELF, lookup, scheduler: s })) as Op,
    { a: raw.change(member.alex.id, 'CONNECTED'), b: raw.typing('t1', member.alex.id) },
  ],
];

describe.each(operators)('%s: subscription and teardown', (_name, make, values) => {
  test('unsubscribing lets go of the source and leaves no timer', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectSubscriptions, flush }) => {
      const source = cold('a b 5s b', values);
      const subscription = source.pipe(make(scheduler)).subscribe();
      scheduler.schedule(() => subscription.unsubscribe(), 2);
      let left = -1;
      scheduler.schedule(() => (left = scheduled(scheduler)), 3);
      flush();
      expectSubscriptions(source.subscriptions).toBe('^ - !');
      expect(left).toBe(0);
    });
  });

  test('an error of the source passes on and lets go of the source', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectSubscriptions, flush }) => {
      const source = cold('- #', undefined, boom);
      const seen: unknown[] = [];
      source.pipe(make(scheduler)).subscribe({ error: (e: unknown) => seen.push(e) });
      flush();
      expect(seen).toEqual([boom]);
      expectSubscriptions(source.subscriptions).toBe('^ !');
    });
  });
});

describe('a step that throws errors the stream (not the unhandled-error reporter) and lets go of the source', () => {
  test.each<[string, (s: TestScheduler) => Op, unknown]>([
    [
      'typing',
      (s) => typing({ selfId: SELF, scheduler: s }) as Op,
      throwing(enriched.typing('t1', member.alex), 'sender'),
    ],
    [
      'transferDetection',
      (s) => transferDetection({ scheduler: s }) as Op,
      throwing(ev('joined', member.alex), 'member'),
    ],
    ['chatEnd', (s) => chatEnd({ scheduler: s }) as Op, throwing(ev('left', member.guest), 'change')],
    ['memberChanges', () => memberChanges(SELF) as Op, throwing(enriched.change(member.alex, 'CONNECTED'), 'member')],
    ['agentMessages', () => agentMessages(SELF) as Op, throwing(enriched.message('m1', member.alex), 'sender')],
    ['dedupeById', () => dedupeById((v: { id: string }) => v.id) as Op, throwing({ id: 'x' }, 'id')],
    ['connectionState', () => connectionState() as Op, 'open'],
  ])('%s', (name, make, bad) => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // connectionState has no value of its own to throw on: its subscriber's step throws instead, and that must
      // error the stream too (as for every operator here).
      if (name === 'connectionState') {
        const source = cold<SocketStatus>('a b', { a: 'open', b: 'reconnecting' });
        const out = source.pipe(
          connectionState(),
          (events$) =>
            new Observable<ChatEvent>((subscriber) =>
              events$.subscribe({
                next: () => subscriber.error(boom),
                error: (e: unknown) => subscriber.error(e),
              }),
            ),
        );
        expectObservable(out).toBe('- #', undefined, boom);
        expectSubscriptions(source.subscriptions).toBe('^ !');
        return;
      }
      const source = cold('a b', { a: bad, b: bad });
      expectObservable(source.pipe(make(scheduler))).toBe('#', undefined, boom);
      expectSubscriptions(source.subscriptions).toBe('(^!)');
    });
  });

  test('typing: a step of its own timer that throws errors the stream', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      // The profile is read again when the indicator goes off, 4 s later: that read throws.
      let reads = 0;
      const alex = Object.defineProperty({ ...member.alex }, 'displayName', {
        get() {
          if (++reads > 1) throw boom;
          return 'Alex Agent';
        },
      }) as MemberInfo;
      const source = cold('a', { a: enriched.typing('t1', alex) });
      expectObservable(source.pipe(typing({ selfId: SELF, scheduler }))).toBe(
        'a 3999ms #',
        { a: expect.anything() },
        boom,
      );
    });
  });
});

describe('state belongs to each subscription', () => {
  test('connectionState: a second subscriber of the same stream does not inherit the first one’s "was open"', () => {
    const status$ = new Subject<SocketStatus>();
    const states$ = status$.pipe(connectionState());
    const first: string[] = [];
    const second: string[] = [];
    states$.subscribe((e) => first.push(e.state));
    status$.next('open');
    states$.subscribe((e) => second.push(e.state));
    status$.next('reconnecting');
    status$.next('open');
    expect(first).toEqual(['disconnected', 'connected']);
    // The second subscriber never saw the stream open: a reconnect is not a drop for it.
    expect(second).toEqual([]);
  });

  test('typing, transferDetection and chatEnd: two subscribers see the same events, each from its own state', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const members = cold('a b c', {
        a: ev('joined', member.alex),
        b: ev('left', member.alex),
        c: ev('left', member.guest),
      } as Record<string, MemberEvent>);
      const ended = members.pipe(chatEnd());
      expectObservable(ended).toBe('- - (e|)', { e: { type: 'chatEnded', by: 'agent' } });
      expectObservable(ended).toBe('- - (e|)', { e: { type: 'chatEnded', by: 'agent' } });
      const frames = cold<EnrichedFrame>('t', { t: enriched.typing('t1', member.alex) });
      const shown = frames.pipe(typing({ selfId: SELF }));
      expectObservable(shown, '^ 10ms !').toBe('x', { x: expect.objectContaining({ typing: true }) });
      expectObservable(shown, '^ 10ms !').toBe('x', { x: expect.objectContaining({ typing: true }) });
    });
  });
});
