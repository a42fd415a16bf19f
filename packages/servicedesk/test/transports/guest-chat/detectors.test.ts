import { EMPTY, map, of, throwError } from 'rxjs';
import { chatEventPipeline } from '../../../src/transports/guest-chat/chat-event-pipeline';
import { agentMessages } from '../../../src/transports/guest-chat/detectors/agent-messages';
import { chatEnd } from '../../../src/transports/guest-chat/detectors/chat-end';
import { lookupMembers } from '../../../src/transports/guest-chat/detectors/lookup-members';
import { memberChanges } from '../../../src/transports/guest-chat/detectors/member-changes';
import { transferDetection } from '../../../src/transports/guest-chat/detectors/transfer-detection';
import { typing } from '../../../src/transports/guest-chat/detectors/typing';
import { SELF, agent, enriched, ev, member, raw, testScheduler } from './marbles';

describe('lookupMembers', () => {
  test('looks each member up once, in order, and resolves the guest without a call', () => {
    testScheduler().run(({ cold, expectObservable, flush }) => {
      const calls: string[] = [];
      const lookup = (id: string) => {
        calls.push(id);
        return cold('--(a|)', { a: id === member.alex.id ? member.alex : member.acd });
      };
      const values = {
        a: raw.change(member.acd.id, 'CONNECTED'),
        b: raw.change(member.alex.id, 'ALERTING'),
        c: raw.message('m', member.alex.id),
        g: raw.message('g', SELF),
      };
      const out = cold('abcg|', values).pipe(lookupMembers({ selfId: SELF, lookup }));
      expectObservable(out).toBe('--x-(yzw|)', {
        x: enriched.change(member.acd, 'CONNECTED'),
        y: enriched.change(member.alex, 'ALERTING'),
        z: enriched.message('m', member.alex),
        w: enriched.message('g', member.guest),
      });
      flush();
      expect(calls).toEqual([member.acd.id, member.alex.id]);
    });
  });

  test('a failed lookup gives a fallback (ALERTING/CONNECTED taken for an agent) and is tried again next time', () => {
    testScheduler().run(({ cold, expectObservable, flush }) => {
      let n = 0;
      const errors: string[] = [];
      const lookup = (id: string) => (++n === 1 ? throwError(() => new Error('503')) : of({ ...member.alex, id }));
      const values = { a: raw.change('agent-x', 'ALERTING'), b: raw.message('m', 'agent-x') };
      expectObservable(
        cold('ab|', values).pipe(lookupMembers({ selfId: SELF, lookup, onLookupError: (id) => errors.push(id) })),
      ).toBe('ab|', {
        a: enriched.change({ id: 'agent-x', role: 'AGENT', fallback: true }, 'ALERTING'),
        b: enriched.message('m', { ...member.alex, id: 'agent-x' }),
      });
      flush();
      expect(errors).toEqual(['agent-x']);
    });
  });

  test('onPassed sees every frame as it is passed on, in order, fallbacks included', () => {
    testScheduler().run(({ cold, flush }) => {
      const passed: string[] = [];
      const lookup = (id: string) =>
        id === 'agent-x' ? throwError(() => new Error('503')) : cold('--(a|)', { a: member.alex });
      const values = {
        a: raw.message('m1', SELF),
        b: raw.message('m2', member.alex.id),
        c: raw.message('m3', SELF),
        d: raw.typing('t1', 'agent-x'),
      };
      const out: string[] = [];
      cold('abcd|', values)
        .pipe(
          lookupMembers({
            selfId: SELF,
            lookup,
            onPassed: (f) => passed.push(`${f.kind === 'member-change' ? f.memberId : f.id}`),
          }),
        )
        .subscribe((f) => out.push(f.kind === 'member-change' ? f.memberId : f.id));
      flush();
      expect(passed).toEqual(['m1', 'm2', 'm3', 't1']);
      expect(out).toEqual(passed);
    });
  });
});

