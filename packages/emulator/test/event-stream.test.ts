import { startEmulator, type RunningEmulator } from '../src';
import {
  StreamRecorder,
  createRequest,
  guestSdk,
  isMemberChange,
  isMessageFrom,
  queuedChat,
} from './guest-chat-helpers';
import { control, rejection, sleep } from './helpers';

/** The guest event stream and the conversation's life (docs/guest-chat-protocol.md, "Event stream"), seen from the guest's socket. */

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
});
afterAll(() => emu.close());

const streams: StreamRecorder[] = [];
afterEach(async () => {
  streams.splice(0).forEach((s) => s.close());
  await control(emu, 'DELETE', '/faults');
  await control(emu, 'PUT', '/settings', {
    transferOrder: 'leave-first',
    duplicateEvents: false,
    echoBeforeResponse: false,
    replayOnReconnect: false,
    closeSocketOnEnd: true,
    guestInactivityMs: 900_000,
  });
});

async function chat(e: RunningEmulator = emu, overrides: Record<string, unknown> = {}) {
  const c = await queuedChat(e, overrides);
  streams.push(c.stream);
  return c;
}

/** Member ids of a conversation by a readable name: guest, workflow, acd, acd2, <agent name>... */
function names(e: RunningEmulator, conversationId: string): Record<string, string> {
  const out: Record<string, string> = {};
  const seen: Record<string, number> = {};
  for (const m of e.engine.get(conversationId).members.values()) {
    const base =
      m.role === 'CUSTOMER'
        ? 'guest'
        : m.role === 'AGENT'
          ? m.displayName.split(' ')[0]!.toLowerCase()
          : m.role.toLowerCase();
    seen[base] = (seen[base] ?? 0) + 1;
    out[m.id] = seen[base] === 1 ? base : `${base}${seen[base]}`;
  }
  return out;
}

const agents = () => [...emu.engine.agents.values()];

