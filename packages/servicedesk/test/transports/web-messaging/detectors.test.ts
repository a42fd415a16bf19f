import { Subject, map, type Observable } from 'rxjs';
import { isAgentSaying, type Incoming } from '../../../src/transports/web-messaging/detectors/types';
import { agentMessages } from '../../../src/transports/web-messaging/detectors/agent-messages';
import { agentPresence } from '../../../src/transports/web-messaging/detectors/agent-presence';
import { agentTyping } from '../../../src/transports/web-messaging/detectors/agent-typing';
import { conversationEnd } from '../../../src/transports/web-messaging/detectors/conversation-end';
import { echoPacing } from '../../../src/transports/web-messaging/detectors/echo-pacing';
import { flowMessages } from '../../../src/transports/web-messaging/detectors/flow-messages';
import { orderByTime } from '../../../src/transports/web-messaging/detectors/order-by-time';
import { resolveAgents } from '../../../src/transports/web-messaging/detectors/resolve-agents';
import { bob, fallback, jane, resolved, testScheduler, wm } from './marbles';

const T = (s: number) => `2026-12-04T10:00:${String(s).padStart(2, '0')}.000Z`;

describe('orderByTime (the ordering buffer)', () => {
  test('holds each message for the window and passes them on sorted by channel.time', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const a = wm.bot('a', 'one', T(1));
      const b = wm.bot('b', 'two', T(2));
      const c = wm.bot('c', 'three', T(3));
      // b and c arrive before a, a within b's window: a and b go out in time order when b's window ends, c at its own.
      const source = cold('b 9ms c 9ms a', { a, b, c });
      expectObservable(source.pipe(orderByTime({ windowMs: 30 }))).toBe('30ms (ab) 6ms c', {
        a,
        b,
        c,
      });
    });
  });

  test('a message later than its window goes at once (shown late, never lost); completion flushes in order', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const a = wm.bot('a', 'one', T(1));
      const b = wm.bot('b', 'two', T(2));
      const c = wm.bot('c', 'three', T(3));
      const d = wm.bot('d', 'four', T(4));
      const source = cold('b 49ms a 9ms d c|', { a, b, c, d });
      expectObservable(source.pipe(orderByTime({ windowMs: 20 }))).toBe('20ms b 29ms a 11ms (cd|)', { a, b, c, d });
    });
  });

  test('a message without a time keeps its arrival place; window 0 passes everything through', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const a = wm.bot('a', 'one', T(5));
      const x = wm.echo('x', 'no time');
      const b = wm.bot('b', 'two', T(3));
      expectObservable(cold('a x b|', { a, x, b }).pipe(orderByTime({ windowMs: 10 }))).toBe('---(bax|)', {
        a,
        b,
        x,
      });
      expectObservable(cold('a x b|', { a, x, b }).pipe(orderByTime({ windowMs: 0 }))).toBe('a x b|', { a, x, b });
    });
  });

  test("an agent's message on a quiet socket passes at once; in a burst it is held and sorted with the rest", () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const alone = isAgentSaying;
      const j = wm.agent('j', 'hello', { nickname: 'Jane' }, T(1));
      const k = wm.agent('k', 'anything else?', { nickname: 'Jane' }, T(9));
      // The stream's first message is held; then quiet: nothing held and nothing arrived within the window before it.
      expectObservable(cold('j 49ms k', { j, k }).pipe(orderByTime({ windowMs: 20, alone }))).toBe('20ms j 29ms k', {
        j,
        k,
      });
      // A bot's message arrived 5 ms before: a burst, in which the agent's is held and the bot's, earlier, goes first.
      const p = wm.bot('p', 'earlier', T(1));
      const b = wm.bot('b', 'transferring you', T(3));
      const a = wm.agent('a', 'hi, I am Jane', { nickname: 'Jane' }, T(2));
      expectObservable(cold('p 49ms b 4ms a', { p, a, b }).pipe(orderByTime({ windowMs: 20, alone }))).toBe(
        '20ms p 29ms 20ms (ab)',
        { p, a, b },
      );
      // The agent's typing is an event, and a bot's message is not written one at a time: both are held.
      const t = wm.typing('t');
      const c = wm.bot('c', 'menu', T(3));
      expectObservable(cold('t 49ms c', { t, c }).pipe(orderByTime({ windowMs: 20, alone }))).toBe('20ms t 49ms c', {
        t,
        c,
      });
    });
  });

  test('unsubscribing lets go of the held messages and the timer', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a----', { a: wm.bot('a', 'one', T(1)) });
      expectObservable(source.pipe(orderByTime({ windowMs: 10 })), '--!').toBe('');
      expectSubscriptions(source.subscriptions).toBe('^-!');
    });
  });
});

