import { ServiceDeskError } from '../src/errors';
import { Outbox } from '../src/service-desk/outbox';

/**
 * The outbox alone, on a send function the test controls: the customer's messages go in the order written, wait while
 * the connection is away, keep their id across attempts, and fail only for good reasons.
 */

const away = () => new ServiceDeskError('SOCKET_FAILED', 'the chat is reconnecting');

/** A channel whose connection the test takes away and gives back; it records what reached Genesys, with the ids. */
class Channel {
  up = true;
  over = false;
  readonly received: string[] = [];
  readonly attempts: Array<{ text: string; id: string }> = [];
  send = async (text: string, id: string): Promise<void> => {
    this.attempts.push({ text, id });
    await Promise.resolve();
    if (this.over) throw new ServiceDeskError('NO_CHAT', 'the chat is over');
    if (!this.up) throw away();
    this.received.push(text);
  };
}

/** Settles pending promise callbacks and the outbox's short pauses. */
const settle = () => new Promise<void>((r) => setTimeout(r, 30));

async function state(p: Promise<void>): Promise<'pending' | 'sent' | 'failed'> {
  return Promise.race([
    p.then(
      () => 'sent' as const,
      () => 'failed' as const,
    ),
    settle().then(() => 'pending' as const),
  ]);
}

function outbox(channel: Channel, extra: Partial<ConstructorParameters<typeof Outbox>[0]> = {}) {
  // A pause far longer than any test: only `wake` lets held messages go, unless a test says otherwise.
  return new Outbox({ send: channel.send, backoff: { initialMs: 60_000, maxMs: 60_000, jitter: 0 }, ...extra });
}

test('messages go out one after the other, in the order written', async () => {
  const channel = new Channel();
  const box = outbox(channel);
  await Promise.all(['one', 'two', 'three'].map((t) => box.post(t)));
  expect(channel.received).toEqual(['one', 'two', 'three']);
});

test('written while the connection is away: pending, the customer told once, then sent in order when it is back', async () => {
  const channel = new Channel();
  let held = 0;
  const box = outbox(channel, { onHeld: () => held++ });
  channel.up = false;
  const first = box.post('first while away');
  const second = box.post('second while away');
  expect(await state(first)).toBe('pending');
  expect(await state(second)).toBe('pending');
  expect(box.waiting).toBe(2);
  expect(held).toBe(1);

  channel.up = true;
  box.wake();
  await Promise.all([first, second]);
  expect(channel.received).toEqual(['first while away', 'second while away']);
  // Every attempt at a message carries the same id, so a channel can tell a message it already has.
  const ids = new Map<string, Set<string>>();
  for (const a of channel.attempts) ids.set(a.text, (ids.get(a.text) ?? new Set()).add(a.id));
  expect([...ids.values()].map((s) => s.size)).toEqual([1, 1]);
  expect(new Set(channel.attempts.map((a) => a.id)).size).toBe(2);

  // A later outage is told again.
  channel.up = false;
  const third = box.post('third');
  expect(await state(third)).toBe('pending');
  expect(held).toBe(2);
  channel.up = true;
  box.wake();
  await third;
  expect(channel.received).toEqual(['first while away', 'second while away', 'third']);
});

test('without a wake, a held message is tried again after the backoff', async () => {
  const channel = new Channel();
  const box = new Outbox({ send: channel.send, backoff: { initialMs: 5, maxMs: 5 } });
  channel.up = false;
  const sent = box.post('retried');
  expect(await state(sent)).toBe('pending');
  channel.up = true;
  await sent;
  expect(channel.received).toEqual(['retried']);
});

test('a rate limit (429) that reaches the outbox fails that message at once: the transport alone retries 429 (rate-limit.ts)', async () => {
  let tries = 0;
  const box = new Outbox({
    send: async (text) => {
      if (++tries === 1 && text === 'limited')
        throw new ServiceDeskError('GENESYS_UNAVAILABLE', '429', { status: 429, retryAfterMs: 1000 });
    },
    backoff: { initialMs: 1, maxMs: 1 },
  });
  const limited = box.post('limited');
  const next = box.post('next');
  await expect(limited).rejects.toMatchObject({ status: 429 });
  await next;
  expect(tries).toBe(2);
});

test('a refused message fails alone; the ones after it still go', async () => {
  const received: string[] = [];
  const box = new Outbox({
    send: async (text) => {
      if (text === 'too long') throw new ServiceDeskError('MESSAGE_TOO_LONG', 'refused');
      received.push(text);
    },
  });
  const results = await Promise.allSettled(['before', 'too long', 'after'].map((t) => box.post(t)));
  expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  expect(received).toEqual(['before', 'after']);
});

test('the chat ended while messages waited: every waiting one fails, the owner is told once, later posts fail', async () => {
  const channel = new Channel();
  const over: Error[] = [];
  const box = outbox(channel, { chatOver: (e) => over.push(e) });
  channel.up = false;
  const waiting = [box.post('a'), box.post('b')];
  expect(await state(waiting[0]!)).toBe('pending');
  channel.over = true;
  box.wake();
  const results = await Promise.allSettled(waiting);
  expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  expect(over).toHaveLength(1);
  expect(channel.received).toEqual([]);
  await expect(box.post('c')).rejects.toMatchObject({ code: 'NO_CHAT' });
});

test('closing fails what waits and says how many', async () => {
  const channel = new Channel();
  const box = outbox(channel);
  channel.up = false;
  const waiting = [box.post('x'), box.post('y')];
  expect(await state(waiting[1]!)).toBe('pending');
  expect(box.close(new ServiceDeskError('NO_CHAT', 'closed'))).toBe(2);
  expect((await Promise.allSettled(waiting)).map((r) => r.status)).toEqual(['rejected', 'rejected']);
  expect(box.close(new ServiceDeskError('NO_CHAT', 'closed'))).toBe(0);
});
