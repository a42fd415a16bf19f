import type { FastifyInstance } from 'fastify';
import { queuedChat } from 'genesys-handoff-emulator/test-helpers/guest-chat';
import type { QueueConfig } from 'genesys-handoff-emulator';
import {
  DEMO,
  OBSERVATIONS,
  QUEUES,
  WAIT_TIME,
  clearUpstreamLog,
  setAgent,
  startTestEmulator,
  testApp,
  upstreamCounts,
  type RunningEmulator,
} from './helpers';

/** `POST /availability` against the emulator through the real Platform SDK: numbers, queue lookup, bad inputs. */

const CHAT: QueueConfig = {
  id: DEMO.queueId,
  name: DEMO.queueName,
  averageHandleSeconds: 120,
  otherMedia: { voice: { waiting: 3, interacting: 2 } },
};
const EMPTY: QueueConfig = { id: 'e0000000-0000-4000-8000-000000000001', name: 'Empty Queue' };

// 150 queues whose names differ from "Paged Queue" only in letter case: the name filter (case-insensitive) returns
// all of them, so the exact name is found only by reading past page 1 (pageSize 100).
const PAGED_NAMES = Array.from({ length: 150 }, (_, i) =>
  'paged queue'.replace(/[a-z]/g, (ch, offset: number) => ((i >> offset) & 1 ? ch.toUpperCase() : ch)),
).sort((a, b) => a.localeCompare(b));
const PAGED_TARGET = PAGED_NAMES[120]!;
const PAGED: QueueConfig[] = PAGED_NAMES.map((name, i) => ({
  id: `p0000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  name,
}));

const AGENTS = { idle: 'agent-idle', busy: 'agent-busy', notResponding: 'agent-not-responding', off: 'agent-off' };

let emu: RunningEmulator;
let app: FastifyInstance;

beforeAll(async () => {
  emu = await startTestEmulator({
    queues: [CHAT, EMPTY, ...PAGED],
    agents: [
      { id: AGENTS.idle, name: 'Idle', queueIds: [CHAT.id] },
      { id: AGENTS.busy, name: 'Busy', queueIds: [CHAT.id] },
      { id: AGENTS.notResponding, name: 'Not Responding', queueIds: [CHAT.id] },
      { id: AGENTS.off, name: 'Off', queueIds: [CHAT.id], onQueue: false },
    ],
  });
  await setAgent(emu, AGENTS.busy, { routingStatus: 'INTERACTING' });
  await setAgent(emu, AGENTS.notResponding, { routingStatus: 'NOT_RESPONDING' });
  app = await testApp(emu, { AVAILABILITY_QUEUES: [CHAT.name, EMPTY.name, PAGED_TARGET, 'Ghost Queue'].join(',') });
});

afterAll(async () => {
  await app?.close();
  await emu?.close();
});

const ask = (a: FastifyInstance, payload: unknown, headers: Record<string, string> = {}) =>
  a.inject({ method: 'POST', url: '/availability', payload: payload as string, headers });

describe('POST /availability', () => {
  it("answers agents summed over routing statuses, chat-only waiting counts, the wait time and the asker's place", async () => {
    const first = await queuedChat(emu);
    const second = await queuedChat(emu);
    try {
      const fresh = await testApp(emu);
      const res = await ask(fresh, { queue_name: CHAT.name, conversation_id: second.conversationId });
      await fresh.close();
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      const body = res.json();
      // IDLE + INTERACTING; NOT_RESPONDING and the off-queue agent do not count.
      expect(body.numberOfOnQueueAgents).toBe(2);
      expect(body.agentsOnline).toBe(true);
      // Two chats; the 3 voice calls waiting in the same queue are not counted.
      expect(body.waitingInQueue).toBe(2);
      expect(body.positionInQueue).toBe(2);
      // The emulator estimates 2 waiting x 120 s / 3 agents not off queue = 80 s, shown as 2 whole minutes.
      expect(body.estimatedWaitSeconds).toBe(80);
      expect(body.estimatedWaitTime).toBe(2);
      expect(Date.parse(body.updatedAt)).not.toBeNaN();
      expect(Object.keys(body).sort()).toEqual([
        'agentsOnline',
        'estimatedWaitSeconds',
        'estimatedWaitTime',
        'numberOfOnQueueAgents',
        'positionInQueue',
        'updatedAt',
        'waitingInQueue',
      ]);

      // The first chat's place comes from the same cached observation: no more upstream calls.
      const before = await upstreamCounts(emu);
      const again = await ask(app, { queue_name: CHAT.name, conversation_id: first.conversationId });
      const twice = await ask(app, { queue_name: CHAT.name, conversation_id: second.conversationId });
      expect(again.json()).toMatchObject({ positionInQueue: 1, waitingInQueue: 2 });
      expect(twice.json()).toMatchObject({ positionInQueue: 2, waitingInQueue: 2 });
      const after = await upstreamCounts(emu);
      // One fill for the shared app, whoever asks and for whichever conversation.
      expect((after[OBSERVATIONS] ?? 0) - (before[OBSERVATIONS] ?? 0)).toBe(1);
      expect((after[WAIT_TIME] ?? 0) - (before[WAIT_TIME] ?? 0)).toBe(1);
    } finally {
      first.stream.close();
      second.stream.close();
    }
  });

  it('reports no position, rather than the queue length, for an unknown conversation or none', async () => {
    const res = await ask(app, { queue_name: CHAT.name, conversation_id: '00000000-0000-4000-8000-000000000000' });
    expect(res.statusCode).toBe(200);
    expect(res.json().positionInQueue).toBeNull();
    expect((await ask(app, { queue_name: CHAT.name })).json().positionInQueue).toBeNull();
  });

  it('says no agents are online when none is on queue', async () => {
    const res = await ask(app, { queue_name: EMPTY.name });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ numberOfOnQueueAgents: 0, agentsOnline: false, waitingInQueue: 0 });
  });

  it('finds a queue by its exact name beyond the first page of the listing, and caches the id', async () => {
    await clearUpstreamLog(emu);
    const res = await ask(app, { queue_name: PAGED_TARGET });
    expect(res.statusCode).toBe(200);
    const lookups = (await upstreamCounts(emu))[QUEUES];
    expect(lookups).toBe(2);
    const entries = (await (
      await fetch(`${emu.controlUrl}/requests?endpoint=${encodeURIComponent(QUEUES)}`)
    ).json()) as { entries: Array<{ endpoint: string; url: string }> };
    expect(
      entries.entries
        .filter((e) => e.endpoint === QUEUES)
        .map((e) => new URL(e.url, emu.url).searchParams.get('pageNumber')),
    ).toEqual(['1', '2']);
    await ask(app, { queue_name: PAGED_TARGET });
    expect((await upstreamCounts(emu))[QUEUES]).toBe(2);
  });

  it('answers 404 QUEUE_NOT_FOUND for a queue off the allow-list, without asking Genesys', async () => {
    await clearUpstreamLog(emu);
    for (const name of ['Not Allowed', EMPTY.name.toUpperCase(), PAGED_NAMES[0]!]) {
      const res = await ask(app, { queue_name: name });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({
        statusCode: 404,
        code: 'QUEUE_NOT_FOUND',
        error: 'Not Found',
        message: 'No such queue',
      });
    }
    expect(await upstreamCounts(emu)).toEqual({});
  });

  it('answers 404 QUEUE_NOT_FOUND for an allowed name Genesys does not have', async () => {
    const res = await ask(app, { queue_name: 'Ghost Queue' });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('QUEUE_NOT_FOUND');
  });

  it.each([
    ['a number for queue_name', { queue_name: 5 }],
    ['an array for queue_name', { queue_name: [CHAT.name] }],
    ['an empty queue_name', { queue_name: '' }],
    ['no queue_name', {}],
    ['an unknown field', { queue_name: CHAT.name, admin: true }],
    ['a number for conversation_id', { queue_name: CHAT.name, conversation_id: 7 }],
    ['a conversation_id with odd characters', { queue_name: CHAT.name, conversation_id: '../../etc' }],
    ['an array body', [CHAT.name]],
    ['a string body', 'Chat Queue'],
  ])('rejects %s with 400 VALIDATION_FAILED', async (_name, payload) => {
    const res = await ask(app, JSON.stringify(payload), { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', error: 'Bad Request' });
  });

  it('rejects malformed, empty, oversized and non-JSON bodies with 4xx JSON errors', async () => {
    const cases: Array<[string, Record<string, string>, number, string]> = [
      ['{"queue_name": ', { 'content-type': 'application/json' }, 400, 'BAD_REQUEST'],
      ['', { 'content-type': 'application/json' }, 400, 'BAD_REQUEST'],
      [
        JSON.stringify({ queue_name: 'x'.repeat(10_000) }),
        { 'content-type': 'application/json' },
        413,
        'PAYLOAD_TOO_LARGE',
      ],
      ['queue_name=Chat+Queue', { 'content-type': 'application/x-www-form-urlencoded' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['Chat Queue', { 'content-type': 'text/plain' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ];
    for (const [payload, headers, status, code] of cases) {
      const res = await ask(app, payload, headers);
      expect({ status: res.statusCode, code: res.json().code }).toEqual({ status, code });
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    }
  });

  it('refuses a body in another charset or with a Content-Encoding (415, saying which), and names a __proto__ key', async () => {
    const json = JSON.stringify({ queue_name: CHAT.name });
    const cases: Array<[string, Record<string, string>, number, string, RegExp]> = [
      [json, { 'content-type': 'application/json; charset=latin1' }, 415, 'UNSUPPORTED_CHARSET', /latin1.*UTF-8/],
      [json, { 'content-type': 'application/json; charset="UTF-16"' }, 415, 'UNSUPPORTED_CHARSET', /utf-16/],
      [
        json,
        { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        415,
        'UNSUPPORTED_CONTENT_ENCODING',
        /gzip/,
      ],
      [
        '{"queue_name":"Chat Queue","__proto__":{"admin":true}}',
        { 'content-type': 'application/json' },
        400,
        'FORBIDDEN_JSON_KEY',
        /__proto__/,
      ],
      [
        '{"queue_name":"Chat Queue","constructor":{"prototype":{"admin":true}}}',
        { 'content-type': 'application/json' },
        400,
        'FORBIDDEN_JSON_KEY',
        /constructor\.prototype/,
      ],
    ];
    for (const [payload, headers, status, code, message] of cases) {
      const res = await ask(app, payload, headers);
      expect({ status: res.statusCode, code: res.json().code }).toEqual({ status, code });
      expect(res.json().message).toMatch(message);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
    // UTF-8 declared either way, or no encoding said, is read as before.
    const utf8: Array<Record<string, string>> = [
      { 'content-type': 'application/json; charset=utf-8' },
      { 'content-type': 'application/json; charset=UTF8', 'content-encoding': 'identity' },
    ];
    for (const headers of utf8) {
      const res = await ask(app, json, headers);
      expect(res.statusCode).toBe(200);
    }
  });

  it('answers 404 AVAILABILITY_DISABLED when availability is switched off', async () => {
    const off = await testApp(emu, { AVAILABILITY_ENABLED: 'false' });
    const res = await ask(off, { queue_name: CHAT.name });
    await off.close();
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('AVAILABILITY_DISABLED');
  });
});
