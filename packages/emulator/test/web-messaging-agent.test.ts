import { randomUUID } from 'node:crypto';
import { DEMO, startEmulator, type RunningEmulator } from '../src';
import { queuedChat } from './guest-chat-helpers';
import { control } from './helpers';
import { PNG_1X1, WmGuest, isEvent, isOutboundText, keys, type WmFrame } from './web-messaging-helpers';
import {
  R18_AGENT_ATTACHMENT,
  R20_TYPING,
  R21_EXPIRED,
  R2_DISCONNECT_READ_ONLY,
  R6_DISCONNECT,
  R7_TOO_MANY,
} from './web-messaging-samples';

/**
 * The agent's side of Web Messaging through the control API, as the guest's socket sees it; the fault knobs; the
 * Platform API's view of messaging conversations (media type `message`, beside `chat`).
 */

const QUEUE2 = { id: '8f7e6d5c-4b3a-4291-8f7e-6d5c4b3a2910', name: 'Second Queue' };
let emu: RunningEmulator;
const guests: WmGuest[] = [];
let alex: string;
let blair: string;

beforeAll(async () => {
  emu = await startEmulator({
    port: 0,
    queues: [{ id: DEMO.queueId, name: DEMO.queueName }, QUEUE2],
    messengerDeployments: [
      { id: DEMO.messengerDeploymentId, flow: { botName: 'Bot', greeting: 'Hello', queue: DEMO.queueId } },
    ],
  });
  [alex, blair] = emu.options.agents.map((a) => a.id) as [string, string];
});
afterAll(async () => {
  for (const g of guests) g.close();
  await emu.close();
});
afterEach(async () => {
  await control(emu, 'PUT', '/settings', { messagingOutOfOrderWindowMs: 0, messagingDuplicateEchoes: false });
  // Every test starts with a fresh 2-per-second budget.
  await control(emu, 'POST', '/clock', { advanceMs: 1000 });
});

interface Chat {
  id: string;
  media: string;
  state: string;
  agent: { name: string } | null;
  messaging: { sessionId: string; readOnly: boolean; disconnect: string } | null;
  messages: Array<{ body: string; senderRole: string; attachments?: Array<Record<string, unknown>> }>;
}

/** A guest whose conversation is queued (Join, greeting). */
async function queued(): Promise<{ g: WmGuest; chatId: string }> {
  const g = await WmGuest.open(emu);
  guests.push(g);
  await g.configure();
  await g.join();
  await g.waitFor(isOutboundText('Hello'));
  const s = (await control<{ conversationId: string }>(emu, 'GET', `/messaging/sessions/${g.token}`)).body;
  return { g, chatId: s.conversationId };
}

async function connected(agentId = alex) {
  const q = await queued();
  const r = await control<Chat>(emu, 'POST', `/chats/${q.chatId}/accept`, { agentId });
  expect(r.status).toBe(200);
  return q;
}

const chat = async (id: string) => (await control<Chat>(emu, 'GET', `/chats/${id}`)).body;
const say = (chatId: string, body: Record<string, unknown>) => control(emu, 'POST', `/chats/${chatId}/messages`, body);

/** Same keys at every level as the sample; the values of `variable` keys only need the same type. */
function expectLike(actual: unknown, sample: unknown, variable: string[], path = '$'): void {
  if (Array.isArray(sample)) {
    expect({ path, n: (actual as unknown[]).length }).toEqual({ path, n: sample.length });
    sample.forEach((x, i) => expectLike((actual as unknown[])[i], x, variable, `${path}[${i}]`));
  } else if (sample !== null && typeof sample === 'object') {
    expect({ path, keys: keys(actual) }).toEqual({ path, keys: keys(sample) });
    for (const [k, v] of Object.entries(sample)) {
      const a = (actual as Record<string, unknown>)[k];
      if (variable.includes(k))
        expect({ path: `${path}.${k}`, t: typeof a }).toEqual({ path: `${path}.${k}`, t: typeof v });
      else expectLike(a, v, variable, `${path}.${k}`);
    }
  } else expect({ path, value: actual }).toEqual({ path, value: sample });
}
const IDS = ['id', 'time', 'messageId', 'correlationId'];
// Platform API answers, read field by field.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