describe('agentMessages', () => {
  test('agent text and notices pass; own echoes, joins and empty bodies do not; flow and queue are system messages', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const values = {
        a: enriched.message('1', member.alex, 'Hello'),
        b: enriched.message('2', member.guest, 'my own echo'),
        c: enriched.message('3', member.alex, '', 'member-join'),
        d: enriched.message('4', member.flow, 'Finding an agent', 'notice'),
        e: enriched.message('5', member.blair, 'Second agent'),
        f: enriched.message('6', { id: 'who', role: 'UNKNOWN', fallback: true }, 'Still shown'),
        g: enriched.message('7', member.alex, '   '),
        h: enriched.change(member.alex, 'CONNECTED'),
      };
      expectObservable(cold('abcdefgh|', values).pipe(agentMessages(SELF))).toBe('a--def--|', {
        a: { type: 'agentMessage', id: '1', agent: agent(member.alex), text: 'Hello', timestamp: expect.any(String) },
        d: {
          type: 'systemMessage',
          id: '4',
          role: 'WORKFLOW',
          text: 'Finding an agent',
          timestamp: expect.any(String),
        },
        e: {
          type: 'agentMessage',
          id: '5',
          agent: agent(member.blair),
          text: 'Second agent',
          timestamp: expect.any(String),
        },
        f: {
          type: 'agentMessage',
          id: '6',
          agent: { id: 'who', nickname: 'Agent' },
          text: 'Still shown',
          timestamp: expect.any(String),
        },
      });
    });
  });
});

describe('typing', () => {
  const on = (m = member.alex) => ({ type: 'agentTyping', agent: agent(m), typing: true });
  const off = (m = member.alex) => ({ type: 'agentTyping', agent: agent(m), typing: false });

  test('shown for 4 s, restarted by a repeat', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const values = { t: enriched.typing('1', member.alex), u: enriched.typing('2', member.alex) };
      const out = cold('t 2s u', values).pipe(typing({ selfId: SELF, scheduler: undefined }));
      expectObservable(out).toBe('a 2s - 3999ms b', { a: on(), b: off() });
    });
  });

  test('cleared at once by that member’s message or departure, not by another member’s', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const values = {
        t: enriched.typing('1', member.alex),
        b: enriched.message('2', member.blair, 'other'),
        m: enriched.message('3', member.alex, 'done'),
        s: enriched.typing('4', member.alex),
        l: enriched.change(member.alex, 'DISCONNECTED'),
      };
      expectObservable(cold('t 100ms b 100ms m 100ms s 100ms l', values).pipe(typing({ selfId: SELF }))).toBe(
        'a 100ms - 100ms c 100ms d 100ms e',
        {
          a: on(),
          c: off(),
          d: on(),
          e: off(),
        },
      );
    });
  });

  test('ignores the guest’s own echo, the flow and the queue; a message with no typing before clears nothing', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const values = {
        g: enriched.typing('1', member.guest),
        f: enriched.typing('2', member.flow),
        q: enriched.typing('3', member.acd),
        m: enriched.message('4', member.alex),
      };
      expectObservable(cold('gfqm|', values).pipe(typing({ selfId: SELF }))).toBe('----|');
    });
  });

  test('typing again soon after a message: shown for the full time from the new typing, then off once; no timer left', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const values = {
        t: enriched.typing('1', member.alex),
        m: enriched.message('2', member.alex, 'hi'),
        u: enriched.typing('3', member.alex),
      };
      // on at 0, off at 1 s (message), on again at 3 s: the timer of the first indicator (due at 4 s) finds the second
      // one on and waits for the rest; off at 7 s, then the stream completes.
      const source = cold('t 999ms m 1999ms u 10ms |', values);
      expectObservable(source.pipe(typing({ selfId: SELF }))).toBe('a 999ms b 1999ms c 3999ms (d|)', {
        a: on(),
        b: off(),
        c: on(),
        d: off(),
      });
    });
  });

  test('two agents type independently', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const values = { a: enriched.typing('1', member.alex), b: enriched.typing('2', member.blair) };
      expectObservable(cold('a 1s b', values).pipe(typing({ selfId: SELF, expiryMs: 2000 }))).toBe(
        'x 1s y 998ms z 1000ms w',
        { x: on(), y: on(member.blair), z: off(), w: off(member.blair) },
      );
    });
  });
});

describe('memberChanges', () => {
  test('emits transitions only: a repeated CONNECTED (agent switching focus) is dropped', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const values = {
        a: enriched.change(member.alex, 'ALERTING'),
        b: enriched.change(member.alex, 'CONNECTED'),
        c: enriched.change(member.alex, 'CONNECTED'),
        d: enriched.change(member.guest, 'DISCONNECTED'),
        m: enriched.message('1', member.alex),
      };
      expectObservable(cold('abcmd|', values).pipe(memberChanges(SELF))).toBe('ab--d|', {
        a: ev('alerting', member.alex),
        b: ev('joined', member.alex),
        d: ev('left', member.guest),
      });
    });
  });

  test('keeps the states per subscription: a second subscriber sees the same transitions', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const values = { a: enriched.change(member.alex, 'CONNECTED'), b: enriched.change(member.alex, 'CONNECTED') };
      const changes = cold('ab|', values).pipe(memberChanges(SELF));
      expectObservable(changes).toBe('a-|', { a: ev('joined', member.alex) });
      expectObservable(changes).toBe('a-|', { a: ev('joined', member.alex) });
    });
  });
});