describe('frames', () => {
  test('every frame has the guest chat envelope: string version "2", metadata.CorrelationId, ISO timestamps with ms; member-change has no eventBody.id', async () => {
    const c = await chat();
    await c.api.postWebchatGuestConversationMemberTyping(c.conversationId, c.memberId);
    await c.stream.waitFor((f) => f.metadata?.type === 'typing-indicator');
    const events = c.stream.events();
    expect(events.length).toBeGreaterThan(5);
    const correlationIds = new Set<string>();
    for (const f of events) {
      expect(f.version).toBe('2');
      expect(f.topicName).toMatch(
        new RegExp(`^v2\\.conversations\\.chats\\.${c.conversationId}\\.(members|messages)$`),
      );
      expect(f.metadata!.CorrelationId).toMatch(/^[0-9a-f-]{36}$/);
      correlationIds.add(f.metadata!.CorrelationId);
      expect(f.eventBody['timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(f.eventBody['conversation']).toEqual({ id: c.conversationId });
      if (f.metadata!.type === 'member-change') {
        expect(Object.keys(f.eventBody).sort()).toEqual(['conversation', 'member', 'timestamp']);
        expect(f.topicName.endsWith('.members')).toBe(true);
      } else {
        expect(f.eventBody.id).toMatch(/^[0-9a-f-]{36}$/);
        expect(f.topicName.endsWith('.messages')).toBe(true);
      }
    }
    expect(correlationIds.size).toBe(events.length);
  });

  test('heartbeats: the exact channel.metadata frame at the configured interval', async () => {
    const e2 = await startEmulator({ port: 0, heartbeatIntervalMs: 50 });
    try {
      const c = await chat(e2);
      await c.stream.waitFor((f) => f.topicName === 'channel.metadata', 3);
      const hb = c.stream.raw.filter((r) => r.includes('channel.metadata'));
      expect(hb[0]).toBe('{"topicName":"channel.metadata","eventBody":{"message":"WebSocket Heartbeat"}}');
    } finally {
      await e2.close();
    }
  });

  test('a bad token is closed with 4100 naming the conversation; an unknown path too', async () => {
    const c = await chat();
    const forged = `${c.jwt.slice(0, -6)}AAAAAA`;
    const bad = new StreamRecorder(new (await import('ws')).default(`ws://127.0.0.1:${emu.port}/chat/jwt/${forged}`));
    expect(await bad.closed).toEqual({ code: 4100, reason: `Error connecting to conversation (${c.conversationId})` });
    const junk = new StreamRecorder(new (await import('ws')).default(`ws://127.0.0.1:${emu.port}/chat/jwt/not-a-jwt`));
    expect((await junk.closed).code).toBe(4100);
  });
});

describe('conversation life', () => {
  test('routing starts only once the socket is attached', async () => {
    const { client, api } = guestSdk(emu.url);
    const r = await api.postWebchatGuestConversations(createRequest(emu) as never);
    client.setJwt(r.jwt!);
    await sleep(50);
    expect((await control<{ state: string }>(emu, 'GET', `/chats/${r.id}`)).body.state).toBe('created');
    expect((await api.getWebchatGuestConversationMembers(r.id!)).entities!.map((m) => m.role)).toEqual(['CUSTOMER']);
    const s = await StreamRecorder.open(r.eventStreamUri!);
    streams.push(s);
    await s.waitFor((f) => f.metadata?.type === 'member-change', 3);
    expect((await control<{ state: string }>(emu, 'GET', `/chats/${r.id}`)).body.state).toBe('queued');
  });

  test('join: guest, workflow with its notice, ACD while queued, agent ALERTING then CONNECTED, ACD leaves', async () => {
    const c = await chat();
    await control(emu, 'POST', `/chats/${c.conversationId}/accept`, { agentId: agents()[0]!.id });
    await c.stream.waitFor(isMessageFrom(emu.engine.get(c.conversationId).agentMemberId!, 'member-join'));
    await c.stream.waitFor((f) => f.metadata?.type === 'message' && f.eventBody.bodyType === 'member-leave', 2);
    expect(c.stream.describe(names(emu, c.conversationId))).toEqual([
      'member-change guest CONNECTED',
      'message guest member-join',
      'member-change workflow CONNECTED',
      'message workflow member-join',
      'message workflow notice Thanks for contacting us. Finding an agent for you.',
      'member-change workflow DISCONNECTED',
      'message workflow member-leave',
      'member-change acd CONNECTED',
      'message acd member-join',
      'member-change alex ALERTING',
      'member-change alex CONNECTED',
      'message alex member-join',
      'member-change acd DISCONNECTED',
      'message acd member-leave',
    ]);
  });

  test('a deployment without a flow queues straight away; accept can stop at ALERTING, connect finishes it', async () => {
    const e2 = await startEmulator({
      port: 0,
      deployments: [{ id: '0c0c0c0c-0000-4000-8000-000000000001' }],
      alertingMs: 0,
    });
    try {
      const c = await chat(e2);
      await control(e2, 'POST', `/chats/${c.conversationId}/accept`, { connect: false });
      await sleep(30);
      expect((await control<{ state: string }>(e2, 'GET', `/chats/${c.conversationId}`)).body.state).toBe('alerting');
      await control(e2, 'POST', `/chats/${c.conversationId}/connect`);
      expect(c.stream.describe(names(e2, c.conversationId))).toEqual([
        'member-change guest CONNECTED',
        'message guest member-join',
        'member-change acd CONNECTED',
        'message acd member-join',
        'member-change alex ALERTING',
        'member-change alex CONNECTED',
        'message alex member-join',
        'member-change acd DISCONNECTED',
        'message acd member-leave',
      ]);
    } finally {
      await e2.close();
    }
  });

  test('agent messages, notices and typing reach the guest; the agent focusing another chat repeats CONNECTED', async () => {
    const c = await chat();
    await control(emu, 'POST', `/chats/${c.conversationId}/accept`, {});
    const agent = () => emu.engine.get(c.conversationId).agentMemberId!;
    await c.stream.waitFor(isMessageFrom(agent(), 'member-join'));
    await control(emu, 'POST', `/chats/${c.conversationId}/typing`);
    await control(emu, 'POST', `/chats/${c.conversationId}/messages`, { body: 'Hi, I am Alex' });
    await control(emu, 'POST', `/chats/${c.conversationId}/messages`, { body: 'Note', bodyType: 'notice' });
    await control(emu, 'POST', `/chats/${c.conversationId}/focus`);
    await c.stream.waitFor(isMemberChange(agent(), 'CONNECTED'), 2);
    const tail = c.stream.describe(names(emu, c.conversationId)).slice(-4);
    expect(tail).toEqual([
      'typing alex',
      'message alex standard Hi, I am Alex',
      'message alex notice Note',
      'member-change alex CONNECTED',
    ]);
    const dup = c.stream.events().filter(isMemberChange(agent(), 'CONNECTED'));
    expect(dup[0]!.metadata!.CorrelationId).not.toBe(dup[1]!.metadata!.CorrelationId);
  });

  test.each([
    [
      'leave-first',
      [
        'member-change alex DISCONNECTED',
        'message alex member-leave',
        'member-change blair ALERTING',
        'member-change blair CONNECTED',
        'message blair member-join',
      ],
    ],
    [
      'alert-first',
      [
        'member-change blair ALERTING',
        'member-change alex DISCONNECTED',
        'message alex member-leave',
        'member-change blair CONNECTED',
        'message blair member-join',
      ],
    ],
  ])('transfer to another agent, %s; the guest stays CONNECTED', async (order, expected) => {
    await control(emu, 'PUT', '/settings', { transferOrder: order });
    const c = await chat();
    await control(emu, 'POST', `/chats/${c.conversationId}/accept`, { agentId: agents()[0]!.id });
    await c.stream.waitFor(isMessageFrom(emu.engine.get(c.conversationId).agentMemberId!, 'member-join'));
    const before = c.stream.events().length;
    await control(emu, 'POST', `/chats/${c.conversationId}/transfer`, { toAgentId: agents()[1]!.id });
    await c.stream.waitFor(isMessageFrom(emu.engine.get(c.conversationId).agentMemberId!, 'member-join'));
    expect(c.stream.describe(names(emu, c.conversationId)).slice(before)).toEqual(expected);
    expect((await c.api.getWebchatGuestConversationMember(c.conversationId, c.memberId)).state).toBe('CONNECTED');
  });

  test('transfer back to the queue: the agent leaves, a new ACD member joins, and another agent can accept', async () => {
    const c = await chat();
    await control(emu, 'POST', `/chats/${c.conversationId}/accept`, { agentId: agents()[0]!.id });
    await c.stream.waitFor(isMessageFrom(emu.engine.get(c.conversationId).agentMemberId!, 'member-join'));
    const before = c.stream.events().length;
    const r = await control<{ state: string }>(emu, 'POST', `/chats/${c.conversationId}/transfer`, {
      toQueue: emu.options.queues[0]!.name,
    });
    expect(r.body.state).toBe('queued');
    await control(emu, 'POST', `/chats/${c.conversationId}/accept`, { agentId: agents()[1]!.id });
    await c.stream.waitFor(isMessageFrom(emu.engine.get(c.conversationId).agentMemberId!, 'member-join'));
    await c.stream.waitFor((f) => f.metadata?.type === 'message' && f.eventBody.bodyType === 'member-leave', 4);
    expect(c.stream.describe(names(emu, c.conversationId)).slice(before)).toEqual([
      'member-change alex DISCONNECTED',
      'message alex member-leave',
      'member-change acd2 CONNECTED',
      'message acd2 member-join',
      'member-change blair ALERTING',
      'member-change blair CONNECTED',
      'message blair member-join',
      'member-change acd2 DISCONNECTED',
      'message acd2 member-leave',
    ]);
  });

  test('the agent ends the chat: agent leaves, then the guest; the socket closes 1001 "The conversation is ended"', async () => {
    const c = await chat();
    await control(emu, 'POST', `/chats/${c.conversationId}/accept`, {});
    await c.stream.waitFor(isMessageFrom(emu.engine.get(c.conversationId).agentMemberId!, 'member-join'));
    const before = c.stream.events().length;
    await control(emu, 'POST', `/chats/${c.conversationId}/end`);
    expect(await c.stream.closed).toEqual({ code: 1001, reason: 'The conversation is ended' });
    expect(c.stream.describe(names(emu, c.conversationId)).slice(before)).toEqual([
      'member-change alex DISCONNECTED',
      'message alex member-leave',
      'member-change guest DISCONNECTED',
      'message guest member-leave',
    ]);
    expect((await control<{ endReason: string }>(emu, 'GET', `/chats/${c.conversationId}`)).body.endReason).toBe(
      'agent',
    );
    // The chat no longer counts against the agent.
    expect(agents()[0]!.conversations.has(c.conversationId)).toBe(false);
  });

  test('the guest ends the chat: guest leaves first, then the agent; 1001; reconnecting is closed at once with 1001', async () => {
    const c = await chat();
    await control(emu, 'POST', `/chats/${c.conversationId}/accept`, {});
    await c.stream.waitFor(isMessageFrom(emu.engine.get(c.conversationId).agentMemberId!, 'member-join'));
    const before = c.stream.events().length;
    await c.api.deleteWebchatGuestConversationMember(c.conversationId, c.memberId);
    expect((await c.stream.closed).code).toBe(1001);
    expect(c.stream.describe(names(emu, c.conversationId)).slice(before)).toEqual([
      'member-change guest DISCONNECTED',
      'message guest member-leave',
      'member-change alex DISCONNECTED',
      'message alex member-leave',
    ]);
    const again = new StreamRecorder(new (await import('ws')).default(c.created.eventStreamUri!));
    expect(await again.closed).toEqual({ code: 1001, reason: 'The conversation is ended' });
    expect(again.frames).toEqual([]);
  });

  test('the guest leaving while queued ends the chat and frees the queue', async () => {
    const c = await chat();
    await c.api.deleteWebchatGuestConversationMember(c.conversationId, c.memberId);
    await c.stream.closed;
    expect(emu.engine.waiting(emu.options.queues[0]!.id).map((x) => x.id)).not.toContain(c.conversationId);
  });

  test('with closeSocketOnEnd off, the socket stays open after the end', async () => {
    await control(emu, 'PUT', '/settings', { closeSocketOnEnd: false });
    const c = await chat();
    await c.api.deleteWebchatGuestConversationMember(c.conversationId, c.memberId);
    await c.stream.waitFor(isMemberChange(c.memberId, 'DISCONNECTED'));
    await sleep(50);
    expect(c.stream.ws.readyState).toBe(c.stream.ws.OPEN);
  });

  test('guest inactivity after an agent joined ends the chat (member-leave); it does not run while queued', async () => {
    await control(emu, 'PUT', '/settings', { guestInactivityMs: 150 });
    const c = await chat();
    await sleep(300);
    expect(emu.engine.get(c.conversationId).phase).toBe('queued');
    await control(emu, 'POST', `/chats/${c.conversationId}/accept`, {});
    // A guest message restarts the timer.
    await sleep(100);
    await c.api.postWebchatGuestConversationMemberMessages(c.conversationId, c.memberId, { body: 'still here' });
    await sleep(100);
    expect(emu.engine.get(c.conversationId).phase).toBe('connected');
    expect((await c.stream.closed).code).toBe(1001);
    expect(c.stream.describe(names(emu, c.conversationId)).slice(-4)).toEqual([
      'member-change guest DISCONNECTED',
      'message guest member-leave',
      'member-change alex DISCONNECTED',
      'message alex member-leave',
    ]);
    expect(emu.engine.get(c.conversationId).endReason).toBe('inactivity');
  });

  test('control API refuses impossible moves with a clear 4xx', async () => {
    const c = await chat();
    expect(await control(emu, 'POST', `/chats/${c.conversationId}/messages`, { body: 'no agent yet' })).toMatchObject({
      status: 409,
      body: { code: 'request.conflict' },
    });
    expect(
      await control(emu, 'POST', `/chats/${c.conversationId}/transfer`, { toAgentId: agents()[1]!.id }),
    ).toMatchObject({ status: 409 });
    expect(await control(emu, 'POST', `/chats/${c.conversationId}/accept`, { agentId: 'nobody' })).toMatchObject({
      status: 404,
    });
    await control(emu, 'POST', `/chats/${c.conversationId}/accept`, {});
    expect(await control(emu, 'POST', `/chats/${c.conversationId}/accept`, {})).toMatchObject({ status: 409 });
    expect(await control(emu, 'POST', `/chats/${c.conversationId}/messages`, {})).toMatchObject({
      status: 400,
      body: { message: expect.stringContaining('body') },
    });
    expect(await control(emu, 'PUT', '/settings', { transferOrder: 'sideways' })).toMatchObject({ status: 400 });
    expect(await control(emu, 'PUT', '/settings', { nonsense: 1 })).toMatchObject({
      status: 400,
      body: { message: 'unknown setting "nonsense"' },
    });
    expect(await control(emu, 'GET', '/chats/00000000-0000-4000-8000-000000000000')).toMatchObject({ status: 404 });
  });
});

describe('sockets and reconnects', () => {
  test('drop without a close frame: nothing is replayed on reconnect, history fills the gap', async () => {
    const c = await chat();
    await control(emu, 'POST', `/chats/${c.conversationId}/accept`, {});
    await c.stream.waitFor(isMessageFrom(emu.engine.get(c.conversationId).agentMemberId!, 'member-join'));
    const last = c.stream
      .events()
      .filter((f) => f.metadata?.type === 'message')
      .pop()!.eventBody.id!;
    expect(
      (await control<{ dropped: number }>(emu, 'POST', `/chats/${c.conversationId}/drop-socket`, { closeFrame: false }))
        .body.dropped,
    ).toBe(1);
    expect((await c.stream.closed).code).toBe(1006);
    await control(emu, 'POST', `/chats/${c.conversationId}/messages`, { body: 'while you were away' });
    const back = await StreamRecorder.open(c.created.eventStreamUri!);
    streams.push(back);
    await control(emu, 'POST', `/chats/${c.conversationId}/messages`, { body: 'welcome back' });
    await back.waitFor((f) => f.eventBody.body === 'welcome back');
    expect(back.events().map((f) => f.eventBody.body)).toEqual(['welcome back']);
    const missed = await c.api.getWebchatGuestConversationMessages(c.conversationId, { after: last });
    expect(missed.entities!.map((m) => m.body)).toEqual(['while you were away', 'welcome back']);
  });

  test('drop with a close frame sends the given code and reason', async () => {
    const c = await chat();
    await control(emu, 'POST', `/chats/${c.conversationId}/drop-socket`, {
      closeFrame: true,
      code: 1012,
      reason: 'Service Restart',
    });
    expect(await c.stream.closed).toEqual({ code: 1012, reason: 'Service Restart' });
    expect((await control(emu, 'POST', `/chats/${c.conversationId}/drop-socket`, { code: 1006 })).status).toBe(400);
  });

  test('replayOnReconnect (robustness knob) sends the frames a reconnecting socket missed', async () => {
    await control(emu, 'PUT', '/settings', { replayOnReconnect: true });
    const c = await chat();
    await control(emu, 'POST', `/chats/${c.conversationId}/accept`, {});
    await c.stream.waitFor(isMessageFrom(emu.engine.get(c.conversationId).agentMemberId!, 'member-join'));
    await control(emu, 'POST', `/chats/${c.conversationId}/drop-socket`, { closeFrame: false });
    await c.stream.closed;
    await control(emu, 'POST', `/chats/${c.conversationId}/messages`, { body: 'missed one' });
    const back = await StreamRecorder.open(c.created.eventStreamUri!);
    streams.push(back);
    await back.waitFor((f) => f.eventBody.body === 'missed one');
  });

  test('several sockets on one chat all receive the events', async () => {
    const c = await chat();
    const second = await StreamRecorder.open(c.created.eventStreamUri!);
    streams.push(second);
    await c.api.postWebchatGuestConversationMemberMessages(c.conversationId, c.memberId, { body: 'to both' });
    await c.stream.waitFor((f) => f.eventBody.body === 'to both');
    await second.waitFor((f) => f.eventBody.body === 'to both');
  });
});

describe('fault knobs', () => {
  test('duplicateEvents delivers every frame twice, byte for byte', async () => {
    await control(emu, 'PUT', '/settings', { duplicateEvents: true });
    const c = await chat();
    const m = await c.api.postWebchatGuestConversationMemberMessages(c.conversationId, c.memberId, { body: 'twice' });
    const echoes = await c.stream.waitFor((f) => f.eventBody.id === m.id, 2);
    expect(echoes).toHaveLength(2);
    const raws = c.stream.raw.filter((r) => r.includes(m.id!));
    expect(raws[0]).toBe(raws[1]);
  });

  test('echoBeforeResponse: the echo arrives before the POST resolves; by default after', async () => {
    const order = async () => {
      const c = await chat();
      const seen: string[] = [];
      c.stream.ws.on('message', (d) => d.toString().includes('"first"') && seen.push('echo'));
      await c.api.postWebchatGuestConversationMemberMessages(c.conversationId, c.memberId, { body: 'first' });
      seen.push('response');
      await c.stream.waitFor((f) => f.eventBody.body === 'first');
      return seen;
    };
    expect(await order()).toEqual(['response', 'echo']);
    await control(emu, 'PUT', '/settings', { echoBeforeResponse: true });
    expect(await order()).toEqual(['echo', 'response']);
  });

  test('injected 503, 429 with Retry-After, and latency on a guest endpoint; other endpoints unaffected', async () => {
    const c = await chat();
    const endpoint = 'POST /api/v2/webchat/guest/conversations/:conversationId/members/:memberId/messages';
    await control(emu, 'POST', '/faults', { endpoint, status: 503, times: 1 });
    expect(
      await rejection(c.api.postWebchatGuestConversationMemberMessages(c.conversationId, c.memberId, { body: 'a' })),
    ).toMatchObject({ status: 503, code: 'service.unavailable' });
    await expect(
      c.api.postWebchatGuestConversationMemberMessages(c.conversationId, c.memberId, { body: 'b' }),
    ).resolves.toMatchObject({ body: 'b' });

    await control(emu, 'POST', '/faults', { endpoint, status: 429, retryAfterSeconds: 7, times: 1 });
    const res = await fetch(
      `${emu.url}/api/v2/webchat/guest/conversations/${c.conversationId}/members/${c.memberId}/messages`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${c.jwt}`, 'content-type': 'application/json' },
        body: JSON.stringify({ body: 'c' }),
      },
    );
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(await res.json()).toMatchObject({
      code: 'too.many.requests.retry.after',
      message: expect.stringContaining('[7] seconds'),
    });

    await control(emu, 'POST', '/faults', {
      endpoint: '/api/v2/webchat/guest/conversations',
      status: 500,
      code: 'caht.error',
      times: 1,
    });
    const { api } = guestSdk(emu.url);
    expect(await rejection(api.postWebchatGuestConversations(createRequest(emu) as never))).toMatchObject({
      status: 500,
      code: 'caht.error',
    });

    await control(emu, 'POST', '/faults', { endpoint, latencyMs: 150, times: 1 });
    const t0 = Date.now();
    await c.api.getWebchatGuestConversationMember(c.conversationId, c.memberId);
    expect(Date.now() - t0).toBeLessThan(150);
    await c.api.postWebchatGuestConversationMemberMessages(c.conversationId, c.memberId, { body: 'slow' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
    expect((await control<{ entities: unknown[] }>(emu, 'GET', '/faults')).body.entities).toEqual([]);
    expect((await control(emu, 'POST', '/faults', { status: 404 })).status).toBe(400);
  });
});

describe('request log', () => {
  test('counts every request and socket per endpoint, and can be cleared', async () => {
    await control(emu, 'DELETE', '/requests');
    const c = await chat();
    await c.api.postWebchatGuestConversationMemberMessages(c.conversationId, c.memberId, { body: 'x' });
    await c.api.postWebchatGuestConversationMemberMessages(c.conversationId, c.memberId, { body: 'y' });
    await rejection(c.api.getWebchatGuestConversationMember(c.conversationId, 'nobody'));
    const log = await control<{
      total: number;
      counts: Record<string, number>;
      entries: Array<{ endpoint: string; status: number }>;
    }>(emu, 'GET', '/requests');
    expect(log.body.counts).toEqual({
      'POST /api/v2/webchat/guest/conversations': 1,
      'WS /chat/jwt/:token': 1,
      'POST /api/v2/webchat/guest/conversations/:conversationId/members/:memberId/messages': 2,
      'GET /api/v2/webchat/guest/conversations/:conversationId/members/:memberId': 1,
    });
    expect(log.body.total).toBe(5);
    expect(log.body.entries.find((e) => e.endpoint.startsWith('GET'))!.status).toBe(404);
    // Tokens never appear in the log.
    expect(JSON.stringify(log.body)).not.toContain(c.jwt);
    const filtered = await control<{ total: number }>(emu, 'GET', '/requests?endpoint=POST');
    expect(filtered.body.total).toBe(3);
    await control(emu, 'DELETE', '/requests');
    expect((await control<{ total: number }>(emu, 'GET', '/requests')).body.total).toBe(0);
  });
});

describe('automatic agent', () => {
  test('accepts a queued chat, greets, shows typing and answers', async () => {
    const e2 = await startEmulator({ port: 0, autoAgent: { enabled: true, acceptDelayMs: 10, replyDelayMs: 30 } });
    try {
      const c = await chat(e2);
      const agentJoin = await c.stream.waitFor(
        (f) => f.metadata?.type === 'message' && f.eventBody.bodyType === 'member-join',
        4,
      );
      const agentId = agentJoin[3]!.eventBody.sender!.id;
      await c.stream.waitFor(isMessageFrom(agentId));
      await c.api.postWebchatGuestConversationMemberMessages(c.conversationId, c.memberId, { body: 'ping' });
      await c.stream.waitFor((f) => f.metadata?.type === 'typing-indicator' && f.eventBody.sender?.id === agentId);
      const [, reply] = await c.stream.waitFor(isMessageFrom(agentId), 2);
      expect(reply!.eventBody.body).toContain('ping');
    } finally {
      await e2.close();
    }
  });
});
