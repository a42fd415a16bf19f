import platformClient from 'purecloud-platform-client-v2';
import { DEMO, startEmulator, type QueueConfig, type RunningEmulator } from '../src';
import { createRequest, guestSdk, isMemberChange, queuedChat } from './guest-chat-helpers';
import { control, rejection } from './helpers';
import { WmGuest, isOutboundText } from './web-messaging-helpers';

/**
 * The Platform API subset driven by the real `purecloud-platform-client-v2` SDK through `setGateway`, as the middleware
 * will use it (docs/platform-api.md). Each block owns its queues and agents, so the blocks do not see each
 * other's chats.
 */

type ObservationResponse = platformClient.Models.QueueObservationQueryResponse;
type ObservationQuery = platformClient.Models.QueueObservationQuery;
type ErrorBody = Awaited<ReturnType<typeof rejection>> & { details: unknown[]; errors: unknown[] };

/** What an SDK call resolves or rejects with under `setReturnExtendedResponses(true)` (docs/platform-api.md, "The SDK"). */
interface Extended<T> {
  status: number;
  headers: Record<string, string>;
  body: T;
}

type Chat = Awaited<ReturnType<typeof queuedChat>>;

const CHAT = { id: DEMO.queueId, name: DEMO.queueName };
const EWT: QueueConfig = { id: 'b6f1e0c2-0001-4000-8000-00000000e001', name: 'EWT Queue', averageHandleSeconds: 60 };
const OBS: QueueConfig = {
  id: 'b6f1e0c2-0002-4000-8000-00000000e002',
  name: 'Obs Queue',
  // Non-chat load in the same queue, reported in groups of their own (docs/platform-api.md, "Queue observations").
  otherMedia: { voice: { waiting: 3, interacting: 2 }, message: { waiting: 4, interacting: 1 } },
};
const EMPTY: QueueConfig = { id: 'b6f1e0c2-0003-4000-8000-00000000e003', name: 'Empty Queue' };
const SUPPORT_EN: QueueConfig = { id: 'b6f1e0c2-0004-4000-8000-00000000e004', name: 'Support EN' };
const SUPPORT_FR: QueueConfig = { id: 'b6f1e0c2-0005-4000-8000-00000000e005', name: 'Support FR' };
const SALES_SUPPORT: QueueConfig = { id: 'b6f1e0c2-0006-4000-8000-00000000e006', name: 'Sales Support' };
const BULK: QueueConfig[] = Array.from({ length: 55 }, (_, i) => ({
  id: `b6f1e0c2-1${String(i).padStart(3, '0')}-4000-8000-000000000000`,
  name: `Bulk Queue ${String(i + 1).padStart(2, '0')}`,
}));

const EWT_AGENTS = ['ewt-agent-1', 'ewt-agent-2'];
const OBS_AGENTS = ['obs-agent-1', 'obs-agent-2', 'obs-agent-3'];
const OBS_OFF_QUEUE = 'obs-agent-off';
const TOKEN_LIFETIME = 900;

let emu: RunningEmulator;
/** A second emulator with a tiny rate limit; also a foreign signer for the signed-data tests. */
let limited: RunningEmulator;

beforeAll(async () => {
  [emu, limited] = await Promise.all([
    startEmulator({
      port: 0,
      // CHAT first: the helpers' createRequest routes to queues[0].
      queues: [CHAT, EWT, OBS, EMPTY, SUPPORT_EN, SUPPORT_FR, SALES_SUPPORT, ...BULK],
      agents: [
        ...EWT_AGENTS.map((id) => ({ id, name: id, queueIds: [EWT.id] })),
        ...OBS_AGENTS.map((id) => ({ id, name: id, queueIds: [OBS.id] })),
        { id: OBS_OFF_QUEUE, name: OBS_OFF_QUEUE, queueIds: [OBS.id], onQueue: false },
      ],
      accessTokenLifetimeSeconds: TOKEN_LIFETIME,
    }),
    startEmulator({ port: 0, platformRateLimitPerMinute: 5 }),
  ]);
});

afterAll(async () => {
  await Promise.all([emu?.close(), limited?.close()]);
});

/** A fresh SDK client (never the singleton) pointed at an emulator, as the middleware wires it. */
function sdk(target: RunningEmulator, opts: { extended?: boolean } = {}) {
  const client = new platformClient.ApiClientClass();
  client.config.live_reload_config = false;
  client.setGateway({ host: '127.0.0.1', protocol: 'http', port: target.port });
  if (opts.extended) client.setReturnExtendedResponses(true);
  return {
    client,
    routing: new platformClient.RoutingApi(client),
    analytics: new platformClient.AnalyticsApi(client),
    tokens: new platformClient.TokensApi(client),
    conversations: new platformClient.ConversationsApi(client),
    login: (clientId: string = DEMO.clientId, clientSecret: string = DEMO.clientSecret) =>
      client.loginClientCredentialsGrant(clientId, clientSecret),
    signedData: (body: unknown) =>
      client.callApi(
        '/api/v2/signeddata',
        'POST',
        {},
        {},
        {},
        {},
        body,
        ['PureCloud OAuth'],
        ['application/json'],
        ['application/json'],
      ) as Promise<{ jwt: string }>,
  };
}

async function loggedIn(target: RunningEmulator, opts: { extended?: boolean } = {}) {
  const s = sdk(target, opts);
  await s.login();
  return s;
}

/** Extended-mode calls resolve with an envelope the SDK's types do not describe. */
const extended = <T>(p: Promise<unknown>) => p as Promise<Extended<T>>;

async function extendedRejection(p: Promise<unknown>): Promise<Extended<ErrorBody>> {
  try {
    await p;
  } catch (e) {
    return e as Extended<ErrorBody>;
  }
  throw new Error('expected the call to fail, it succeeded');
}

/** Login failures are the raw AxiosError (docs/platform-api.md, "OAuth client credentials"). */
async function loginFailure(
  p: Promise<unknown>,
): Promise<{ isAxiosError: boolean; response: { status: number; data: Record<string, unknown> } }> {
  return (await rejection(p)) as never;
}

