import { VirtualTimeScheduler } from 'rxjs';
import { ServiceDeskError } from '../../../src/errors';
import type { WmFrame } from '../../../src/transports/web-messaging/frames';
import { ANSWER_TIMEOUT_MS, RequestMatcher } from '../../../src/transports/web-messaging/request-matcher';

const pong: WmFrame = { kind: 'pong' };

function matcher() {
  const scheduler = new VirtualTimeScheduler();
  const unanswered: string[] = [];
  const sent: string[] = [];
  const m = new RequestMatcher({ scheduler, onUnanswered: (why) => unanswered.push(why) });
  const advanceTo = (ms: number) => {
    scheduler.maxFrames = ms;
    scheduler.flush();
  };
  return { m, scheduler, unanswered, sent, advanceTo };
}

describe('RequestMatcher (tracingId in, the answer out)', () => {
  test('a request resolves with the frame that carries its tracingId; other ids are not its answer', async () => {
    const { m, sent } = matcher();
    const answer = m.request((id) => sent.push(id), 'getJwt');
    expect(m.settle('someone-else', pong)).toBe(false);
    expect(m.settle(sent[0]!, pong)).toBe(true);
    await expect(answer).resolves.toBe(pong);
    expect(m.settle(sent[0]!, pong)).toBe(false);
  });

  test('not answered within ANSWER_TIMEOUT_MS: reported once (the socket is suspect); answered in time: never', () => {
    const { m, sent, unanswered, advanceTo, scheduler } = matcher();
    m.request((id) => sent.push(id), 'a message').catch(() => undefined);
    void m.request((id) => sent.push(id), 'getJwt');
    m.settle(sent[1]!, pong);
    advanceTo(ANSWER_TIMEOUT_MS - 1);
    expect(unanswered).toEqual([]);
    advanceTo(ANSWER_TIMEOUT_MS);
    expect(unanswered).toEqual([`a message was not answered within ${ANSWER_TIMEOUT_MS} ms`]);
    m.failAll(new Error('gone'));
    expect(scheduler.actions).toHaveLength(0);
  });

  test('a watched heartbeat: its answer in time says nothing; a second watch replaces the first', () => {
    const { m, unanswered, advanceTo, scheduler } = matcher();
    const settled: boolean[] = [];
    m.watch('hb', 'the heartbeat echo');
    scheduler.schedule(() => m.watch('hb', 'the heartbeat echo'), 1000);
    scheduler.schedule(() => settled.push(m.settle('hb', pong)), ANSWER_TIMEOUT_MS + 999);
    advanceTo(60_000);
    expect(settled).toEqual([true]);
    expect(unanswered).toEqual([]);
  });

  test('the socket goes: every waiting request fails with the reason, and its timer is gone', async () => {
    const { m, scheduler } = matcher();
    const a = m.request(() => undefined, 'a message');
    const b = m.request(() => undefined, 'onAttachment');
    const lost = new ServiceDeskError('SOCKET_FAILED', 'the connection was lost');
    m.failAll(lost);
    await expect(a).rejects.toBe(lost);
    await expect(b).rejects.toBe(lost);
    expect(scheduler.actions).toHaveLength(0);
  });
});