describe('resolveAgents + agentPresence (agent joined, transfer)', () => {
  test('the first Human message is the agent joining, by its nickname and image; another nickname is a transfer', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const j1 = wm.agent('1', 'Hello', { nickname: 'Jane', image: 'https://x/jane.png' });
      const j2 = wm.agent('2', 'More', {});
      const b1 = wm.agent('3', 'Bob here', { nickname: 'Bob' });
      const source = cold('a b c', { a: j1, b: j2, c: b1 });
      expectObservable(source.pipe(resolveAgents())).toBe('a b c', {
        a: resolved(j1, jane, 'joined'),
        b: resolved(j2, jane),
        c: resolved(b1, bob, 'transferred'),
      });
      expectObservable(source.pipe(resolveAgents(), agentPresence())).toBe('a - (tlc)', {
        a: { type: 'agentJoined', agent: jane },
        t: { type: 'transferStarted', to: bob },
        l: { type: 'agentLeft', agent: jane },
        c: { type: 'agentJoined', agent: bob },
      });
    });
  });

  test('no nickname: "Agent"; a named agent after it is the same person with a name (joined, no transfer)', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a b', { a: wm.agent('1', 'hi'), b: wm.agent('2', 'I am Bob', { nickname: 'Bob' }) });
      expectObservable(source.pipe(resolveAgents(), agentPresence())).toBe('a b', {
        a: { type: 'agentJoined', agent: fallback },
        b: { type: 'agentJoined', agent: bob },
      });
    });
  });

  test('bot messages, echoes and typing before any agent name nobody; typing after belongs to the agent', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const t1 = wm.typing('t1');
      const j = wm.agent('1', 'Hello', { nickname: 'Bob' });
      const t2 = wm.typing('t2');
      const source = cold('a b c d e', { a: wm.bot('b1', 'Hi'), b: wm.echo('e1'), c: t1, d: j, e: t2 });
      expectObservable(source.pipe(resolveAgents())).toBe('a b c d e', {
        a: resolved(wm.bot('b1', 'Hi')),
        b: resolved(wm.echo('e1')),
        c: resolved(t1),
        d: resolved(j, bob, 'joined'),
        e: resolved(t2, bob),
      });
    });
  });

  test('replayed history announces only the agent there at its end, once', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a b c d', {
        a: wm.replayed(wm.agent('1', 'Hello', { nickname: 'Jane', image: 'https://x/jane.png' }), 'more'),
        b: wm.replayed(wm.agent('2', 'Bob here', { nickname: 'Bob' }), 'more'),
        c: wm.replayed(wm.echo('3'), 'last'),
        d: wm.agent('4', 'Still Bob', { nickname: 'Bob' }),
      });
      expectObservable(source.pipe(resolveAgents(), agentPresence())).toBe('- - c', {
        c: { type: 'agentJoined', agent: bob },
      });
    });
  });

  test('state is per subscription', () => {
    const source = new Subject<ReturnType<typeof wm.agent>>();
    const first: unknown[] = [];
    const second: unknown[] = [];
    const op = (x: typeof source) => x.pipe(resolveAgents(), agentPresence());
    op(source).subscribe((e) => first.push(e));
    source.next(wm.agent('1', 'hi', { nickname: 'Bob' }));
    op(source).subscribe((e) => second.push(e));
    source.next(wm.agent('2', 'again', { nickname: 'Bob' }));
    expect(first).toHaveLength(1);
    expect(second).toEqual([{ type: 'agentJoined', agent: bob }]);
  });
});

