import { MessageConversations } from './message-conversations';

/** The lookup with a scripted platform: a cache bound, a minute's cap and a clock the emulator cannot give on demand. */

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined };

function setup(options: { maxEntries?: number; lookupsPerMinute?: number } = {}) {
  let t = 1_000_000;
  const asked: string[] = [];
  const pending = new Map<string, () => void>();
  let hold = false;
  const platform = {
    messageConversationId: async (messageId: string) => {
      asked.push(messageId);
      if (hold) await new Promise<void>((resolve) => pending.set(messageId, resolve));
      return messageId.startsWith('m-') ? `c-${messageId.slice(2)}` : null;
    },
  };
  const lookup = new MessageConversations({ platform, logger: silent, now: () => t, ...options });
  return {
    lookup,
    asked,
    advance: (ms: number) => void (t += ms),
    holdAnswers: () => void (hold = true),
    release: (id: string) => pending.get(id)?.(),
  };
}

test('keeps at most maxEntries answers, forgetting the least recently used first', async () => {
  const { lookup, asked } = setup({ maxEntries: 2 });
  expect(await lookup.conversationOf('m-1')).toBe('c-1');
  expect(await lookup.conversationOf('m-2')).toBe('c-2');
  // m-1 used again: m-2 is now the least recently used.
  expect(await lookup.conversationOf('m-1')).toBe('c-1');
  expect(await lookup.conversationOf('m-3')).toBe('c-3');
  expect(asked).toEqual(['m-1', 'm-2', 'm-3']);
  await lookup.conversationOf('m-1');
  await lookup.conversationOf('m-2');
  expect(asked).toEqual(['m-1', 'm-2', 'm-3', 'm-2']);
});

test('concurrent asks for one message share one lookup', async () => {
  const { lookup, asked, holdAnswers, release } = setup();
  holdAnswers();
  const answers = Promise.all([lookup.conversationOf('m-7'), lookup.conversationOf('m-7')]);
  await new Promise((r) => setImmediate(r));
  release('m-7');
  expect(await answers).toEqual(['c-7', 'c-7']);
  expect(asked).toEqual(['m-7']);
});

test('no more than lookupsPerMinute lookups a minute: past the cap the answer is "unknown" without a call', async () => {
  const { lookup, asked, advance } = setup({ lookupsPerMinute: 2 });
  await lookup.conversationOf('m-1');
  await lookup.conversationOf('m-2');
  expect(await lookup.conversationOf('m-3')).toBeNull();
  expect(asked).toEqual(['m-1', 'm-2']);
  // Known answers are still given; a minute later lookups go out again.
  expect(await lookup.conversationOf('m-1')).toBe('c-1');
  advance(60_001);
  expect(await lookup.conversationOf('m-3')).toBe('c-3');
});

test('"no such message" is kept for 30 s, then asked again', async () => {
  const { lookup, asked, advance } = setup();
  expect(await lookup.conversationOf('x-1')).toBeNull();
  advance(29_000);
  expect(await lookup.conversationOf('x-1')).toBeNull();
  expect(asked).toEqual(['x-1']);
  advance(2_000);
  await lookup.conversationOf('x-1');
  expect(asked).toEqual(['x-1', 'x-1']);
});
