import { NEVER } from 'rxjs';
import type { ChatEvent } from '../../../src/chat-event';
import { wmEventPipeline } from '../../../src/transports/web-messaging/wm-event-pipeline';
import { bob, testScheduler, wm } from './marbles';

const T = (s: number) => `2026-12-04T10:00:${String(s).padStart(2, '0')}.000Z`;

describe('wmEventPipeline', () => {
  test('duplicates dropped, order restored, echoes silent, completes after chatEnded', () => {
    const passed: string[] = [];
    testScheduler().run(({ cold, expectObservable }) => {
      const hello = wm.agent('a1', 'Hello', { nickname: 'Bob' }, T(2));
      const greeting = wm.bot('b1', 'Hi there', T(1));
      const source = cold('a b c a 10ms d', {
        a: hello,
        b: greeting,
        c: wm.echo('e1', 'thanks', T(3)),
        d: wm.disconnect('d1', 'Human'),
      });
      const events$ = wmEventPipeline(source, { orderWindowMs: 5, onMessagePassed: (id) => passed.push(id) });
      expectObservable(events$).toBe('5ms (sjm) 9ms (e|)', {
        s: { type: 'systemMessage', id: 'b1', role: 'WORKFLOW', text: 'Hi there', timestamp: T(1) },
        j: { type: 'agentJoined', agent: bob },
        m: { type: 'agentMessage', id: 'a1', agent: bob, text: 'Hello', timestamp: T(2) },
        e: { type: 'chatEnded', by: 'agent' },
      });
    });
    // The resume point moves with every message passed on, the customer's own echo included.
    expect(passed).toEqual(['b1', 'a1', 'e1', 'd1']);
  });

  test("with the deployment's Markdown setting on, the agent's and the flow's messages are marked as Markdown", () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('(ab)', {
        a: wm.bot('b1', 'Hi **there**', T(1)),
        b: wm.agent('a1', '_Hello_', { nickname: 'Bob' }, T(2)),
      });
      const own = cold('10ms h', {
        h: {
          type: 'earlierMessages',
          messages: [
            { from: 'customer', id: 'c0', text: '**mine**', timestamp: T(0) },
            { from: 'system', id: 's0', text: '**before**', timestamp: T(0) },
          ],
        } satisfies ChatEvent,
      });
      expectObservable(wmEventPipeline(source, { orderWindowMs: 1, markdown: true, own$: own })).toBe('-(sjm) 4ms h', {
        s: { type: 'systemMessage', id: 'b1', role: 'WORKFLOW', text: 'Hi **there**', timestamp: T(1), markdown: true },
        j: { type: 'agentJoined', agent: bob },
        m: { type: 'agentMessage', id: 'a1', agent: bob, text: '_Hello_', timestamp: T(2), markdown: true },
        h: {
          type: 'earlierMessages',
          messages: [
            { from: 'customer', id: 'c0', text: '**mine**', timestamp: T(0) },
            { from: 'system', id: 's0', text: '**before**', timestamp: T(0), markdown: true },
          ],
        },
      });
    });
  });

  test('the connection’s own events join, and until$ ends the stream', () => {
    testScheduler().run(({ cold, hot, expectObservable }) => {
      const own = cold('q', { q: { type: 'queued' } as const });
      const until = hot('---x');
      expectObservable(wmEventPipeline(NEVER, { own$: own, until$: until })).toBe('q--|', { q: { type: 'queued' } });
    });
  });
});
