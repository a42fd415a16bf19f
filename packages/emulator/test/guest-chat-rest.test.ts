import { decodeJwt, decodeProtectedHeader } from 'jose';
import { startEmulator, type RunningEmulator } from '../src';
import { StreamRecorder, createRequest, guestSdk, isMessageFrom, queuedChat } from './guest-chat-helpers';
import { control, rejection } from './helpers';

/** The guest chat REST API (docs/guest-chat-protocol.md, "REST"), driven with the real purecloud-guest-chat-client SDK. */

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
});
afterAll(() => emu.close());

const open: StreamRecorder[] = [];
afterEach(() => {
  open.splice(0).forEach((s) => s.close());
});
async function chat(overrides: Record<string, unknown> = {}) {
  const c = await queuedChat(emu, overrides);
  open.push(c.stream);
  return c;
}

async function rawCreate(body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${emu.url}/api/v2/webchat/guest/conversations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

describe('create', () => {
  test('answers id, jwt, eventStreamUri embedding the same jwt, and a member with only an id', async () => {
    const { api } = guestSdk(emu.url);
    const r = await api.postWebchatGuestConversations(createRequest(emu) as never);
    expect(Object.keys(r).sort()).toEqual(['eventStreamUri', 'id', 'jwt', 'member']);
    expect(r.member).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(r.eventStreamUri).toBe(`ws://127.0.0.1:${emu.port}/chat/jwt/${r.jwt}`);
  });

  test('mints an RS256 JWT with a kid and the real payload shape', async () => {
    const { api } = guestSdk(emu.url);
    const r = await api.postWebchatGuestConversations(createRequest(emu) as never);
    const header = decodeProtectedHeader(r.jwt!);
    expect(header).toEqual({ alg: 'RS256', kid: expect.any(String), typ: 'JWT' });
    const p = decodeJwt(r.jwt!);
    expect(p).toEqual({
      data: { conv: r.id, did: emu.options.deployments[0]!.id, sub: r.member!.id },
      iss: 'urn:purecloud:webchat',
      org: emu.options.organizationId,
      iat: expect.any(Number),
      exp: expect.any(Number),
    });
    expect(p.exp! - p.iat!).toBe(21 * 3600);
  });

  test('accepts targetType in any case and sends the inin-correlation-id header', async () => {
    for (const targetType of ['QUEUE', 'queue', 'Queue']) {
      const r = await rawCreate(
        createRequest(emu, { routingTarget: { targetType, targetAddress: emu.options.queues[0]!.name } }),
      );
      expect(r.status).toBe(200);
      expect(r.headers.get('inin-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  const bad: Array<[string, Record<string, unknown>, number, string]> = [
    [
      'no routingTarget',
      { routingTarget: undefined },
      400,
      'chat.error.notnull.createconversationrequest.routingtarget',
    ],
    [
      'targetType not QUEUE',
      { routingTarget: { targetType: 'SKILL', targetAddress: 'Chat Queue' } },
      400,
      'chat.error.createconversationrequest.routingtarget',
    ],
    [
      'no targetAddress',
      { routingTarget: { targetType: 'QUEUE' } },
      400,
      'chat.error.createconversationrequest.routingtarget',
    ],
    [
      'queue id instead of name',
      { routingTarget: { targetType: 'QUEUE', targetAddress: '3b9d2e71-4c5a-4f60-8e1d-92a7c6b5d403' } },
      400,
      'chat.error.invalid.queue',
    ],
    [
      'no memberInfo',
      { memberInfo: undefined },
      400,
      'chat.error.notnull.createconversationrequest.memberinfo.displayname',
    ],
    [
      'blank displayName',
      { memberInfo: { displayName: '  ' } },
      400,
      'chat.error.notnull.createconversationrequest.memberinfo.displayname',
    ],
    [
      'ill-formed deploymentId',
      { deploymentId: 'not-a-uuid' },
      400,
      'chat.error.pattern.createconversationrequest.deploymentid',
    ],
    ['unknown deployment', { deploymentId: '11111111-2222-4333-8444-555555555555' }, 400, 'chat.error.bad.request'],
    ['no organizationId', { organizationId: undefined }, 400, 'chat.error.bad.request'],
    ['other organization', { organizationId: '11111111-2222-4333-8444-555555555555' }, 400, 'chat.error.bad.request'],
    ['customFields not strings', { memberInfo: { displayName: 'J', customFields: { n: 1 } } }, 400, 'invalid.value'],
    [
      'journeyContext without customer',
      { journeyContext: {} },
      400,
      'chat.error.notnull.createconversationrequest.journeycontext.customer',
    ],
    ['authenticated deployment without token', { deploymentId: '' }, 400, 'chat.deployment.require.auth'],
    ['bad memberAuthToken', { memberAuthToken: 'eyJhbGciOiJub25lIn0.e30.' }, 400, 'chat.deployment.bad.auth'],
  ];
  test.each(bad)('rejects %s with the documented ErrorBody', async (_name, overrides, status, code) => {
    const body = createRequest(emu, overrides) as Record<string, unknown>;
    if (code === 'chat.deployment.require.auth') body['deploymentId'] = emu.options.deployments[1]!.id;
    const { api } = guestSdk(emu.url);
    const err = await rejection(api.postWebchatGuestConversations(body as never));
    expect(err).toEqual({
      message: expect.any(String),
      code,
      status,
      messageWithParams: expect.any(String),
      messageParams: expect.any(Object),
      contextId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      details: expect.any(Array),
      errors: [],
    });
  });

  test('rejects malformed JSON and a non-object body with 400 bad.request, and an oversized body with 413', async () => {
    expect((await rawCreate('{"organizationId":')).body).toMatchObject({ status: 400, code: 'bad.request' });
    expect((await rawCreate('[1,2]')).body).toMatchObject({ status: 400, code: 'chat.error.bad.request' });
    const big = await rawCreate(createRequest(emu, { memberInfo: { displayName: 'x'.repeat(600_000) } }));
    expect(big).toMatchObject({ status: 413, body: { code: 'request.entity.too.large' } });
  });

  test('a disabled deployment and a foreign browser origin are refused', async () => {
    const e2 = await startEmulator({
      port: 0,
      deployments: [
        { id: '0b0b0b0b-0000-4000-8000-000000000001', disabled: true },
        { id: '0b0b0b0b-0000-4000-8000-000000000002', allowedOrigins: ['https://shop.example'] },
      ],
    });
    try {
      const req = (did: string) => createRequest(e2, { deploymentId: did });
      const post = (body: unknown, origin?: string) =>
        fetch(`${e2.url}/api/v2/webchat/guest/conversations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(origin ? { origin } : {}) },
          body: JSON.stringify(body),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as { code: string } }));
      expect(await post(req('0b0b0b0b-0000-4000-8000-000000000001'))).toMatchObject({
        status: 400,
        body: { code: 'chat.deployment.disabled' },
      });
      expect(await post(req('0b0b0b0b-0000-4000-8000-000000000002'), 'https://evil.example')).toMatchObject({
        status: 403,
        body: { code: 'origin.not.allowed' },
      });
      expect((await post(req('0b0b0b0b-0000-4000-8000-000000000002'), 'https://shop.example')).status).toBe(200);
    } finally {
      await e2.close();
    }
  });

  test('with unknownQueue "accept-never-route", a queue id is accepted at create but the chat never routes ', async () => {
    const e2 = await startEmulator({ port: 0, unknownQueue: 'accept-never-route' });
    try {
      const { client, api } = guestSdk(e2.url);
      const r = await api.postWebchatGuestConversations(
        createRequest(e2, { routingTarget: { targetType: 'queue', targetAddress: e2.options.queues[0]!.id } }) as never,
      );
      client.setJwt(r.jwt!);
      const s = await StreamRecorder.open(r.eventStreamUri!);
      await s.waitFor(isMessageFrom(r.member!.id!, 'member-join'));
      const err = await rejection(api.postWebchatGuestConversationMemberMessages(r.id!, r.member!.id!, { body: 'hi' }));
      expect(err).toMatchObject({
        status: 400,
        code: 'chat.error.conversation.state',
        messageParams: { message: 'The conversation is not active' },
      });
      expect(e2.engine.conversations.get(r.id!)?.phase).toBe('created');
      s.close();
    } finally {
      await e2.close();
    }
  });
});

describe('authorization', () => {
  test('the published SDK corrupts its own Authorization header after create; the emulator refuses it with 401', async () => {
    const { client, api } = guestSdk(emu.url, { workaround: false });
    const r = await api.postWebchatGuestConversations(createRequest(emu) as never);
    client.setJwt(r.jwt!);
    const err = await rejection(api.getWebchatGuestConversationMember(r.id!, r.member!.id!));
    expect(err).toMatchObject({ status: 401, code: 'bad.credentials' });
    // The cause, exactly as the reference describes it: the shared default headers now hold the redaction marker.
    expect((client as unknown as { defaultHeaders: Record<string, string> }).defaultHeaders['Authorization']).toBe(
      '[REDACTED]',
    );
  });

  test('with the workaround every authenticated call carries the JWT', async () => {
    const { client, api } = guestSdk(emu.url);
    const r = await api.postWebchatGuestConversations(createRequest(emu) as never);
    client.setJwt(r.jwt!);
    for (let i = 0; i < 3; i++) {
      expect(await api.getWebchatGuestConversationMember(r.id!, r.member!.id!)).toMatchObject({
        id: r.member!.id,
        role: 'CUSTOMER',
      });
    }
  });

  test('missing, malformed, foreign and expired credentials', async () => {
    const c = await chat();
    const url = `${emu.url}/api/v2/webchat/guest/conversations/${c.conversationId}/members/${c.memberId}`;
    const get = (authorization?: string, u = url) =>
      fetch(u, { headers: authorization ? { authorization } : {} }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as { code: string },
      }));
    expect(await get()).toMatchObject({ status: 401, body: { code: 'authentication.required' } });
    expect(await get('[REDACTED]')).toMatchObject({ status: 401, body: { code: 'bad.credentials' } });
    expect(await get(`Bearer ${c.jwt.slice(0, -4)}AAAA`)).toMatchObject({
      status: 401,
      body: { code: 'bad.credentials' },
    });
    // Scheme is case-insensitive.
    expect((await get(`bearer ${c.jwt}`)).status).toBe(200);
    expect((await get(`BEARER ${c.jwt}`)).status).toBe(200);
    // A valid token for another conversation does not open this one, and does not reveal that it exists.
    const other = await chat();
    expect(await get(`Bearer ${other.jwt}`)).toMatchObject({ status: 404, body: { code: 'not.found' } });
    expect(
      await get(
        `Bearer ${c.jwt}`,
        `${emu.url}/api/v2/webchat/guest/conversations/00000000-0000-4000-8000-000000000000/members`,
      ),
    ).toMatchObject({
      status: 404,
      body: { code: 'not.found' },
    });
    // A guest may not act as another member.
    const agentless = await fetch(
      `${emu.url}/api/v2/webchat/guest/conversations/${c.conversationId}/members/${other.memberId}/messages`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${c.jwt}`, 'content-type': 'application/json' },
        body: JSON.stringify({ body: 'x' }),
      },
    );
    expect(agentless.status).toBe(404);
    const acd = [...emu.engine.get(c.conversationId).members.values()].find((m) => m.role === 'ACD')!;
    const asAcd = await fetch(
      `${emu.url}/api/v2/webchat/guest/conversations/${c.conversationId}/members/${acd.id}/typing`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${c.jwt}` },
      },
    );
    expect(asAcd.status).toBe(403);
  });

  test('the JWT expires after its lifetime: 401 credentials.expired', async () => {
    const e2 = await startEmulator({ port: 0, guestJwtLifetimeSeconds: 60 });
    try {
      const { client, api } = guestSdk(e2.url);
      const r = await api.postWebchatGuestConversations(createRequest(e2) as never);
      client.setJwt(r.jwt!);
      await api.getWebchatGuestConversationMember(r.id!, r.member!.id!);
      await control(e2, 'POST', '/clock', { advanceMs: 61_000 });
      expect(await rejection(api.getWebchatGuestConversationMember(r.id!, r.member!.id!))).toMatchObject({
        status: 401,
        code: 'credentials.expired',
      });
    } finally {
      await e2.close();
    }
  });
});

describe('messages and typing', () => {
  test('POST before the socket is attached answers 400 chat.error.conversation.state (R8)', async () => {
    const { client, api } = guestSdk(emu.url);
    const r = await api.postWebchatGuestConversations(createRequest(emu) as never);
    client.setJwt(r.jwt!);
    const err = await rejection(
      api.postWebchatGuestConversationMemberMessages(r.id!, r.member!.id!, { body: 'too early' }),
    );
    expect(err).toMatchObject({
      status: 400,
      code: 'chat.error.conversation.state',
      message: 'Conversation State',
      messageParams: { message: 'The conversation is not active' },
    });
    expect(await rejection(api.postWebchatGuestConversationMemberTyping(r.id!, r.member!.id!))).toMatchObject({
      status: 400,
      code: 'chat.error.conversation.state',
    });
  });

  test('a message posted while queued has the R5 shape and is echoed with the same id', async () => {
    const c = await chat();
    const m = await c.api.postWebchatGuestConversationMemberMessages(c.conversationId, c.memberId, { body: 'Hello?' });
    expect(m).toEqual({
      id: expect.any(String),
      conversation: { id: c.conversationId, selfUri: `/api/v2/conversations/${c.conversationId}` },
      sender: { id: c.memberId },
      body: 'Hello?',
      bodyType: 'standard',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      selfUri: `/api/v2/webchat/guest/conversations/${c.conversationId}/messages/${m.id}`,
    });
    const [echo] = await c.stream.waitFor(isMessageFrom(c.memberId));
    expect(echo!.eventBody.id).toBe(m.id);
    expect(echo!.eventBody.body).toBe('Hello?');
  });

  test('bodyType: notice kept, the documentation literal "standard | notice" read as standard, member-join refused', async () => {
    const c = await chat();
    expect(
      (
        await c.api.postWebchatGuestConversationMemberMessages(c.conversationId, c.memberId, {
          body: 'n',
          bodyType: 'notice',
        })
      ).bodyType,
    ).toBe('notice');
    expect(
      (
        await c.api.postWebchatGuestConversationMemberMessages(c.conversationId, c.memberId, {
          body: 's',
          bodyType: 'standard | notice' as never,
        })
      ).bodyType,
    ).toBe('standard');
    expect(
      await rejection(
        c.api.postWebchatGuestConversationMemberMessages(c.conversationId, c.memberId, {
          body: 'j',
          bodyType: 'member-join',
        }),
      ),
    ).toMatchObject({ status: 400 });
  });

  test('message body: required, at most 4,000 characters', async () => {
    const c = await chat();
    expect(
      await rejection(c.api.postWebchatGuestConversationMemberMessages(c.conversationId, c.memberId, {} as never)),
    ).toMatchObject({
      status: 400,
      code: 'chat.error.notnull.createconversationmessagerequest.body',
    });
    expect(
      (await c.api.postWebchatGuestConversationMemberMessages(c.conversationId, c.memberId, { body: 'x'.repeat(4000) }))
        .body,
    ).toHaveLength(4000);
    const err = await rejection(
      c.api.postWebchatGuestConversationMemberMessages(c.conversationId, c.memberId, { body: 'x'.repeat(4001) }),
    );
    expect(err).toMatchObject({
      status: 400,
      code: 'chat.error.size.createconversationmessagerequest.body',
      messageParams: { max: '4000', length: '4001' },
    });
  });

  test('typing answers the R6 shape and is echoed as a typing-indicator frame', async () => {
    const c = await chat();
    const t = await c.api.postWebchatGuestConversationMemberTyping(c.conversationId, c.memberId);
    expect(t).toEqual({
      id: expect.any(String),
      conversation: { id: c.conversationId, selfUri: `/api/v2/conversations/${c.conversationId}` },
      sender: { id: c.memberId },
      timestamp: expect.any(String),
    });
    const [frame] = await c.stream.waitFor((f) => f.metadata?.type === 'typing-indicator');
    expect(frame).toEqual({
      topicName: `v2.conversations.chats.${c.conversationId}.messages`,
      version: '2',
      eventBody: {
        id: t.id,
        conversation: { id: c.conversationId },
        sender: { id: c.memberId },
        timestamp: t.timestamp,
      },
      metadata: { CorrelationId: expect.any(String), type: 'typing-indicator' },
    });
  });

  test('after the end, messages and typing answer 400 chat.error.conversation.state', async () => {
    const c = await chat();
    await control(emu, 'POST', `/chats/${c.conversationId}/accept`, {});
    await control(emu, 'POST', `/chats/${c.conversationId}/end`);
    expect(
      await rejection(c.api.postWebchatGuestConversationMemberMessages(c.conversationId, c.memberId, { body: 'late' })),
    ).toMatchObject({
      status: 400,
      code: 'chat.error.conversation.state',
    });
    expect(await rejection(c.api.postWebchatGuestConversationMemberTyping(c.conversationId, c.memberId))).toMatchObject(
      { status: 400, code: 'chat.error.conversation.state' },
    );
  });
});

describe('history', () => {
  test('GET messages: ascending by default, after/before by id, descending, maxResults with next/previousPage', async () => {
    const c = await chat();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(
        (await c.api.postWebchatGuestConversationMemberMessages(c.conversationId, c.memberId, { body: `m${i}` })).id!,
      );
    const bodies = (r: { entities?: Array<{ body?: string; bodyType?: string }> }) =>
      r.entities!.filter((m) => m.bodyType === 'standard').map((m) => m.body);
    const all = await c.api.getWebchatGuestConversationMessages(c.conversationId);
    expect(bodies(all)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    // Member joins of guest, workflow and ACD, the workflow notice, and its leave come before the guest's messages.
    expect(all.entities!.map((m) => m.bodyType).slice(0, 3)).toEqual(['member-join', 'member-join', 'notice']);

    const after = await c.api.getWebchatGuestConversationMessages(c.conversationId, { after: ids[1] });
    expect(bodies(after)).toEqual(['m2', 'm3', 'm4']);
    const before = await c.api.getWebchatGuestConversationMessages(c.conversationId, { before: ids[2], after: ids[0] });
    expect(bodies(before)).toEqual(['m1']);
    const desc = await c.api.getWebchatGuestConversationMessages(c.conversationId, {
      after: ids[0],
      sortOrder: 'descending',
      maxResults: 2,
    });
    expect(bodies(desc)).toEqual(['m4', 'm3']);
    expect(desc.previousPage).toContain(`before=${ids[3]}`);
    const page = await c.api.getWebchatGuestConversationMessages(c.conversationId, { after: ids[0], maxResults: 2 });
    expect(bodies(page)).toEqual(['m1', 'm2']);
    expect(page.pageSize).toBe(2);
    expect(page.next).toContain(`after=${ids[2]}`);
    const last = await c.api.getWebchatGuestConversationMessages(c.conversationId, { after: ids[3] });
    expect(last.next).toBeUndefined();

    const one = await c.api.getWebchatGuestConversationMessage(c.conversationId, ids[2]!);
    expect(one).toMatchObject({ id: ids[2], body: 'm2', sender: { id: c.memberId } });
    expect(
      await rejection(
        c.api.getWebchatGuestConversationMessage(c.conversationId, '00000000-0000-4000-8000-000000000000'),
      ),
    ).toMatchObject({
      status: 404,
      code: 'chat.error.not.found',
    });
    expect(
      await rejection(c.api.getWebchatGuestConversationMessages(c.conversationId, { after: 'nope' })),
    ).toMatchObject({ status: 400, code: 'invalid.query.param.value' });
    expect(
      await rejection(c.api.getWebchatGuestConversationMessages(c.conversationId, { sortOrder: 'sideways' as never })),
    ).toMatchObject({
      status: 400,
      code: 'invalid.query.param.value',
    });
    // maxResults above 100 is capped, not refused.
    expect(
      (await c.api.getWebchatGuestConversationMessages(c.conversationId, { maxResults: 500 })).entities!.length,
    ).toBeLessThanOrEqual(100);
  });
});

describe('members', () => {
  test('GET member gives role, names, avatar, state, dates, authenticatedGuest and custom fields', async () => {
    const c = await chat({
      memberInfo: {
        displayName: 'Jane Guest',
        firstName: 'Jane',
        email: 'jane@example.com',
        customFields: { topic: 'billing' },
      },
    });
    const me = await c.api.getWebchatGuestConversationMember(c.conversationId, c.memberId);
    expect(me).toEqual({
      id: c.memberId,
      role: 'CUSTOMER',
      displayName: 'Jane Guest',
      firstName: 'Jane',
      email: 'jane@example.com',
      state: 'CONNECTED',
      joinDate: expect.any(String),
      authenticatedGuest: false,
      customFields: { topic: 'billing' },
    });
    await control(emu, 'POST', `/chats/${c.conversationId}/accept`, {
      name: 'Morgan Avatar',
      avatarImageUrl: 'https://example.com/m.png',
    });
    const agentId = await c.stream.waitFor(
      (f) =>
        f.metadata?.type === 'member-change' &&
        f.eventBody.member?.state === 'CONNECTED' &&
        f.eventBody.member.id !== c.memberId,
      3,
    );
    const agentMember = agentId[2]!.eventBody.member!.id;
    const agent = await c.api.getWebchatGuestConversationMember(c.conversationId, agentMember);
    expect(agent).toMatchObject({
      id: agentMember,
      role: 'AGENT',
      displayName: 'Morgan Avatar',
      avatarImageUrl: 'https://example.com/m.png',
      state: 'CONNECTED',
    });
    expect(agent).not.toHaveProperty('agentId');
    expect(
      await rejection(
        c.api.getWebchatGuestConversationMember(c.conversationId, '00000000-0000-4000-8000-000000000000'),
      ),
    ).toMatchObject({
      status: 404,
      code: 'chat.error.not.found',
    });
  });

  test('GET members pages and can exclude disconnected members; roles ACD and WORKFLOW appear', async () => {
    const c = await chat();
    const all = await c.api.getWebchatGuestConversationMembers(c.conversationId);
    expect(all.entities!.map((m) => [m.role, m.state])).toEqual([
      ['CUSTOMER', 'CONNECTED'],
      ['WORKFLOW', 'DISCONNECTED'],
      ['ACD', 'CONNECTED'],
    ]);
    expect(all.entities![1]!.leaveDate).toEqual(expect.any(String));
    expect(all).toMatchObject({ total: 3, pageNumber: 1, pageSize: 25, pageCount: 1 });
    const live = await c.api.getWebchatGuestConversationMembers(c.conversationId, { excludeDisconnectedMembers: true });
    expect(live.entities!.map((m) => m.role)).toEqual(['CUSTOMER', 'ACD']);
    const p2 = await c.api.getWebchatGuestConversationMembers(c.conversationId, { pageSize: 2, pageNumber: 2 });
    expect(p2.entities!.map((m) => m.role)).toEqual(['ACD']);
    expect(p2.previousUri).toContain('pageNumber=1');
    expect(p2.nextUri).toBeUndefined();
    expect(
      await rejection(c.api.getWebchatGuestConversationMembers(c.conversationId, { pageSize: 101 })),
    ).toMatchObject({ status: 400, code: 'invalid.query.param.value' });
  });

  test('DELETE own member: 204, the chat ends, a second DELETE answers 400 chat.error.member.state', async () => {
    const c = await chat();
    await expect(c.api.deleteWebchatGuestConversationMember(c.conversationId, c.memberId)).resolves.toBeUndefined();
    expect((await c.api.getWebchatGuestConversationMember(c.conversationId, c.memberId)).state).toBe('DISCONNECTED');
    expect(await rejection(c.api.deleteWebchatGuestConversationMember(c.conversationId, c.memberId))).toMatchObject({
      status: 400,
      code: 'chat.error.member.state',
    });
    expect(
      (await control<{ state: string; endReason: string }>(emu, 'GET', `/chats/${c.conversationId}`)).body,
    ).toMatchObject({ state: 'ended', endReason: 'guest' });
  });
});

describe('media requests', () => {
  test('an agent invitation is announced as a media-request message, listed, read and answered', async () => {
    const c = await chat();
    await control(emu, 'POST', `/chats/${c.conversationId}/accept`, {});
    const agentJoin = await c.stream.waitFor(
      (f) => f.metadata?.type === 'message' && f.eventBody.bodyType === 'member-join',
      4,
    );
    expect(agentJoin).toHaveLength(4);
    const created = await control<{ id: string }>(emu, 'POST', `/chats/${c.conversationId}/media-requests`, {
      types: ['COBROWSE'],
    });
    const [frame] = await c.stream.waitFor(
      (f) => f.metadata?.type === 'message' && f.eventBody.bodyType === 'media-request',
    );
    expect(frame!.eventBody.body).toBe(created.body.id);
    const list = await c.api.getWebchatGuestConversationMediarequests(c.conversationId);
    expect(list.entities).toEqual([
      expect.objectContaining({
        id: created.body.id,
        types: ['COBROWSE'],
        state: 'PENDING',
        securityKey: expect.any(String),
      }),
    ]);
    expect(await c.api.getWebchatGuestConversationMediarequest(c.conversationId, created.body.id)).toMatchObject({
      state: 'PENDING',
    });
    const accepted = await c.api.patchWebchatGuestConversationMediarequest(c.conversationId, created.body.id, {
      state: 'ACCEPTED',
      types: ['COBROWSE'],
    });
    expect(accepted).toMatchObject({ state: 'ACCEPTED', communicationId: expect.any(String) });
    expect(
      await rejection(
        c.api.patchWebchatGuestConversationMediarequest(c.conversationId, created.body.id, {
          state: 'DECLINED',
          types: ['COBROWSE'],
        }),
      ),
    ).toMatchObject({
      status: 400,
      code: 'chat.error.conversation.state',
    });
    expect(
      await rejection(
        c.api.patchWebchatGuestConversationMediarequest(c.conversationId, created.body.id, {
          state: 'PENDING',
          types: ['COBROWSE'],
        }),
      ),
    ).toMatchObject({
      status: 400,
      code: 'invalid.value',
    });
    expect(
      await rejection(
        c.api.getWebchatGuestConversationMediarequest(c.conversationId, '00000000-0000-4000-8000-000000000000'),
      ),
    ).toMatchObject({
      status: 404,
      code: 'chat.error.not.found',
    });
  });
});

describe('CORS', () => {
  test('browsers may call every guest operation cross-origin (preflight allows DELETE and PATCH with Authorization); the control API is not exposed', async () => {
    for (const method of ['POST', 'DELETE', 'PATCH']) {
      const r = await fetch(`${emu.url}/api/v2/webchat/guest/conversations/c/members/m`, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://shop.example',
          'access-control-request-method': method,
          'access-control-request-headers': 'authorization,content-type',
        },
      });
      expect(r.status).toBe(204);
      expect(r.headers.get('access-control-allow-origin')).toBe('https://shop.example');
      expect(r.headers.get('access-control-allow-methods')).toContain(method);
      expect(r.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    }
    const ctl = await fetch(`${emu.url}/control/state`, { headers: { origin: 'https://evil.example' } });
    expect(ctl.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('unknown paths', () => {
  test('answer a Genesys 404 body', async () => {
    const r = await fetch(`${emu.url}/api/v2/webchat/guest/nothing`);
    expect(r.status).toBe(404);
    expect(await r.json()).toMatchObject({
      status: 404,
      code: 'not.found',
      contextId: r.headers.get('inin-correlation-id'),
    });
  });
});
