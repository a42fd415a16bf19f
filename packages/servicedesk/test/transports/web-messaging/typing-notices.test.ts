import { VirtualTimeScheduler } from 'rxjs';
import { TypingNotices } from '../../../src/transports/web-messaging/typing-notices';

/** Typing notices against the session's 2 messages a second, on virtual time (ms). */
function notices(lastOnMessageAt = Number.NEGATIVE_INFINITY) {
  const scheduler = new VirtualTimeScheduler();
  const sent: number[] = [];
  let last = lastOnMessageAt;
  const t = new TypingNotices({
    relevantMs: 5000,
    scheduler,
    sendable: () => true,
    lastOnMessageAt: () => last,
    send: () => {
      last = scheduler.now();
      sent.push(last);
      return `typing-${sent.length}`;
    },
  });
  const at = (ms: number, what: () => void) => scheduler.schedule(what, ms);
  return { t, sent, at, run: () => scheduler.flush(), message: (ms: number) => at(ms, () => (last = ms)) };
}

describe('TypingNotices', () => {
  test('each time the desk asks, sent at once when the last second saw no other message (itself included), else at the next free slot', () => {
    const { t, sent, at, run } = notices();
    for (const ms of [0, 1000, 4999, 5000]) at(ms, () => t.typed());
    run();
    expect(sent).toEqual([0, 1000, 4999, 5999]);
  });

  test("right after a message, it waits until that message is a second old (the second slot is the next message's)", () => {
    const { t, sent, at, run, message } = notices();
    message(100);
    at(300, () => t.typed());
    message(600);
    run();
    expect(sent).toEqual([1600]);
  });

  test('refused with 429: sent again after retryAfter, unless by then it no longer describes the typing', () => {
    const again = notices();
    again.at(0, () => again.t.typed());
    again.at(10, () => expect(again.t.refused('typing-1', 429, 1)).toBe(true));
    again.run();
    expect(again.sent).toEqual([0, 1010]);

    const stale = notices();
    stale.at(0, () => stale.t.typed());
    stale.at(10, () => stale.t.refused('typing-1', 429, 6));
    stale.run();
    expect(stale.sent).toEqual([0]);
  });

  test("another request's refusal is not the notice's; a refusal other than 429 is not retried", () => {
    const { t, sent, at, run } = notices();
    at(0, () => t.typed());
    at(10, () => expect(t.refused('someone-else', 429, 1)).toBe(false));
    at(20, () => expect(t.refused('typing-1', 403, undefined)).toBe(true));
    run();
    expect(sent).toEqual([0]);
  });
});