describe('transferDetection', () => {
  const grace = { graceMs: 1000 };

  test('first routing: queued, then the agent joins (an alert is not a transfer)', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const values = {
        q: ev('joined', member.acd),
        a: ev('alerting', member.alex),
        j: ev('joined', member.alex),
        l: ev('left', member.acd),
      };
      expectObservable(cold('qajl|', values).pipe(transferDetection(grace))).toBe('q-j-|', {
        q: { type: 'queued' },
        j: { type: 'agentJoined', agent: agent(member.alex) },
      });
    });
  });

  test('transfer, old agent leaves first: transferStarted, agentLeft, agentJoined', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const values = {
        j: ev('joined', member.alex),
        l: ev('left', member.alex),
        a: ev('alerting', member.blair),
        k: ev('joined', member.blair),
      };
      expectObservable(cold('j 10ms l 10ms a 10ms k', values).pipe(transferDetection(grace))).toBe(
        'j 10ms - 10ms (tx) 7ms k',
        {
          j: { type: 'agentJoined', agent: agent(member.alex) },
          t: { type: 'transferStarted', to: agent(member.blair) },
          x: { type: 'agentLeft', agent: agent(member.alex) },
          k: { type: 'agentJoined', agent: agent(member.blair) },
        },
      );
    });
  });

  test('transfer, new agent alerted first: the same three events in the same order', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const values = {
        j: ev('joined', member.alex),
        a: ev('alerting', member.blair),
        l: ev('left', member.alex),
        k: ev('joined', member.blair),
      };
      expectObservable(cold('j 10ms a 10ms l 10ms k', values).pipe(transferDetection(grace))).toBe(
        'j 10ms t 10ms x 10ms k',
        {
          j: { type: 'agentJoined', agent: agent(member.alex) },
          t: { type: 'transferStarted', to: agent(member.blair) },
          x: { type: 'agentLeft', agent: agent(member.alex) },
          k: { type: 'agentJoined', agent: agent(member.blair) },
        },
      );
    });
  });

  test('transfer back to the queue: transferStarted (no agent), agentLeft, queued', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const values = { j: ev('joined', member.alex), l: ev('left', member.alex), q: ev('joined', member.acd) };
      expectObservable(cold('j 10ms l 10ms q', values).pipe(transferDetection(grace))).toBe('j 10ms - 10ms (txq)', {
        j: { type: 'agentJoined', agent: agent(member.alex) },
        t: { type: 'transferStarted' },
        x: { type: 'agentLeft', agent: agent(member.alex) },
        q: { type: 'queued' },
      });
    });
  });

  test('agent leaves and nothing follows: agentLeft after the grace time', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const values = { j: ev('joined', member.alex), l: ev('left', member.alex) };
      expectObservable(cold('j 10ms l', values).pipe(transferDetection(grace))).toBe('j 10ms 1000ms x', {
        j: { type: 'agentJoined', agent: agent(member.alex) },
        x: { type: 'agentLeft', agent: agent(member.alex) },
      });
    });
  });

  test('agent leaves and the guest follows (agent ended the chat): no agentLeft at all', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const values = { j: ev('joined', member.alex), l: ev('left', member.alex), g: ev('left', member.guest) };
      expectObservable(cold('j 10ms l 10ms g 2000ms |', values).pipe(transferDetection(grace))).toBe('j 2022ms |', {
        j: { type: 'agentJoined', agent: agent(member.alex) },
      });
    });
  });

  test('an alerted agent who never answers, then another: no transfer before anyone joined', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const values = {
        a: ev('alerting', member.alex),
        l: ev('left', member.alex),
        b: ev('alerting', member.blair),
        k: ev('joined', member.blair),
      };
      expectObservable(cold('albk|', values).pipe(transferDetection(grace))).toBe('---k|', {
        k: { type: 'agentJoined', agent: agent(member.blair) },
      });
    });
  });

  test('a second chat after a transfer cycle starts clean (state lives in the subscription)', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const op = transferDetection(grace);
      const values = { j: ev('joined', member.alex), k: ev('joined', member.blair) };
      expectObservable(cold('jk 5ms |', values).pipe(op)).toBe('j(tk) 2ms |', {
        j: { type: 'agentJoined', agent: agent(member.alex) },
        t: { type: 'transferStarted', to: agent(member.blair) },
        k: { type: 'agentJoined', agent: agent(member.blair) },
      });
      expectObservable(cold('k|', values).pipe(op)).toBe('k|', {
        k: { type: 'agentJoined', agent: agent(member.blair) },
      });
    });
  });
});