describe('the agent, as the guest sees it', () => {
  test('accept and reply: Outbound Human text with channel.from {nickname, image}; the queue shows the conversation as message', async () => {
    const { g, chatId } = await queued();
    const before = await chat(chatId);
    expect(before).toEqual(expect.objectContaining({ media: 'message', state: 'queued' }));
    expect(before.messaging).toEqual(expect.objectContaining({ readOnly: false, disconnect: 'ReadOnly' }));
    await control(emu, 'POST', `/chats/${chatId}/accept`, { agentId: alex });
    expect((await say(chatId, { body: "Hello, I'm Alex" })).status).toBe(200);
    const [m] = await g.waitFor(isOutboundText("Hello, I'm Alex"));
    expect(m).toEqual({
      type: 'message',
      class: 'StructuredMessage',
      code: 200,
      body: {
        text: "Hello, I'm Alex",
        type: 'Text',
        direction: 'Outbound',
        id: expect.stringMatching(/^[0-9a-f]{32}$/),
        channel: {
          time: expect.any(String),
          type: 'Private',
          from: { nickname: 'Alex Agent', image: `${emu.url}/avatars/${alex}.svg` },
          to: {},
        },
        metadata: { correlationId: expect.any(String) },
        originatingEntity: 'Human',
      },
    });
  });

  test('typing (R20), quick replies (Structured), other content as given, a file (R18 content)', async () => {
    const { g, chatId } = await connected();
    await control(emu, 'POST', `/chats/${chatId}/typing`, {});
    const [typing] = await g.waitFor(isEvent('Typing', 'On'));
    expectLike(typing, R20_TYPING, IDS);

    await say(chatId, { body: 'Did that help?', quickReplies: ['Yes', { text: 'No', payload: 'no-help' }] });
    const [qr] = await g.waitFor(isOutboundText('Did that help?'));
    expect(qr!.body.type).toBe('Structured');
    expect(qr!.body.content).toEqual([
      { contentType: 'QuickReply', quickReply: { text: 'Yes', payload: 'Yes' } },
      { contentType: 'QuickReply', quickReply: { text: 'No', payload: 'no-help' } },
    ]);

    const picker = { contentType: 'DatePicker', datePicker: { title: 'Book', availableTimes: [] } };
    await say(chatId, { body: 'When?', content: [picker] });
    const [when] = await g.waitFor(isOutboundText('When?'));
    expect(when!.body.type).toBe('Structured');
    expect(when!.body.content).toEqual([picker]);
    const refused = await say(chatId, { body: 'x', content: [{ contentType: 'Card', card: {} }] });
    expect(refused.status).toBe(400);
    expect((await say(chatId, { body: 'x', content: [{ datePicker: {} }] })).status).toBe(400);

    const sent = await control<{ attachments: Array<{ url: string }> }>(emu, 'POST', `/chats/${chatId}/files`, {
      filename: 'image.png',
      mime: 'image/png',
      dataBase64: PNG_1X1.toString('base64'),
      text: 'Hi',
    });
    expect(sent.status).toBe(200);
    const [file] = await g.waitFor(
      (f) =>
        f.body.originatingEntity === 'Human' && (f.body.content ?? []).some((c) => c['contentType'] === 'Attachment'),
    );
    expectLike(file!.body.content, R18_AGENT_ATTACHMENT.body.content, ['id', 'fileSize', 'url']);
    expect(file!.body.content![0]).toEqual({
      contentType: 'Attachment',
      attachment: expect.objectContaining({
        filename: 'image.png',
        mediaType: 'Image',
        mime: 'image/png',
        fileSize: PNG_1X1.length,
      }),
    });
    const url = (file!.body.content![0]!['attachment'] as { url: string }).url;
    expect(Buffer.from(await (await fetch(url)).arrayBuffer()).equals(PNG_1X1)).toBe(true);
    expect(file!.body.text).toBe('Hi');
  });

  test('transfer to another agent: the next message has the new nickname; back to the queue: queued again', async () => {
    const { g, chatId } = await connected();
    await control(emu, 'POST', `/chats/${chatId}/transfer`, { toAgentId: blair });
    await say(chatId, { body: 'Blair here' });
    const [m] = await g.waitFor(isOutboundText('Blair here'));
    expect(m!.body.channel).toEqual(
      expect.objectContaining({ from: { nickname: 'Blair Expert', image: expect.any(String) } }),
    );
    await control(emu, 'POST', `/chats/${chatId}/transfer`, { toQueue: QUEUE2.name });
    expect(await chat(chatId)).toEqual(expect.objectContaining({ state: 'queued', agent: null }));
    // Nothing tells the guest: Web Messaging has no transfer event.
    expect(
      g
        .outbound()
        .filter((f) => f.body.type === 'Event')
        .map((f) => f.body.events),
    ).toEqual([]);
  });

  test('disconnect ReadOnly: the real frame (R2), then the session is read-only', async () => {
    const { g, chatId } = await connected();
    await control(emu, 'POST', `/chats/${chatId}/end`, { agentId: alex });
    const [d] = await g.waitFor(isEvent('Presence', 'Disconnect'));
    expectLike(d, R2_DISCONNECT_READ_ONLY, [...IDS, 'nickname', 'originatingEntity']);
    expect(d!.body.metadata).toEqual({ readOnly: 'true' });
    expect(d!.body.originatingEntity).toBe('Human');
    expect((await control<Chat>(emu, 'GET', `/chats/${chatId}`)).body.messaging?.readOnly).toBe(true);
    expect((await g.text('still there?')).code).toBe(409);
  });

  test('disconnect Send (override): the frame without metadata (R6); the next message starts a new conversation', async () => {
    const { g, chatId } = await connected();
    await control(emu, 'POST', `/chats/${chatId}/end`, { disconnect: 'Send' });
    const [d] = await g.waitFor(isEvent('Presence', 'Disconnect'));
    expectLike(d, R6_DISCONNECT, IDS);
    const echo = await g.text('one more question');
    expect(echo.class).toBe('StructuredMessage');
    const s = (await control<{ conversationId: string }>(emu, 'GET', `/messaging/sessions/${g.token}`)).body;
    expect(s.conversationId).not.toBe(chatId);
    expect(await chat(s.conversationId)).toEqual(expect.objectContaining({ state: 'queued' }));
    await g.waitFor(isOutboundText('Hello'), 2);
  });

  test('disconnect "none": the guest hears nothing; a guest chat refuses Web Messaging options', async () => {
    const { g, chatId } = await connected();
    await control(emu, 'POST', `/chats/${chatId}/end`, { disconnect: 'none' });
    expect((await chat(chatId)).state).toBe('ended');
    await g.request({ action: 'echo', message: { type: 'Text', text: 'ping' } });
    expect(g.frames.some(isEvent('Presence', 'Disconnect'))).toBe(false);

    const legacy = await queuedChat(emu);
    try {
      await control(emu, 'POST', `/chats/${legacy.conversationId}/accept`, { agentId: alex });
      expect((await say(legacy.conversationId, { body: 'x', quickReplies: ['a'] })).status).toBe(409);
      expect(
        (
          await control(emu, 'POST', `/chats/${legacy.conversationId}/files`, {
            filename: 'a',
            mime: 'text/plain',
            dataBase64: 'eA==',
          })
        ).status,
      ).toBe(400);
      expect((await control(emu, 'POST', `/chats/${legacy.conversationId}/end`, { disconnect: 'Send' })).status).toBe(
        400,
      );
    } finally {
      legacy.stream.close();
    }
  });

  test("the control API refuses an agent who is not the conversation's (409)", async () => {
    const { chatId } = await connected(alex);
    expect((await say(chatId, { body: 'hi', agentId: blair })).status).toBe(409);
    const f = await control(emu, 'POST', `/chats/${chatId}/files`, {
      agentId: blair,
      filename: 'a.txt',
      mime: 'text/plain',
      dataBase64: 'eA==',
    });
    expect(f.status).toBe(409);
  });
});

