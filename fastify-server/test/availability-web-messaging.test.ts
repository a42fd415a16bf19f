import type { FastifyInstance } from 'fastify';
import { callControl } from 'genesys-handoff-emulator';
import { WmGuest } from 'genesys-handoff-emulator/test-helpers/web-messaging';
import {
  DEMO,
  OBSERVATIONS,
  addFault,
  clearFaults,
  startTestEmulator,
  testApp,
  upstreamCounts,
  type RunningEmulator,
} from './helpers';

/**
 * The place in line of a Web Messaging chat: its guest knows the ids of its own messages, never its conversation's,
 * so `POST /availability` takes a `message_id` and the middleware looks the conversation up at Genesys (the emulator
 * through the real Platform SDK).
 */

const DETAILS = 'GET /api/v2/conversations/messages/:messageId/details';
const AGENT = 'wm-agent';

let emu: RunningEmulator;
let app: FastifyInstance;
const guests: WmGuest[] = [];

beforeAll(async () => {
  emu = await startTestEmulator({
    queues: [{ id: DEMO.queueId, name: DEMO.queueName, averageHandleSeconds: 60 }],
    agents: [{ id: AGENT, name: 'Alex Agent', queueIds: [DEMO.queueId] }],
  });
  app = await testApp(emu, {
    GENESYS_CHANNEL: 'web-messaging',
    DEPLOYMENT_ID: DEMO.messengerDeploymentId,
    AVAILABILITY_QUEUES: DEMO.queueName,
    // Queue figures a quarter second old at most, so the line moving shows in the answers quickly.
    AVAILABILITY_REFRESH_INTERVAL_MS: '250',
    AVAILABILITY_MAX_STALENESS_MS: '1000',
    // The tests poll for the place in line; the per-address limit is not what they test.
    RATE_LIMIT_MAX: '100000',
  });
});

afterAll(async () => {
  guests.forEach((g) => g.close());
  await app?.close();
  await emu?.close();
});

/** A new Web Messaging chat, waiting in the queue; resolves with the id of its first message (the Join's echo). */
async function waitingChat(): Promise<{ guest: WmGuest; messageId: string; conversationId: string }> {
  const guest = await WmGuest.open(emu);
  guests.push(guest);
  await guest.configure();
  const joined = await guest.join();
  const messageId = String(joined.body.id);
  const conversationId = emu.engine.waiting(DEMO.queueId, 'message').at(-1)!.id;
  return { guest, messageId, conversationId };
}

const ask = (payload: Record<string, unknown>) =>
  app.inject({ method: 'POST', url: '/availability', payload: { queue_name: DEMO.queueName, ...payload } });

/** Asks until the chat's place is `expected` (bounded): the queue figures refresh on their own pace. */
async function placeBecomes(messageId: string, expected: (p: number | null) => boolean): Promise<void> {
  let last: unknown;
  for (let i = 0; i < 400; i += 1) {
    last = (await ask({ message_id: messageId })).json().positionInQueue;
    if (expected(last as number | null)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`the place in line stayed ${String(last)}`);
}

const lookups = async () => (await upstreamCounts(emu))[DETAILS] ?? 0;

describe('POST /availability with message_id (Web Messaging)', () => {
  it('gives each chat its place from a message of it, looks each message up once, and never shows the conversation id', async () => {
    const first = await waitingChat();
    const second = await waitingChat();
    const before = await lookups();

    const a = await ask({ message_id: second.messageId });
    expect(a.statusCode).toBe(200);
    expect(a.json()).toMatchObject({ positionInQueue: 2, waitingInQueue: 2 });
    expect(a.body).not.toContain(second.conversationId);
    expect((await ask({ message_id: first.messageId })).json().positionInQueue).toBe(1);
    // A later message of the same chat names the same conversation.
    const text = await first.guest.text('Still there?');
    expect((await ask({ message_id: String(text.body.id) })).json().positionInQueue).toBe(1);
    expect(await lookups()).toBe(before + 3);

    // The mapping never changes: asking again costs no lookup.
    for (let i = 0; i < 3; i++) await ask({ message_id: second.messageId });
    expect(await lookups()).toBe(before + 3);

    // The first chat is answered; the second moves up as the line moves.
    await callControl(emu.controlUrl, 'POST', `/chats/${first.conversationId}/accept`, { agentId: AGENT });
    await placeBecomes(second.messageId, (p) => p === 1);
  });

  it('back in the queue after an agent, the chat has a place in line again', async () => {
    const chat = await waitingChat();
    await callControl(emu.controlUrl, 'POST', `/chats/${chat.conversationId}/accept`, { agentId: AGENT });
    await placeBecomes(chat.messageId, (p) => p === null);
    await callControl(emu.controlUrl, 'POST', `/chats/${chat.conversationId}/transfer`, { toQueue: DEMO.queueName });
    await placeBecomes(chat.messageId, (p) => typeof p === 'number' && p >= 1);
  });

  it('an id Genesys has no message for is "no place", the same 200 as any other; it is not looked up again at once', async () => {
    const before = await lookups();
    const unknown = '0123456789abcdef0123456789abcdef';
    const res = await ask({ message_id: unknown });
    expect(res.statusCode).toBe(200);
    expect(res.json().positionInQueue).toBeNull();
    await ask({ message_id: unknown });
    expect(await lookups()).toBe(before + 1);
  });

  // Before the 429 test, whose 30 s pause of lookups outlasts this file.
  it('a garbled lookup answer (200 with HTML or null) is "no place" for now, not "no such message": the next ask finds the place', async () => {
    for (const body of ['<html>gateway</html>', 'null', '{"conversationId": 7}']) {
      // A chat of its own each time: a found conversation is remembered for good.
      const chat = await waitingChat();
      await addFault(emu, { endpoint: DETAILS, body, times: 1 });
      const res = await ask({ message_id: chat.messageId });
      expect(res.statusCode).toBe(200);
      expect(res.json().positionInQueue).toBeNull();
      await placeBecomes(chat.messageId, (p) => p !== null);
    }
  });

  it('a failing lookup (429) is "no place" for now, and lookups pause as long as Genesys asks', async () => {
    const chat = await waitingChat();
    const before = await upstreamCounts(emu);
    await addFault(emu, { endpoint: DETAILS, status: 429, retryAfterSeconds: 30, times: 1 });
    try {
      const res = await ask({ message_id: chat.messageId });
      expect(res.statusCode).toBe(200);
      expect(res.json().positionInQueue).toBeNull();
      // Paused: the next asks reach Genesys for the queue figures only, not for the message.
      await ask({ message_id: chat.messageId });
      const after = await upstreamCounts(emu);
      expect((after[DETAILS] ?? 0) - (before[DETAILS] ?? 0)).toBe(1);
      expect(after[OBSERVATIONS]).toBeGreaterThanOrEqual(before[OBSERVATIONS] ?? 0);
    } finally {
      await clearFaults(emu);
    }
  });

  it('refuses ids that are not Genesys ids, and conversation_id with message_id together (400)', async () => {
    for (const message_id of ['', 'a b', '../x', 'x'.repeat(65), 42]) {
      const res = await ask({ message_id });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
    }
    const both = await ask({ message_id: 'abc', conversation_id: 'def' });
    expect(both.statusCode).toBe(400);
    expect(both.json().code).toBe('VALIDATION_FAILED');
  });
});