describe('agentMessages, flowMessages, conversationEnd', () => {
  test('agent text is an agent message; bot text a system message of the flow; echoes nothing', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a b c', {
        a: wm.bot('b1', 'Hi, I am the bot', T(1)),
        b: wm.echo('e1', 'hello'),
        c: wm.agent('a1', 'Hello, I am Bob', { nickname: 'Bob' }, T(2)),
      });
      const resolved$ = source.pipe(resolveAgents());
      expectObservable(resolved$.pipe(agentMessages())).toBe('- - c', {
        c: { type: 'agentMessage', id: 'a1', agent: bob, text: 'Hello, I am Bob', timestamp: T(2) },
      });
      expectObservable(resolved$.pipe(flowMessages())).toBe('a', {
        a: { type: 'systemMessage', id: 'b1', role: 'WORKFLOW', text: 'Hi, I am the bot', timestamp: T(1) },
      });
    });
  });

  test('files and quick replies travel with the message; a message of only a file or only quick replies shows', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const image = {
        id: 'f1',
        filename: 'receipt.png',
        url: 'https://dl.example/1',
        mediaType: 'Image',
        mime: 'image/png',
        fileSize: 10,
      };
      const doc = { id: 'f2', filename: 'terms.pdf', url: 'https://dl.example/2', mediaType: 'File' };
      const replies = [
        { text: 'Yes', payload: 'y' },
        { text: 'No', payload: 'n' },
      ];
      const source = cold('a b c', {
        a: { ...wm.bot('b1', 'What would you like to do?', T(1)), type: 'Structured' as const, quickReplies: replies },
        b: { ...wm.agent('a1', '', { nickname: 'Bob' }, T(2)), attachments: [image, doc] },
        c: { ...wm.agent('a2', '', { nickname: 'Bob' }, T(3)), type: 'Structured' as const, quickReplies: replies },
      });
      const resolved$ = source.pipe(resolveAgents());
      expectObservable(resolved$.pipe(agentMessages())).toBe('- b c', {
        b: {
          type: 'agentMessage',
          id: 'a1',
          agent: bob,
          text: '',
          timestamp: T(2),
          files: [
            { name: 'receipt.png', url: 'https://dl.example/1', kind: 'image', mime: 'image/png', size: 10 },
            { name: 'terms.pdf', url: 'https://dl.example/2', kind: 'file' },
          ],
        },
        c: { type: 'agentMessage', id: 'a2', agent: bob, text: '', timestamp: T(3), quickReplies: replies },
      });
      expectObservable(resolved$.pipe(flowMessages())).toBe('a', {
        a: {
          type: 'systemMessage',
          id: 'b1',
          role: 'WORKFLOW',
          text: 'What would you like to do?',
          timestamp: T(1),
          quickReplies: replies,
        },
      });
    });
  });

  test('a message with neither text, file nor quick reply shows nothing', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a b', { a: wm.bot('b1', ''), b: wm.agent('a1', '', { nickname: 'Bob' }) });
      const resolved$ = source.pipe(resolveAgents());
      expectObservable(resolved$.pipe(agentMessages())).toBe('');
      expectObservable(resolved$.pipe(flowMessages())).toBe('');
    });
  });

  test('replayed messages are not shown again', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a b', {
        a: wm.replayed(wm.bot('b1', 'Hi'), 'more'),
        b: wm.replayed(wm.agent('a1', 'Hello', { nickname: 'Bob' }), 'last'),
      });
      const resolved$ = source.pipe(resolveAgents());
      expectObservable(resolved$.pipe(agentMessages())).toBe('');
      expectObservable(resolved$.pipe(flowMessages())).toBe('');
    });
  });

  test('Presence Disconnect ends the chat: by the agent, or by the system when the flow ends it', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a b c', {
        a: wm.disconnect('d1', 'Human'),
        b: wm.disconnect('d2', 'Bot'),
        c: wm.disconnect('d3', ''),
      });
      expectObservable(source.pipe(resolveAgents(), conversationEnd())).toBe('a b c', {
        a: { type: 'chatEnded', by: 'agent' },
        b: { type: 'chatEnded', by: 'system' },
        c: { type: 'chatEnded', by: 'agent' },
      });
    });
  });
});