describe('fault knobs', () => {
  test('out-of-order delivery within a window: two agent messages arrive in reverse order', async () => {
    const { g, chatId } = await connected();
    await control(emu, 'PUT', '/settings', { messagingOutOfOrderWindowMs: 300 });
    await say(chatId, { body: 'first' });
    await say(chatId, { body: 'second' });
    await g.waitFor((f) => f.body.text === 'first');
    const texts = g
      .outbound()
      .map((f) => f.body.text)
      .filter((t) => t === 'first' || t === 'second');
    expect(texts).toEqual(['second', 'first']);
    // channel.time still says the real order.
    const times = ['first', 'second'].map(
      (t) => g.outbound().find((f) => f.body.text === t)!.body.channel!['time'] as string,
    );
    expect(times[0]! <= times[1]!).toBe(true);
  });

  test('duplicated echoes: the Inbound echo comes twice with the same id', async () => {
    const { g } = await queued();
    await control(emu, 'PUT', '/settings', { messagingDuplicateEchoes: true });
    await control(emu, 'POST', '/clock', { advanceMs: 1000 });
    const first = await g.text('twice');
    const both = await g.waitFor((f) => f.tracingId === first.tracingId, 2);
    expect(both[1]).toEqual(both[0]);
  });

  test('a socket dropped without a close frame (1006), and with one', async () => {
    const { g } = await queued();
    await control(emu, 'POST', `/messaging/sessions/${g.token}/drop`, { closeFrame: false });
    expect((await g.closed).code).toBe(1006);
    const h = await WmGuest.open(emu, { token: g.token });
    guests.push(h);
    expect((await h.configure()).body['newSession']).toBe(false);
    await control(emu, 'POST', `/messaging/sessions/${g.token}/drop`, {});
    expect((await h.closed).code).toBe(1011);
  });

  test('session expiry on demand: SessionExpiredEvent to every socket, then 4006', async () => {
    const { g } = await queued();
    const r = await control(emu, 'POST', `/messaging/sessions/${g.token}/expire`);
    expect(r.status).toBe(200);
    const [e] = await g.waitFor((f) => f.class === 'SessionExpiredEvent');
    expect(e).toEqual(R21_EXPIRED);
    expect((await g.request({ action: 'getJwt' })).code).toBe(4006);
  });

  test('ConnectionClosedEvent with and without a reason, then the socket closes', async () => {
    const a = await queued();
    await control(emu, 'POST', `/messaging/sessions/${a.g.token}/connection-closed`, { reason: 'signedIn' });
    await a.g.closed;
    expect(a.g.frames.at(-1)).toEqual({
      type: 'message',
      class: 'ConnectionClosedEvent',
      code: 200,
      body: { reason: 'signedIn' },
    });
    const b = await queued();
    await control(emu, 'POST', `/messaging/sessions/${b.g.token}/connection-closed`, {});
    await b.g.closed;
    expect(b.g.frames.at(-1)).toEqual({ type: 'message', class: 'ConnectionClosedEvent', code: 200, body: {} });
  });

  test('a 429 burst: the next N onMessage are refused as R7 with the given retryAfter, then it passes', async () => {
    const { g } = await queued();
    await control(emu, 'POST', `/messaging/sessions/${g.token}/rate-limit`, { times: 2, retryAfter: 3 });
    await control(emu, 'POST', '/clock', { advanceMs: 1000 });
    for (let i = 0; i < 2; i += 1) {
      const f = await g.text(`try ${i}`);
      expect({ ...f, tracingId: undefined }).toEqual({ ...R7_TOO_MANY, tracingId: undefined });
    }
    expect((await g.text('try 2')).class).toBe('StructuredMessage');
  });

  test('a failed upload: the PUT is accepted, then UploadFailureEvent with the given error', async () => {
    const { g } = await queued();
    await control(emu, 'POST', `/messaging/sessions/${g.token}/fail-upload`, {
      errorCode: 4002,
      errorMessage: 'File size is greater than 1',
    });
    const p = await g.request({
      action: 'onAttachment',
      attachmentId: randomUUID(),
      fileName: 'a.png',
      fileType: 'image/png',
      fileSize: PNG_1X1.length,
    });
    const put = await fetch(p.body['url'] as string, {
      method: 'PUT',
      headers: { ...(p.body['headers'] as Record<string, string>), 'content-type': 'image/png' },
      body: PNG_1X1,
    });
    expect(put.status).toBe(200);
    const [f] = await g.waitFor((x) => x.class === 'UploadFailureEvent');
    expect(f!.body).toEqual({
      attachmentId: p.body['attachmentId'],
      errorCode: 4002,
      errorMessage: 'File size is greater than 1',
      timestamp: expect.any(String),
    });
  });

  test('too many sockets on one session: the oldest gets ConnectionClosedEvent {} and closes', async () => {
    const small = await startEmulator({ port: 0, maxConnectionsPerSession: 2 });
    try {
      const token = randomUUID();
      const sockets: WmGuest[] = [];
      for (let i = 0; i < 3; i += 1) {
        const s = await WmGuest.open(small, { token });
        sockets.push(s);
        await s.configure();
      }
      await sockets[0]!.closed;
      expect(sockets[0]!.frames.at(-1)).toEqual({
        type: 'message',
        class: 'ConnectionClosedEvent',
        code: 200,
        body: {},
      });
      for (const s of sockets) s.close();
    } finally {
      await small.close();
    }
  });
});