describe('chatEnd', () => {
  test('agent leaves, then the guest: ended by the agent', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const values = { j: ev('joined', member.alex), l: ev('left', member.alex), g: ev('left', member.guest) };
      expectObservable(cold('j 5ms l 5ms g', values).pipe(chatEnd({ graceMs: 1000 }))).toBe('- 5ms - 5ms (e|)', {
        e: { type: 'chatEnded', by: 'agent' },
      });
    });
  });

  test('guest removed while the agent is still connected (inactivity): ended by the system', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const values = { j: ev('joined', member.alex), g: ev('left', member.guest), l: ev('left', member.alex) };
      expectObservable(cold('jgl|', values).pipe(chatEnd())).toBe('-(e|)', { e: { type: 'chatEnded', by: 'system' } });
    });
  });

  test('an agent who left long before does not make it an agent end', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const values = { j: ev('joined', member.alex), l: ev('left', member.alex), g: ev('left', member.guest) };
      expectObservable(cold('j l 5s g', values).pipe(chatEnd({ graceMs: 1000 }))).toBe('- - 5s (e|)', {
        e: { type: 'chatEnded', by: 'system' },
      });
    });
  });

  test('the guest’s own DELETE: ended by the guest', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const values = { j: ev('joined', member.alex), g: ev('left', member.guest) };
      expectObservable(cold('jg', values).pipe(chatEnd({ guestEnding: () => true }))).toBe('-(e|)', {
        e: { type: 'chatEnded', by: 'guest' },
      });
    });
  });
});

describe('chatEventPipeline', () => {
  const lookup = (id: string) => of(Object.values(member).find((m) => m.id === id) ?? { id, role: 'UNKNOWN' as const });

  test('ends with the chat: chatEnded is passed on, then the stream completes, while a typing indicator and the socket status are still live', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const frames = cold('a t 5ms g', {
        a: raw.change(member.alex.id, 'CONNECTED'),
        t: raw.typing('t1', member.alex.id),
        g: raw.change(SELF, 'DISCONNECTED'),
      });
      const status = hot('o', { o: 'open' as const });
      const out = chatEventPipeline(frames, { selfId: SELF, lookup, status$: status }).pipe(
        map((e) => (e.type === 'chatEnded' ? `${e.type}:${e.by}` : e.type)),
      );
      expectObservable(out).toBe('j y 5ms (e|)', { j: 'agentJoined', y: 'agentTyping', e: 'chatEnded:system' });
      // Everything upstream is let go at the end: the frames and the socket status.
      expectSubscriptions(frames.subscriptions).toBe('^ - 5ms !');
      expectSubscriptions(status.subscriptions).toBe('^ - 5ms !');
    });
  });

  test('until$ ends the stream early, letting go of the frames and the socket status; an until$ that already ended ends it at once', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const frames = cold('a t 5ms m', {
        a: raw.change(member.alex.id, 'CONNECTED'),
        t: raw.typing('t1', member.alex.id),
        m: raw.message('m1', member.alex.id, 'late'),
      });
      const status = hot('o', { o: 'open' as const });
      const until = hot('--- x', { x: undefined });
      const out = chatEventPipeline(frames, { selfId: SELF, lookup, status$: status, until$: until }).pipe(
        map((e) => e.type),
      );
      expectObservable(out).toBe('j y - |', { j: 'agentJoined', y: 'agentTyping' });
      expectSubscriptions(frames.subscriptions).toBe('^ - - !');
      expectSubscriptions(status.subscriptions).toBe('^ - - !');

      const frames2 = cold('a', { a: raw.change(member.alex.id, 'CONNECTED') });
      const out2 = chatEventPipeline(frames2, { selfId: SELF, lookup, until$: EMPTY });
      expectObservable(out2).toBe('|');
      expectSubscriptions(frames2.subscriptions).toBe([]);
    });
  });
});