const errorBody = (status: number, code: string) =>
  expect.objectContaining({ status, code, message: expect.any(String), contextId: expect.any(String) });

async function acceptChat(chat: Chat, agentId: string): Promise<void> {
  const r = await control<{ agent: { memberId: string } }>(emu, 'POST', `/chats/${chat.conversationId}/accept`, {
    agentId,
  });
  expect(r.status).toBe(200);
  await chat.stream.waitFor(isMemberChange(r.body.agent.memberId, 'CONNECTED'));
}

async function endChats(chats: Chat[]): Promise<void> {
  for (const chat of chats.splice(0)) {
    await chat.api.deleteWebchatGuestConversationMember(chat.conversationId, chat.memberId);
    chat.stream.close();
  }
}

const chatIn = (queue: QueueConfig) =>
  queuedChat(emu, { routingTarget: { targetType: 'QUEUE', targetAddress: queue.name } });

const advanceClock = async (ms: number) =>
  expect((await control(emu, 'POST', '/clock', { advanceMs: ms })).status).toBe(200);

const setAgent = async (id: string, patch: { onQueue?: boolean; routingStatus?: string | null }) =>
  expect((await control(emu, 'PATCH', `/agents/${id}`, patch)).status).toBe(200);

// ---------------------------------------------------------------------------------------------------------------
describe('OAuth client credentials', () => {
  test('good credentials give a token the API accepts, with expires_in from accessTokenLifetimeSeconds', async () => {
    const s = sdk(emu);
    const before = Date.now();
    const auth = await s.login();
    expect(auth.accessToken).toEqual(expect.any(String));
    // The SDK turns expires_in into tokenExpiryTime = now + expires_in * 1000 (docs/platform-api.md, "OAuth client credentials").
    const lifetimeMs = (auth.tokenExpiryTime ?? 0) - before;
    expect(emu.options.accessTokenLifetimeSeconds).not.toBe(86400);
    expect(lifetimeMs).toBeGreaterThanOrEqual(emu.options.accessTokenLifetimeSeconds * 1000);
    expect(lifetimeMs).toBeLessThan(emu.options.accessTokenLifetimeSeconds * 1000 + 5000);
    const me = await s.tokens.getTokensMe();
    expect(me.organization?.id).toBe(emu.options.organizationId);
  });

  test('the token response itself: bearer, expires_in, no refresh token', async () => {
    // Raw HTTP here: the SDK keeps only access_token and expires_in of the response.
    const res = await fetch(`${emu.url}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${DEMO.clientId}:${DEMO.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: TOKEN_LIFETIME });
  });

  test('a bad secret or an unknown client is 401 (an AxiosError from the SDK)', async () => {
    const bad = await loginFailure(sdk(emu).login(DEMO.clientId, 'not-the-secret'));
    expect(bad.isAxiosError).toBe(true);
    expect(bad.response.status).toBe(401);
    expect(bad.response.data['error']).toBe('invalid_client');
    const unknown = await loginFailure(sdk(emu).login('no-such-client', DEMO.clientSecret));
    expect(unknown.response.status).toBe(401);
  });

  test('a grant type other than client_credentials is 400', async () => {
    // The SDK only ever sends client_credentials, so this one is raw HTTP.
    const res = await fetch(`${emu.url}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${DEMO.clientId}:${DEMO.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=password&username=a&password=b',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Record<string, unknown>)['error']).toBe('unsupported_grant_type');
  });

  test('an API call without a token is 401 authentication.required; with a garbage token 401 bad.credentials', async () => {
    const none = sdk(emu);
    expect(await rejection(none.tokens.getTokensMe())).toEqual(errorBody(401, 'authentication.required'));
    expect(await rejection(none.routing.getRoutingQueues({}))).toEqual(errorBody(401, 'authentication.required'));

    const garbage = sdk(emu);
    garbage.client.setAccessToken('garbage-token');
    expect(await rejection(garbage.tokens.getTokensMe())).toEqual(errorBody(401, 'bad.credentials'));
    expect(await rejection(garbage.routing.getRoutingQueueEstimatedwaittime(EWT.id))).toEqual(
      errorBody(401, 'bad.credentials'),
    );
  });

  test('a token expires by the emulator clock (401 bad.credentials) and a new login works', async () => {
    const s = await loggedIn(emu);
    await s.tokens.getTokensMe();
    await advanceClock(TOKEN_LIFETIME * 1000 - 5000);
    await s.tokens.getTokensMe(); // not yet
    await advanceClock(6000);
    expect(await rejection(s.tokens.getTokensMe())).toEqual(errorBody(401, 'bad.credentials'));
    // The SDK does not re-login for client credentials (docs/platform-api.md, "OAuth client credentials"): the caller does.
    expect(await rejection(s.routing.getRoutingQueues({}))).toEqual(errorBody(401, 'bad.credentials'));
    await s.login();
    expect((await s.tokens.getTokensMe()).organization?.id).toBe(emu.options.organizationId);
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('GET /api/v2/routing/queues', () => {
  let s: Awaited<ReturnType<typeof loggedIn>>;
  beforeAll(async () => {
    s = await loggedIn(emu);
  });

  const names = (l: platformClient.Models.QueueEntityListing) => (l.entities ?? []).map((q) => q.name ?? '');
  const byName = (a: string, b: string) => a.localeCompare(b);

  test('exact name, case-insensitive, spaces sent as "+"', async () => {
    const exact = await s.routing.getRoutingQueues({ name: 'Support EN' });
    expect(exact.entities?.map((q) => q.id)).toEqual([SUPPORT_EN.id]);
    expect(exact.total).toBe(1);
    expect(names(await s.routing.getRoutingQueues({ name: 'sUPPORT en' }))).toEqual(['Support EN']);
    expect(names(await s.routing.getRoutingQueues({ name: 'Support' }))).toEqual([]);
    const listing = await s.routing.getRoutingQueues({ name: CHAT.name });
    expect(listing.entities?.[0]).toMatchObject({
      id: CHAT.id,
      name: CHAT.name,
      selfUri: `/api/v2/routing/queues/${CHAT.id}`,
    });
  });

  test('leading and trailing * wildcards', async () => {
    expect(names(await s.routing.getRoutingQueues({ name: 'support*' }))).toEqual(['Support EN', 'Support FR']);
    expect(names(await s.routing.getRoutingQueues({ name: '*SUPPORT' }))).toEqual(['Sales Support']);
    expect(names(await s.routing.getRoutingQueues({ name: '*support*' }))).toEqual([
      'Sales Support',
      'Support EN',
      'Support FR',
    ]);
    expect(names(await s.routing.getRoutingQueues({ name: '*ueue 5*' })).sort()).toEqual(
      BULK.filter((q) => q.name.includes('ueue 5'))
        .map((q) => q.name)
        .sort(),
    );
  });

  test('paging over many queues: total, pageCount, nextUri; a queue beyond page 1 is found by paging or by name', async () => {
    const total = emu.options.queues.length;
    expect(total).toBeGreaterThan(50);
    const first = await s.routing.getRoutingQueues({});
    expect(first).toMatchObject({ pageSize: 25, pageNumber: 1, total, pageCount: Math.ceil(total / 25) });
    expect(first.entities).toHaveLength(25);
    expect(first.previousUri).toBeUndefined();
    // Default page size 25: this is what IBM's getQueueID sees (the reference middleware's lookup).
    expect(names(first)).not.toContain(SUPPORT_FR.name);

    const seen: string[] = [];
    let page: platformClient.Models.QueueEntityListing | undefined = first;
    let foundOn = 0;
    while (page) {
      seen.push(...names(page));
      if (names(page).includes(SUPPORT_FR.name)) foundOn = page.pageNumber ?? -1;
      if (!page.nextUri) break;
      const next = new URL(page.nextUri, emu.url).searchParams;
      expect(Number(next.get('pageNumber'))).toBe((page.pageNumber ?? 0) + 1);
      page = await s.routing.getRoutingQueues({
        pageSize: Number(next.get('pageSize')),
        pageNumber: Number(next.get('pageNumber')),
      });
      expect(page.previousUri).toEqual(expect.stringContaining(`pageNumber=${(page.pageNumber ?? 0) - 1}`));
    }
    expect(page?.pageNumber).toBe(first.pageCount);
    expect(foundOn).toBe(3);
    expect(seen).toHaveLength(total);
    expect([...seen].sort(byName)).toEqual(seen);
    expect(new Set(seen)).toEqual(new Set(emu.options.queues.map((q) => q.name)));

    expect((await s.routing.getRoutingQueues({ name: SUPPORT_FR.name })).entities?.map((q) => q.id)).toEqual([
      SUPPORT_FR.id,
    ]);
    // Past the end: an empty page, not an error.
    const past = await s.routing.getRoutingQueues({ pageNumber: (first.pageCount ?? 0) + 1 });
    expect(past.entities).toEqual([]);
    expect(past.nextUri).toBeUndefined();
  });

  test('pageSize 100 as the reference lookup recipe uses', async () => {
    const big = await s.routing.getRoutingQueues({ pageSize: 100 });
    expect(big.entities).toHaveLength(emu.options.queues.length);
    expect(big.pageCount).toBe(1);
    expect(big.nextUri).toBeUndefined();
  });

  test('sortOrder desc reverses the order, and its paging links keep the filters', async () => {
    const asc = names(await s.routing.getRoutingQueues({ pageSize: 100 }));
    const desc = await s.routing.getRoutingQueues({ pageSize: 10, sortOrder: 'desc', name: '*queue*' });
    const matching = asc.filter((n) => n.toLowerCase().includes('queue'));
    expect(names(desc)).toEqual([...matching].reverse().slice(0, 10));
    expect(desc.total).toBe(matching.length);
    // Following nextUri must give page 2 of the same listing (same order, same filter).
    const next = new URL(desc.nextUri ?? '', emu.url).searchParams;
    expect(next.get('sortOrder')).toBe('desc');
    expect(next.get('name')).toBe('*queue*');
    const page2 = await s.routing.getRoutingQueues({
      pageSize: Number(next.get('pageSize')),
      pageNumber: Number(next.get('pageNumber')),
      sortOrder: next.get('sortOrder') ?? undefined,
      name: next.get('name') ?? undefined,
    });
    expect(names(page2)).toEqual([...matching].reverse().slice(10, 20));
  });

  test('id filter (comma-joined by the SDK)', async () => {
    const listing = await s.routing.getRoutingQueues({ id: [SUPPORT_FR.id, EWT.id, 'no-such-id'] });
    expect(listing.entities?.map((q) => q.id).sort()).toEqual([SUPPORT_FR.id, EWT.id].sort());
    expect(listing.total).toBe(2);
    const next = await s.routing.getRoutingQueues({ id: BULK.slice(0, 12).map((q) => q.id), pageSize: 5 });
    expect(next.total).toBe(12);
    expect(new URL(next.nextUri ?? '', emu.url).searchParams.get('id')?.split(',').sort()).toEqual(
      BULK.slice(0, 12)
        .map((q) => q.id)
        .sort(),
    );
  });

  test('id repeated, as the API documents "multi" parameters, works as well; a repeated name is 400, not 500', async () => {
    // Raw HTTP: SDK 262 always comma-joins (docs/platform-api.md, "The SDK"), but other clients repeat the parameter.
    const { accessToken } = await sdk(emu).login();
    const get = async (qs: string) => {
      const res = await fetch(`${emu.url}/api/v2/routing/queues?${qs}`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      return { status: res.status, body: (await res.json()) as { entities?: Array<{ id: string }>; code?: string } };
    };
    const repeated = await get(`id=${SUPPORT_FR.id}&id=${EWT.id}`);
    expect(repeated.status).toBe(200);
    expect(repeated.body.entities?.map((q) => q.id).sort()).toEqual([SUPPORT_FR.id, EWT.id].sort());
    const twice = await get('name=Support+EN&name=Support+FR');
    expect(twice.status).toBe(400);
    expect(twice.body.code).toBe('invalid.query.param.value');
  });

  test('bad paging or sort values are 400 invalid.query.param.value', async () => {
    for (const opts of [
      { pageSize: 0 },
      { pageSize: 100000 },
      { pageNumber: 0 },
      { pageSize: 'ten' as unknown as number },
    ]) {
      const e = (await rejection(s.routing.getRoutingQueues(opts))) as ErrorBody;
      expect(e).toEqual(errorBody(400, 'invalid.query.param.value'));
      expect(e.details).toEqual([expect.objectContaining({ fieldName: Object.keys(opts)[0] })]);
    }
    expect(await rejection(s.routing.getRoutingQueues({ sortOrder: 'sideways' }))).toEqual(
      errorBody(400, 'invalid.query.param.value'),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('GET /api/v2/routing/queues/{id}/estimatedwaittime', () => {
  let s: Awaited<ReturnType<typeof loggedIn>>;
  const chats: Chat[] = [];
  beforeAll(async () => {
    s = await loggedIn(emu);
  });
  afterAll(async () => {
    await endChats(chats);
    for (const id of EWT_AGENTS) await setAgent(id, { onQueue: true });
  });

  const ewt = async (opts: { conversationId?: string } = {}) => {
    const r = await s.routing.getRoutingQueueEstimatedwaittime(EWT.id, opts);
    // One prediction per media type; for a given conversation, the one of its media type.
    const prediction = (intent: string) =>
      expect.objectContaining({ intent, formula: expect.any(String), estimatedWaitTimeSeconds: expect.any(Number) });
    expect(r.results).toEqual(opts.conversationId ? [prediction('CHAT')] : [prediction('CHAT'), prediction('MESSAGE')]);
    return r.results.find((x) => x.intent === 'CHAT')!.estimatedWaitTimeSeconds;
  };
  const aht = EWT.averageHandleSeconds!;

  test('an unknown queue is 404', async () => {
    expect(await rejection(s.routing.getRoutingQueueEstimatedwaittime('no-such-queue'))).toEqual(
      errorBody(404, 'not.found'),
    );
  });

  test('0 with nothing waiting; grows with each waiting chat', async () => {
    expect(await ewt()).toBe(0);
    chats.push(await chatIn(EWT));
    const one = await ewt();
    chats.push(await chatIn(EWT));
    const two = await ewt();
    expect(one).toBeGreaterThan(0);
    expect(two).toBeGreaterThan(one);
    // The emulator's model: chats ahead times handle time over on-queue agents.
    expect(one).toBe(Math.round(aht / EWT_AGENTS.length));
    expect(two).toBe(Math.round((2 * aht) / EWT_AGENTS.length));
  });

  test('conversationId gives the position-based estimate of that chat', async () => {
    const [first, second] = chats;
    const queueWide = await ewt();
    const mineFirst = await ewt({ conversationId: first!.conversationId });
    const mineSecond = await ewt({ conversationId: second!.conversationId });
    expect(mineFirst).toBeLessThan(mineSecond);
    expect(mineSecond).toBeLessThan(queueWide);
    expect(mineSecond - mineFirst).toBe(Math.round(aht / EWT_AGENTS.length));
  });

  test('with every agent off queue it is the longest current wait', async () => {
    for (const id of EWT_AGENTS) await setAgent(id, { onQueue: false });
    expect(await ewt()).toBeLessThanOrEqual(1);
    await advanceClock(90_000);
    const longest = await ewt();
    expect(longest).toBeGreaterThanOrEqual(90);
    expect(longest).toBeLessThanOrEqual(92);
    // An agent back on queue: the handle-time model again.
    await setAgent(EWT_AGENTS[0]!, { onQueue: true });
    expect(await ewt()).toBe(chats.length * aht);
  });

  test('chats leave the estimate once they end', async () => {
    for (const id of EWT_AGENTS) await setAgent(id, { onQueue: true });
    await endChats(chats);
    expect(await ewt()).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('POST /api/v2/analytics/queues/observations/query', () => {
  let s: Awaited<ReturnType<typeof loggedIn>>;
  const chats: Chat[] = [];
  beforeAll(async () => {
    s = await loggedIn(emu);
  });
  afterAll(async () => {
    await endChats(chats);
    for (const id of OBS_AGENTS) await setAgent(id, { routingStatus: null, onQueue: true });
  });

  const query = (body: ObservationQuery) => s.analytics.postAnalyticsQueuesObservationsQuery(body);
  const byQueue = (...queueIds: string[]): ObservationQuery['filter'] => ({
    type: 'or',
    predicates: queueIds.map((value) => ({ dimension: 'queueId', value })),
  });
  const group = (r: ObservationResponse, queueId: string, mediaType?: string) =>
    (r.results ?? []).filter((x) => x.group?.['queueId'] === queueId && x.group?.['mediaType'] === mediaType);
  const data = (r: ObservationResponse, queueId: string, mediaType?: string) => {
    const g = group(r, queueId, mediaType);
    expect(g).toHaveLength(1);
    return g[0]!.data ?? [];
  };
  const count = (d: platformClient.Models.ObservationMetricData[], metric: string, qualifier?: string) =>
    d.filter((x) => x.metric === metric && x.qualifier === qualifier).map((x) => x.stats?.count);
  const onQueue = (d: platformClient.Models.ObservationMetricData[]) =>
    Object.fromEntries(d.filter((x) => x.metric === 'oOnQueueUsers').map((x) => [x.qualifier, x.stats?.count]));

  test('on-queue users by routing status; off-queue members are not counted', async () => {
    const r = await query({ filter: byQueue(OBS.id), metrics: ['oOnQueueUsers'] });
    // User metrics come in one group without mediaType, and nothing else was asked for.
    expect(r.results).toHaveLength(1);
    expect(onQueue(data(r, OBS.id))).toEqual({ IDLE: OBS_AGENTS.length });
    const off = await query({ filter: byQueue(OBS.id), metrics: ['oOffQueueUsers'] });
    expect(count(data(off, OBS.id), 'oOffQueueUsers')).toEqual([1]);
  });

  test('waiting and interacting chats; other media in groups of their own', async () => {
    chats.push(await chatIn(OBS), await chatIn(OBS));
    await acceptChat(chats[0]!, OBS_AGENTS[0]!);
    const r = await query({ filter: byQueue(OBS.id), metrics: ['oOnQueueUsers', 'oWaiting', 'oInteracting'] });
    expect(onQueue(data(r, OBS.id))).toEqual({ IDLE: OBS_AGENTS.length - 1, INTERACTING: 1 });
    const chat = data(r, OBS.id, 'chat');
    expect(count(chat, 'oWaiting')).toEqual([1]);
    expect(count(chat, 'oInteracting')).toEqual([1]);
    for (const [mediaType, load] of Object.entries(OBS.otherMedia!)) {
      const d = data(r, OBS.id, mediaType);
      expect(count(d, 'oWaiting')).toEqual([load.waiting ?? 0]);
      expect(count(d, 'oInteracting')).toEqual([load.interacting ?? 0]);
    }
    // No user metric leaks into a media group, and no conversation metric into the user group.
    for (const g of r.results ?? []) {
      const metrics = (g.data ?? []).map((x) => x.metric);
      if (g.group?.['mediaType']) expect(metrics).not.toContain('oOnQueueUsers');
      else expect(metrics).toEqual(metrics.map(() => 'oOnQueueUsers'));
    }
  });

  test('oAlerting counts a chat offered to an agent', async () => {
    const alerting = await chatIn(OBS);
    chats.push(alerting);
    const before = await query({ filter: byQueue(OBS.id), metrics: ['oAlerting'] });
    expect(count(data(before, OBS.id, 'chat'), 'oAlerting')).toEqual([0]);
    const r = await control(emu, 'POST', `/chats/${alerting.conversationId}/accept`, {
      agentId: OBS_AGENTS[2],
      connect: false,
    });
    expect(r.status).toBe(200);
    const after = await query({ filter: byQueue(OBS.id), metrics: ['oAlerting'] });
    expect(count(data(after, OBS.id, 'chat'), 'oAlerting')).toEqual([1]);
    // Take it back to a plain waiting chat for the tests below: the guest leaves, a fresh one queues.
    await endChats(chats.splice(chats.indexOf(alerting), 1));
  });

  test('a routingStatus override shows as NOT_RESPONDING; going off queue removes the agent', async () => {
    await setAgent(OBS_AGENTS[1]!, { routingStatus: 'NOT_RESPONDING' });
    let r = await query({ filter: byQueue(OBS.id), metrics: ['oOnQueueUsers'] });
    expect(onQueue(data(r, OBS.id))).toEqual({ IDLE: OBS_AGENTS.length - 2, INTERACTING: 1, NOT_RESPONDING: 1 });
    await setAgent(OBS_AGENTS[1]!, { routingStatus: null, onQueue: false });
    r = await query({ filter: byQueue(OBS.id), metrics: ['oOnQueueUsers'] });
    expect(onQueue(data(r, OBS.id))).toEqual({ IDLE: OBS_AGENTS.length - 2, INTERACTING: 1 });
    await setAgent(OBS_AGENTS[1]!, { onQueue: true });
  });

  test('a queue without agents on queue has a user group with data: []', async () => {
    const r = await query({ filter: byQueue(EMPTY.id), metrics: ['oOnQueueUsers', 'oWaiting'] });
    expect(data(r, EMPTY.id)).toEqual([]);
    expect(count(data(r, EMPTY.id, 'chat'), 'oWaiting')).toEqual([0]);
  });

  test('several queues in one query', async () => {
    const r = await query({ filter: byQueue(OBS.id, EMPTY.id), metrics: ['oOnQueueUsers', 'oWaiting'] });
    expect(onQueue(data(r, OBS.id))).toEqual({ IDLE: OBS_AGENTS.length - 1, INTERACTING: 1 });
    expect(data(r, EMPTY.id)).toEqual([]);
    expect(count(data(r, OBS.id, 'chat'), 'oWaiting')).toEqual([1]);
  });

  test('a mediaType predicate keeps only that media type', async () => {
    const r = await query({
      filter: {
        type: 'and',
        predicates: [
          { dimension: 'queueId', value: OBS.id },
          { dimension: 'mediaType', value: 'voice' },
        ],
      },
      metrics: ['oWaiting'],
    });
    expect((r.results ?? []).map((x) => x.group)).toEqual([{ queueId: OBS.id, mediaType: 'voice' }]);
    expect(count(data(r, OBS.id, 'voice'), 'oWaiting')).toEqual([OBS.otherMedia!['voice']!.waiting]);
  });

  test('the clauses filter of an observation query', async () => {
    const r = await query({
      filter: {
        type: 'and',
        clauses: [
          { type: 'or', predicates: [{ type: 'dimension', dimension: 'queueId', operator: 'matches', value: OBS.id }] },
          { type: 'or', predicates: [{ dimension: 'mediaType', value: 'message' }] },
        ],
      },
      metrics: ['oOnQueueUsers', 'oWaiting', 'oInteracting'],
      detailMetrics: ['oWaiting'],
    });
    expect((r.results ?? []).map((x) => x.group)).toEqual([
      { queueId: OBS.id },
      { queueId: OBS.id, mediaType: 'message' },
    ]);
    expect(count(data(r, OBS.id, 'message'), 'oWaiting')).toEqual([OBS.otherMedia!['message']!.waiting]);
    const chatOnly = await query({
      filter: {
        type: 'and',
        clauses: [
          { type: 'or', predicates: [{ dimension: 'queueId', value: OBS.id }] },
          { type: 'or', predicates: [{ dimension: 'mediaType', value: 'chat' }] },
        ],
      },
      metrics: ['oWaiting'],
    });
    expect(count(data(chatOnly, OBS.id, 'chat'), 'oWaiting')).toEqual([1]);
  });

  test('detailMetrics oWaiting lists the waiting conversations, oldest first', async () => {
    await advanceClock(1500);
    chats.push(await chatIn(OBS));
    await advanceClock(1500);
    chats.push(await chatIn(OBS));
    const waitingIds = chats.slice(1).map((c) => c.conversationId);
    const r = await query({ filter: byQueue(OBS.id), metrics: ['oWaiting'], detailMetrics: ['oWaiting'] });
    const entry = data(r, OBS.id, 'chat').find((x) => x.metric === 'oWaiting');
    expect(entry?.stats?.count).toBe(waitingIds.length);
    expect(entry?.truncated).toBe(false);
    const obs = entry?.observations ?? [];
    expect(obs.map((o) => o.conversationId)).toEqual(waitingIds);
    const dates = obs.map((o) => Date.parse(o.observationDate));
    expect(dates.every((d, i) => i === 0 || d > dates[i - 1]!)).toBe(true);
    // The accepted chat is not waiting; other media carry no conversation details.
    expect(obs.map((o) => o.conversationId)).not.toContain(chats[0]!.conversationId);
    expect(data(r, OBS.id, 'voice').find((x) => x.metric === 'oWaiting')?.observations).toBeUndefined();
    // Without detailMetrics, no observations.
    const plain = await query({ filter: byQueue(OBS.id), metrics: ['oWaiting'] });
    expect(data(plain, OBS.id, 'chat')[0]?.observations).toBeUndefined();
  });

  test('bad bodies are 400', async () => {
    const bad = (body: unknown) => rejection(query(body as ObservationQuery));
    expect(await bad({ metrics: ['oWaiting'] })).toEqual(errorBody(400, 'bad.request'));
    expect(
      await bad({
        filter: { type: 'xor', predicates: [{ dimension: 'queueId', value: OBS.id }] },
        metrics: ['oWaiting'],
      }),
    ).toEqual(errorBody(400, 'bad.request'));
    expect(await bad({ filter: byQueue(OBS.id), metrics: ['oWaiting', 'oBogus'] })).toEqual(
      errorBody(400, 'bad.request'),
    );
    expect(await bad({ filter: byQueue(OBS.id), metrics: [] })).toEqual(errorBody(400, 'bad.request'));
    expect(await bad({ filter: byQueue(OBS.id) })).toEqual(errorBody(400, 'bad.request'));
    expect(await bad({ filter: byQueue(OBS.id), metrics: ['oWaiting'], detailMetrics: ['oBogus'] })).toEqual(
      errorBody(400, 'bad.request'),
    );
    expect(
      await bad({
        filter: { type: 'or', predicates: [{ dimension: 'mediaType', value: 'chat' }] },
        metrics: ['oWaiting'],
      }),
    ).toEqual(errorBody(400, 'bad.request'));
    expect(await bad([{ filter: byQueue(OBS.id), metrics: ['oWaiting'] }])).toEqual(errorBody(400, 'bad.request'));
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('POST /api/v2/signeddata and authenticated guest chat', () => {
  let s: Awaited<ReturnType<typeof loggedIn>>;
  const authDeployment = () => emu.options.deployments[1]!;
  beforeAll(async () => {
    s = await loggedIn(emu);
    expect(authDeployment().requireAuth).toBe(true);
  });

  const create = (memberAuthToken?: string) => {
    const { client, api } = guestSdk(emu.url);
    return {
      client,
      api,
      created: api.postWebchatGuestConversations(
        createRequest(emu, {
          deploymentId: authDeployment().id,
          ...(memberAuthToken ? { memberAuthToken } : {}),
        }) as never,
      ),
    };
  };

  test('signs an object into a JWT that opens a chat on the authenticated deployment', async () => {
    const claims = { authorized: true, userEmail: 'jane@example.com' };
    const { jwt } = await s.signedData(claims);
    expect(jwt.split('.')).toHaveLength(3);
    const { client, api, created } = create(jwt);
    const conv = await created;
    client.setJwt(conv.jwt!);
    const member = await api.getWebchatGuestConversationMember(conv.id!, conv.member!.id!);
    expect(member).toMatchObject({ id: conv.member!.id, role: 'CUSTOMER', authenticatedGuest: true });
    // The agent side sees what was signed.
    const detail = await control<{ guest: { signedData: unknown } }>(emu, 'GET', `/chats/${conv.id}`);
    expect(detail.body.guest.signedData).toEqual(claims);
  });

  test('the authenticated deployment refuses a chat without a token: 400 chat.deployment.require.auth', async () => {
    expect(await rejection(create().created)).toEqual(errorBody(400, 'chat.deployment.require.auth'));
  });

  test('a tampered or foreign token: 400 chat.deployment.bad.auth', async () => {
    const { jwt } = await s.signedData({ authorized: true, userEmail: 'jane@example.com' });
    const [header, payload, signature] = jwt.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as { data: Record<string, unknown> };
    claims.data['userEmail'] = 'mallory@example.com';
    const tampered = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    expect(await rejection(create(tampered).created)).toEqual(errorBody(400, 'chat.deployment.bad.auth'));

    // Same organisation id, another emulator's key.
    const foreign = await (await loggedIn(limited)).signedData({ authorized: true });
    expect(await rejection(create(foreign.jwt).created)).toEqual(errorBody(400, 'chat.deployment.bad.auth'));
    expect(await rejection(create('not-a-jwt').created)).toEqual(errorBody(400, 'chat.deployment.bad.auth'));
  });

  test('a body that is not a JSON object is 400', async () => {
    expect(await rejection(s.signedData(['authorized', true]))).toEqual(errorBody(400, 'bad.request'));
    expect(await rejection(s.signedData(42))).toEqual(errorBody(400, 'bad.request'));
    expect(await rejection(s.signedData('authorized'))).toEqual(errorBody(400, 'bad.request'));
  });

  test('needs a token like every API call', async () => {
    expect(await rejection(sdk(emu).signedData({ authorized: true }))).toEqual(
      errorBody(401, 'authentication.required'),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('GET /api/v2/conversations/messages/{messageId}/details', () => {
  test("a Web Messaging guest's message ids (echoes and what reached it) name its conversation, the one waiting in the queue", async () => {
    const s = await loggedIn(emu);
    const guest = await WmGuest.open(emu);
    try {
      await guest.configure();
      const joined = await guest.join();
      const greeting = emu.options.messengerDeployments[0]!.flow?.greeting;
      const text = await guest.text('Where is my order?');
      const conversationId = emu.engine.waiting(CHAT.id, 'message').at(-1)?.id;
      expect(conversationId).toEqual(expect.any(String));

      const fromJoin = await s.conversations.getConversationsMessageDetails(String(joined.body.id));
      expect(fromJoin).toMatchObject({ id: joined.body.id, conversationId, direction: 'inbound' });
      const fromText = await s.conversations.getConversationsMessageDetails(String(text.body.id));
      expect(fromText).toMatchObject({
        id: text.body.id,
        conversationId,
        direction: 'inbound',
        messengerType: 'webmessaging',
        textBody: 'Where is my order?',
        timestamp: expect.any(String),
      });
      if (greeting) {
        const [bot] = await guest.waitFor(isOutboundText(greeting));
        const fromBot = await s.conversations.getConversationsMessageDetails(String(bot!.body.id));
        expect(fromBot).toMatchObject({ conversationId, direction: 'outbound' });
      }
      // The same conversation is the one the queue observations list as waiting (so its place can be found).
      const r = await s.analytics.postAnalyticsQueuesObservationsQuery({
        filter: { type: 'or', predicates: [{ dimension: 'queueId', value: CHAT.id }] },
        metrics: ['oWaiting'],
        detailMetrics: ['oWaiting'],
      });
      const waiting = (r.results ?? [])
        .filter((g) => g.group?.['mediaType'] === 'message')
        .flatMap((g) => g.data ?? [])
        .flatMap((d) => d.observations ?? [])
        .map((o) => o.conversationId);
      expect(waiting).toContain(conversationId);
    } finally {
      guest.close();
    }
  });

  test('an id no message has is 404 not.found; no token is 401', async () => {
    const s = await loggedIn(emu);
    expect(await rejection(s.conversations.getConversationsMessageDetails('0123456789abcdef0123456789abcdef'))).toEqual(
      errorBody(404, 'not.found'),
    );
    expect(await rejection(sdk(emu).conversations.getConversationsMessageDetails('x'))).toEqual(
      errorBody(401, 'authentication.required'),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('GET /api/v2/tokens/me', () => {
  test('names the organisation and the OAuth client of the token', async () => {
    const s = await loggedIn(emu);
    const me = await s.tokens.getTokensMe();
    const client = emu.options.oauthClients[0]!;
    const org = { id: emu.options.organizationId, name: emu.options.organizationName };
    expect(me.organization).toMatchObject(org);
    expect(me.homeOrganization).toMatchObject(org);
    expect(me.authorizedScope).toEqual(expect.any(Array));
    expect(me.OAuthClient).toMatchObject({
      id: client.clientId,
      name: client.name,
      organization: { id: emu.options.organizationId },
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('rate limit per token (platformRateLimitPerMinute: 5)', () => {
  test('the 6th call in a minute is 429 with Retry-After and the normalised body; another token is counted apart', async () => {
    const max = limited.options.platformRateLimitPerMinute;
    expect(max).toBe(5);
    const a = await loggedIn(limited, { extended: true });
    const queueId = limited.options.queues[0]!.id;
    // The limit is per token across endpoints, not per endpoint.
    const calls = [
      () => a.tokens.getTokensMe(),
      () => a.routing.getRoutingQueues({}),
      () => a.routing.getRoutingQueueEstimatedwaittime(queueId),
      () =>
        a.analytics.postAnalyticsQueuesObservationsQuery({
          filter: { type: 'or', predicates: [{ dimension: 'queueId', value: queueId }] },
          metrics: ['oWaiting'],
        }),
      () => a.signedData({ authorized: true }),
    ];
    expect(calls).toHaveLength(max);
    for (const call of calls) expect((await extended(call())).status).toBe(200);

    const e = await extendedRejection(a.tokens.getTokensMe());
    expect(e.status).toBe(429);
    const retryAfter = e.headers['retry-after'];
    expect(retryAfter).toMatch(/^[1-9]\d*$/);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);
    expect(e.body).toMatchObject({
      message: `Rate limit exceeded the maximum. Retry the request in [${retryAfter}] seconds`,
      code: 'too.many.requests.retry.after',
      status: 429,
      contextId: e.headers['inin-correlation-id'],
      details: [],
      errors: [],
    });
    expect((await extendedRejection(a.routing.getRoutingQueues({}))).status).toBe(429);

    const b = await loggedIn(limited, { extended: true });
    expect((await extended(b.tokens.getTokensMe())).status).toBe(200);
    // A login is not an API call and is not limited.
    await a.login();
    expect((await extended(a.tokens.getTokensMe())).status).toBe(200);
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('faults and request counts through the SDK', () => {
  let s: Awaited<ReturnType<typeof loggedIn>>;
  beforeAll(async () => {
    s = await loggedIn(emu, { extended: true });
  });
  afterEach(async () => {
    expect((await control(emu, 'DELETE', '/faults')).status).toBe(204);
  });
  const fault = async (f: Record<string, unknown>) =>
    expect((await control(emu, 'POST', '/faults', f)).status).toBe(201);

  test('an injected 503 (times: 1) fails once, then the call succeeds', async () => {
    await fault({ endpoint: 'GET /api/v2/routing/queues', status: 503, times: 1 });
    const e = await extendedRejection(s.routing.getRoutingQueues({ name: CHAT.name }));
    expect(e.status).toBe(503);
    expect(e.body).toEqual(errorBody(503, 'service.unavailable'));
    const ok = await extended<platformClient.Models.QueueEntityListing>(
      s.routing.getRoutingQueues({ name: CHAT.name }),
    );
    expect(ok.status).toBe(200);
    expect(ok.body.entities?.[0]?.id).toBe(CHAT.id);
  });

  test('an injected 429 carries Retry-After', async () => {
    await fault({
      endpoint: 'POST /api/v2/analytics/queues/observations/query',
      status: 429,
      retryAfterSeconds: 7,
      times: 1,
    });
    const body: ObservationQuery = {
      filter: { type: 'or', predicates: [{ dimension: 'queueId', value: OBS.id }] },
      metrics: ['oWaiting'],
    };
    const e = await extendedRejection(s.analytics.postAnalyticsQueuesObservationsQuery(body));
    expect(e.status).toBe(429);
    expect(e.headers['retry-after']).toBe('7');
    expect(e.body).toMatchObject({
      code: 'too.many.requests.retry.after',
      status: 429,
      message: expect.stringContaining('[7]'),
      details: [],
      errors: [],
    });
    expect((await extended(s.analytics.postAnalyticsQueuesObservationsQuery(body))).status).toBe(200);
  });

  test('injected latency delays the call by at least that long, once', async () => {
    const latencyMs = 300;
    await fault({ endpoint: 'GET /api/v2/tokens/me', latencyMs, times: 1 });
    let t0 = performance.now();
    expect((await extended(s.tokens.getTokensMe())).status).toBe(200);
    // 2 ms of slack for timer rounding.
    expect(performance.now() - t0).toBeGreaterThanOrEqual(latencyMs - 2);
    t0 = performance.now();
    await s.tokens.getTokensMe();
    expect(performance.now() - t0).toBeLessThan(latencyMs);
  });

  test('a fault hits only the endpoint it names (route pattern or path prefix)', async () => {
    await fault({ endpoint: 'GET /api/v2/routing/queues/:queueId/estimatedwaittime', status: 500 });
    expect((await extendedRejection(s.routing.getRoutingQueueEstimatedwaittime(EWT.id))).status).toBe(500);
    expect((await extendedRejection(s.routing.getRoutingQueueEstimatedwaittime(EMPTY.id))).status).toBe(500);
    expect((await extended(s.routing.getRoutingQueues({}))).status).toBe(200);
    expect((await extended(s.tokens.getTokensMe())).status).toBe(200);
    expect((await control(emu, 'DELETE', '/faults')).status).toBe(204);

    await fault({ endpoint: '/api/v2/routing', status: 502 });
    expect((await extendedRejection(s.routing.getRoutingQueues({}))).status).toBe(502);
    expect((await extendedRejection(s.routing.getRoutingQueueEstimatedwaittime(EWT.id))).status).toBe(502);
    expect((await extended(s.tokens.getTokensMe())).status).toBe(200);
    expect((await extended(s.signedData({ authorized: true }))).status).toBe(200);
    expect((await control(emu, 'DELETE', '/faults')).status).toBe(204);
    expect((await extended(s.routing.getRoutingQueues({}))).status).toBe(200);
  });

  test('a 429 may carry a Retry-After exactly as given (huge, negative, malformed)', async () => {
    await fault({ endpoint: 'GET /api/v2/tokens/me', status: 429, retryAfter: 'soon', times: 1 });
    const e = await extendedRejection(s.tokens.getTokensMe());
    expect(e.status).toBe(429);
    expect(e.headers['retry-after']).toBe('soon');
  });

  test('a body fault answers that body as it is, with a 200 by default', async () => {
    await fault({
      endpoint: 'GET /api/v2/routing/queues',
      body: '<html>gateway</html>',
      contentType: 'text/html',
      times: 1,
    });
    const res = await fetch(`${emu.url}/api/v2/routing/queues`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toBe('<html>gateway</html>');
    await fault({ endpoint: 'GET /api/v2/routing/queues', body: 'null', times: 1 });
    expect((await extended(s.routing.getRoutingQueues({}))).body).toBeNull();
    expect((await control(emu, 'POST', '/faults', { body: 'x', status: 100 })).status).toBe(400);
  });

  test('a reset fault closes the connection without an answer, and is logged', async () => {
    await fault({ endpoint: 'GET /api/v2/tokens/me', reset: true, times: 1 });
    const e = (await rejection(s.tokens.getTokensMe())) as { code?: string };
    expect(e.code).toBe('ECONNRESET');
    const log = (await control<{ entries: Array<{ endpoint: string; status: number }> }>(emu, 'GET', '/requests')).body
      .entries;
    expect(log.some((x) => x.endpoint === 'GET /api/v2/tokens/me' && x.status === 0)).toBe(true);
    expect((await extended(s.tokens.getTokensMe())).status).toBe(200);
  });

  test('a fault on /oauth/token reaches the login', async () => {
    await fault({ endpoint: 'POST /oauth/token', status: 503, times: 1 });
    const fresh = sdk(emu);
    expect((await loginFailure(fresh.login())).response.status).toBe(503);
    await fresh.login();
  });

  test('/control/requests counts every call the SDK made, per route pattern', async () => {
    expect((await control(emu, 'DELETE', '/requests')).status).toBe(204);
    const c = await loggedIn(emu);
    await c.routing.getRoutingQueues({ name: CHAT.name });
    await c.routing.getRoutingQueues({ pageNumber: 2 });
    await c.routing.getRoutingQueueEstimatedwaittime(EWT.id);
    await c.routing.getRoutingQueueEstimatedwaittime(OBS.id);
    await c.analytics.postAnalyticsQueuesObservationsQuery({
      filter: { type: 'or', predicates: [{ dimension: 'queueId', value: OBS.id }] },
      metrics: ['oWaiting'],
    });
    await c.signedData({ authorized: true });
    await c.tokens.getTokensMe();
    await fault({ endpoint: 'GET /api/v2/tokens/me', status: 503, times: 1 });
    await rejection(c.tokens.getTokensMe());

    type Log = {
      total: number;
      counts: Record<string, number>;
      entries: Array<{ endpoint: string; status: number; url: string }>;
    };
    const all = await control<Log>(emu, 'GET', '/requests');
    expect(all.body.counts).toEqual({
      'POST /oauth/token': 1,
      'GET /api/v2/routing/queues': 2,
      'GET /api/v2/routing/queues/:queueId/estimatedwaittime': 2,
      'POST /api/v2/analytics/queues/observations/query': 1,
      'POST /api/v2/signeddata': 1,
      'GET /api/v2/tokens/me': 2,
    });
    expect(all.body.total).toBe(9);
    expect(all.body.entries.filter((e) => e.endpoint === 'GET /api/v2/tokens/me').map((e) => e.status)).toEqual([
      200, 503,
    ]);

    const routing = await control<Log>(emu, 'GET', `/requests?endpoint=${encodeURIComponent('/api/v2/routing')}`);
    expect(routing.body.total).toBe(4);
    expect(routing.body.entries.map((e) => e.url)).toContain(`/api/v2/routing/queues/${EWT.id}/estimatedwaittime`);
  });
});