describe('Platform API: media type message', () => {
  let token: string;
  beforeAll(async () => {
    const r = await fetch(`${emu.url}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${DEMO.clientId}:${DEMO.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    token = ((await r.json()) as { access_token: string }).access_token;
  });
  const api = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${emu.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: r.status, body: (await r.json()) as Json };
  };

  test('observations: messaging and chat conversations each under their own media type; detail lists the messaging ones', async () => {
    // A fresh queue state: everything in the demo queue ends first.
    for (const c of emu.engine.conversations.values()) if (!c.ended) emu.engine.end(c, 'system');
    const m1 = await queued();
    const m2 = await queued();
    await control(emu, 'POST', `/chats/${m2.chatId}/accept`, { agentId: alex });
    const legacy = await queuedChat(emu);
    try {
      const r = await api('POST', '/api/v2/analytics/queues/observations/query', {
        filter: { type: 'or', predicates: [{ dimension: 'queueId', value: DEMO.queueId }] },
        metrics: ['oWaiting', 'oInteracting'],
        detailMetrics: ['oWaiting'],
      });
      expect(r.status).toBe(200);
      const group = (mediaType: string) =>
        (r.body['results'] as Array<{ group: Record<string, string>; data: Json[] }>).find(
          (x) => x.group['mediaType'] === mediaType,
        )!.data;
      const count = (mediaType: string, metric: string) =>
        group(mediaType).find((d) => d['metric'] === metric)!['stats'].count;
      expect([count('message', 'oWaiting'), count('message', 'oInteracting')]).toEqual([1, 1]);
      expect([count('chat', 'oWaiting'), count('chat', 'oInteracting')]).toEqual([1, 0]);
      const waiting = group('message').find((d) => d['metric'] === 'oWaiting')!;
      expect(waiting['observations'].map((o: { conversationId: string }) => o.conversationId)).toEqual([m1.chatId]);

      const ewt = await api('GET', `/api/v2/routing/queues/${DEMO.queueId}/estimatedwaittime`);
      expect(ewt.body['results'].map((x: { intent: string }) => x.intent)).toEqual(['CHAT', 'MESSAGE']);
      const mine = await api(
        'GET',
        `/api/v2/routing/queues/${DEMO.queueId}/estimatedwaittime?conversationId=${m1.chatId}`,
      );
      expect(mine.body['results']).toEqual([
        { intent: 'MESSAGE', formula: 'BEST', estimatedWaitTimeSeconds: expect.any(Number) },
      ]);
      const byMedia = await api('GET', `/api/v2/routing/queues/${DEMO.queueId}/mediatypes/message/estimatedwaittime`);
      expect(byMedia.body['results']).toEqual([expect.objectContaining({ intent: 'MESSAGE' })]);
      expect((await api('GET', `/api/v2/routing/queues/${DEMO.queueId}/mediatypes/fax/estimatedwaittime`)).status).toBe(
        400,
      );
    } finally {
      legacy.stream.close();
    }
  });
});

export type { WmFrame };