describe('agentTyping', () => {
  test('on for the event’s duration; a repeat extends it; the agent’s message turns it off at once', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const join = wm.agent('1', 'hi', { nickname: 'Bob' });
      const source = cold('j t 999ms t 1999ms - 500ms m 3000ms t', {
        j: join,
        t: wm.typing('t', 2000),
        m: wm.agent('2', 'answer', { nickname: 'Bob' }),
      });
      const on = { type: 'agentTyping', agent: bob, typing: true };
      const off = { type: 'agentTyping', agent: bob, typing: false };
      // On at 1 for 2 s, extended at 1001 to 3001: off then; the agent's message finds it off; on again at 6503.
      expectObservable(source.pipe(resolveAgents(), agentTyping())).toBe('- a 2999ms b 3501ms c 1999ms d', {
        a: on,
        b: off,
        c: on,
        d: off,
      });
    });
  });

  test('typing before any agent is known shows nothing; unsubscribing leaves no timer', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('t', { t: wm.typing('t') }).pipe(resolveAgents(), agentTyping())).toBe('');
    });
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const source = cold('j t', { j: wm.agent('1', 'hi', { nickname: 'Bob' }), t: wm.typing('t') });
      expectObservable(source.pipe(resolveAgents(), agentTyping()), '---!').toBe('- a', {
        a: { type: 'agentTyping', agent: bob, typing: true },
      });
    });
    expect(scheduler.actions).toHaveLength(0);
  });
});

describe('echoPacing (heartbeat)', () => {
  test('an echo every interval while the socket is open, none while it is not', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const status = cold('o 99999ms r 9999ms o', { o: 'open', r: 'reconnecting' } as const);
      expectObservable(status.pipe(echoPacing({ intervalMs: 45_000 })), '^ 150000ms !').toBe('45000ms x 44999ms x', {
        x: undefined,
      });
    });
  });

  test('never more often than every 30 s (Genesys rate-limits echo)', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('o', { o: 'open' } as const).pipe(echoPacing({ intervalMs: 1000 })), '^ 40000ms !').toBe(
        '30000ms x',
        { x: undefined },
      );
    });
  });
});

describe('one operator style: a throwing step errors the stream and lets go of the source', () => {
  const boom = new Error('a step threw');
  /** A message whose `direction` and `replayed` throw when read (every step reads one): a bug in a step. */
  const throwing = () =>
    Object.defineProperties(
      { ...wm.agent('x', 'hi', { nickname: 'Bob' }) },
      {
        direction: {
          get: () => {
            throw boom;
          },
        },
        replayed: {
          get: () => {
            throw boom;
          },
        },
      },
    );
  const asResolved = map((m: Incoming) => resolved(m, bob));
  test.each<[string, (s: Observable<Incoming>) => Observable<unknown>]>([
    ['resolveAgents', (s: Observable<Incoming>) => s.pipe(resolveAgents())],
    ['agentMessages', (s: Observable<Incoming>) => s.pipe(asResolved, agentMessages())],
    ['flowMessages', (s: Observable<Incoming>) => s.pipe(asResolved, flowMessages())],
    ['conversationEnd', (s: Observable<Incoming>) => s.pipe(asResolved, conversationEnd())],
    ['agentTyping', (s: Observable<Incoming>) => s.pipe(asResolved, agentTyping())],
  ])('%s', (_name, apply) => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<Incoming>('a b', { a: throwing(), b: throwing() });
      expectObservable(apply(source)).toBe('#', undefined, boom);
      expectSubscriptions(source.subscriptions).toBe('(^!)');
    });
  });
});
