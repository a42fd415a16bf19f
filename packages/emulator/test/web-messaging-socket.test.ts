import { randomUUID } from 'node:crypto';
import { DEMO, startEmulator, type RunningEmulator } from '../src';
import { control } from './helpers';
import { PNG_1X1, TEST_ORIGIN, WmGuest, isEvent, isOutboundText, keys, type WmFrame } from './web-messaging-helpers';
import {
  R10_CLEAR_DISABLED,
  R14_ECHO_REPLY,
  R15_SESSION_FULL,
  R16_JWT,
  R19_QUICK_REPLIES,
  R1_READ_ONLY,
  R21_CLEARED,
  R21_EXPIRED,
  R3_SESSION,
  R4_ECHO,
  R5_BOT_TEXT,
  R7_TOO_MANY,
  R8_ATTRIBUTES,
  R9_DEPLOYMENT,
} from './web-messaging-samples';

/**
 * The Web Messaging guest socket (`/v1?deploymentId=…`) over a real `ws` client: every action, every error code,
 * frames compared field by field with the published real frames and SDK fixtures.
 */

const OPEN = '0b1c2d3e-4f50-4a61-8b72-93a4b5c6d7e8';
const STRICT = '1c2d3e4f-5061-4b72-9c83-a4b5c6d7e8f9';
const INACTIVE = '2d3e4f50-6172-4c83-8d94-b5c6d7e8f901';
const PLAIN_BOT = '3e4f5061-7283-4d94-9ea5-c6d7e8f90112';
const LONG = '4f506172-8394-4ea5-afb6-d7e8f9012233';

let emu: RunningEmulator;
const guests: WmGuest[] = [];

beforeAll(async () => {
  emu = await startEmulator({
    port: 0,
    messengerDeployments: [
      { id: OPEN, flow: { botName: 'Robot Friend', greeting: 'Hello, how can I help?', queue: DEMO.queueName } },
      {
        id: STRICT,
        allowedOrigins: [TEST_ORIGIN],
        typing: false,
        conversationClear: false,
        autoStart: false,
        attachments: { enabled: false },
        conversationDisconnect: { enabled: true, type: 'Send' },
        flow: {
          botName: 'Strict Bot',
          greeting: 'What would you like to do?',
          quickReplies: ['Yes', 'No'],
          queue: DEMO.queueId,
        },
      },
      { id: INACTIVE, status: 'Inactive' },
      { id: PLAIN_BOT, sessionTtlSeconds: 600, flow: { greeting: 'Hello, how can I help?', queue: DEMO.queueId } },
      { id: LONG, sessionTtlSeconds: 40 * 24 * 3600 },
    ],
  });
});
afterAll(async () => {
  for (const g of guests) g.close();
  await emu.close();
});
afterEach(async () => {
  await control(emu, 'PUT', '/settings', { messagingOutOfOrderWindowMs: 0, messagingDuplicateEchoes: false });
});

async function guest(opts: Parameters<typeof WmGuest.open>[1] = {}): Promise<WmGuest> {
  const g = await WmGuest.open(emu, { deploymentId: OPEN, ...opts });
  guests.push(g);
  return g;
}

/** The emulator's clock moves on a second: the 2-per-second budget of a session is free again. */
const nextSecond = () => control(emu, 'POST', '/clock', { advanceMs: 1000 });

/**
 * `actual` has the sample's shape field by field: the same keys at every level and the same values, except the
 * `variable` fields (ids, times), which only need the same JSON type.
 */
function expectLike(actual: unknown, sample: unknown, variable: string[] = [], path = '$'): void {
  if (Array.isArray(sample)) {
    expect({ path, length: (actual as unknown[]).length }).toEqual({ path, length: sample.length });
    sample.forEach((s, i) => expectLike((actual as unknown[])[i], s, variable, `${path}[${i}]`));
    return;
  }
  if (sample !== null && typeof sample === 'object') {
    expect({ path, keys: keys(actual) }).toEqual({ path, keys: keys(sample) });
    for (const [k, v] of Object.entries(sample)) {
      const a = (actual as Record<string, unknown>)[k];
      if (variable.includes(k))
        expect({ path: `${path}.${k}`, type: typeof a }).toEqual({ path: `${path}.${k}`, type: typeof v });
      else expectLike(a, v, variable, `${path}.${k}`);
    }
    return;
  }
  expect({ path, value: actual }).toEqual({ path, value: sample });
}

// Parsed config.json, read field by field.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const IDS = ['id', 'time', 'messageId', 'correlationId', 'tracingId', 'expirationDate'];

async function conversationOf(g: WmGuest) {
  const s = (await control<{ conversationId: string | null }>(emu, 'GET', `/messaging/sessions/${g.token}`)).body;
  return (
    await control<Record<string, unknown> & { messages: Array<Record<string, unknown>> }>(
      emu,
      'GET',
      `/chats/${s.conversationId}`,
    )
  ).body;
}

describe('deployments', () => {
  test("config.json has the shape the transport SDK parses, with the deployment's knobs", async () => {
    const r = await fetch(`${emu.url}/webdeployments/v1/deployments/${STRICT}/config.json`, {
      headers: { origin: TEST_ORIGIN },
    });
    expect(r.status).toBe(200);
    // A CDN file: browsers fetch it cross-origin.
    expect(r.headers.get('access-control-allow-origin')).toBe(TEST_ORIGIN);
    const c = (await r.json()) as Json;
    expect(keys(c)).toEqual(
      keys({
        id: 0,
        version: 0,
        languages: 0,
        defaultLanguage: 0,
        apiEndpoint: 0,
        messenger: 0,
        journeyEvents: 0,
        status: 0,
        auth: 0,
      }),
    );
    expect(c['id']).toBe(STRICT);
    expect(c['status']).toBe('Active');
    expect(c['apiEndpoint']).toBe(emu.url);
    const conv = c['messenger'].apps.conversations;
    expect(conv).toEqual(
      expect.objectContaining({
        messagingEndpoint: emu.url.replace('http', 'ws'),
        showAgentTypingIndicator: false,
        showUserTypingIndicator: false,
        autoStart: { enabled: false },
        conversationDisconnect: { enabled: true, type: 'Send' },
        conversationClear: { enabled: false },
        humanize: { enabled: true, bot: { name: 'Strict Bot' } },
      }),
    );
    expect(c['messenger'].fileUpload).toEqual({ enableAttachments: false, modes: [] });
    expect(c['auth']).toEqual({ enabled: false, allowSessionUpgrade: false });
    const open = (await (await fetch(`${emu.url}/webdeployments/v1/deployments/${OPEN}/config.json`)).json()) as Json;
    expect(open['messenger'].apps.conversations.conversationDisconnect).toEqual({ enabled: true, type: 'ReadOnly' });
    expect(open['messenger'].fileUpload.modes[0].maxFileSizeKB).toBe(10240);
  });

  test("a deployment's Markdown setting is off by default and is turned on and off through the control API", async () => {
    const markdownOf = async () =>
      ((await (await fetch(`${emu.url}/webdeployments/v1/deployments/${OPEN}/config.json`)).json()) as Json)[
        'messenger'
      ].apps.conversations.markdown;
    expect(await markdownOf()).toEqual({ enabled: false });
    const on = await control(emu, 'PUT', `/messaging/deployments/${OPEN}/settings`, { markdown: true });
    expect(on).toEqual({ status: 200, body: { id: OPEN, markdown: true } });
    expect(await markdownOf()).toEqual({ enabled: true });
    await control(emu, 'PUT', `/messaging/deployments/${OPEN}/settings`, { markdown: false });
    expect(await markdownOf()).toEqual({ enabled: false });
    const bad = await control<{ message: string }>(emu, 'PUT', `/messaging/deployments/${OPEN}/settings`, {
      markdown: 'yes',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe('markdown must be true or false');
    const unknown = await control(emu, 'PUT', `/messaging/deployments/${randomUUID()}/settings`, { markdown: true });
    expect(unknown.status).toBe(404);
  });

  test('an inactive deployment still has its config.json (status Inactive); an unknown one is 404', async () => {
    const r = await fetch(`${emu.url}/webdeployments/v1/deployments/${INACTIVE}/config.json`);
    expect(((await r.json()) as { status: string }).status).toBe('Inactive');
    expect((await fetch(`${emu.url}/webdeployments/v1/deployments/${randomUUID()}/config.json`)).status).toBe(404);
  });

  test('the demo deployments have fixed ids: a bot greeting then the queue; and one with authentication', async () => {
    const demo = await startEmulator({ port: 0 });
    try {
      const ids = demo.options.messengerDeployments.map((d) => d.id);
      expect(ids).toEqual([DEMO.messengerDeploymentId, DEMO.messengerAuthDeploymentId]);
      const c = (await (
        await fetch(`${demo.url}/webdeployments/v1/deployments/${DEMO.messengerAuthDeploymentId}/config.json`)
      ).json()) as { auth: unknown };
      expect(c.auth).toEqual({ enabled: true, allowSessionUpgrade: true });
      const g = await WmGuest.open(demo, { deploymentId: DEMO.messengerDeploymentId });
      await g.configure();
      await g.join();
      const [greeting] = await g.waitFor((f) => f.body.originatingEntity === 'Bot');
      expect(greeting!.body.channel).toEqual(expect.objectContaining({ from: { nickname: 'Emulated Bot' } }));
      g.close();
    } finally {
      await demo.close();
    }
  });
});

describe('the upgrade', () => {
  const upgrade = (deploymentId: string, origin?: string) =>
    WmGuest.open(emu, { deploymentId, origin: origin ?? null }).then(
      (g) => {
        g.close();
        return 101;
      },
      (e: Error) => Number(/(\d{3})/.exec(e.message)?.[1] ?? 0),
    );

  test('403 for an unknown deployment, an inactive one, or an Origin the deployment does not allow', async () => {
    expect(await upgrade(randomUUID(), TEST_ORIGIN)).toBe(403);
    expect(await upgrade(INACTIVE, TEST_ORIGIN)).toBe(403);
    expect(await upgrade(STRICT, 'https://evil.example.net')).toBe(403);
    // A Node client that sets no Origin is refused where origins are restricted.
    expect(await upgrade(STRICT)).toBe(403);
    expect(await upgrade(STRICT, TEST_ORIGIN)).toBe(101);
    expect(await upgrade(OPEN)).toBe(101);
    const log = (await control<{ counts: Record<string, number> }>(emu, 'GET', '/requests?endpoint=WS')).body;
    expect(log.counts['WS /v1']).toBeGreaterThanOrEqual(6);
  });

  test('WebSocket pings are answered with pongs', async () => {
    const g = await guest();
    const pong = new Promise<string>((resolve) => g.ws.once('pong', (data) => resolve(data.toString())));
    g.ws.ping('are-you-there');
    expect(await pong).toBe('are-you-there');
  });
});

describe('configureSession', () => {
  test('a new token: SessionResponse with the fields of the real and SDK samples', async () => {
    const g = await guest();
    const f = await g.configure({
      startNew: false,
      journeyContext: { customer: { id: g.token, idType: 'cookie' }, customerSession: { id: '', type: 'web' } },
    });
    expectLike({ ...f, tracingId: undefined }, { ...R3_SESSION, body: f.body, tracingId: undefined });
    const { durationSeconds, expirationDate, ...rest } = f.body as Record<string, number>;
    expectLike({ ...f, body: rest, tracingId: undefined }, { ...R15_SESSION_FULL, tracingId: undefined }, [
      'maxCustomDataBytes',
      'allowedMedia',
      'blockedExtensions',
    ]);
    expect(f.body).toEqual(
      expect.objectContaining({
        connected: true,
        newSession: true,
        readOnly: false,
        maxCustomDataBytes: 2048,
        allowedMedia: {
          inbound: { fileTypes: expect.arrayContaining([{ type: 'image/png' }]), maxFileSizeKB: 10240 },
        },
        blockedExtensions: expect.arrayContaining(['.exe']),
        clearedExistingSession: false,
      }),
    );
    expect(durationSeconds).toBe(72 * 3600);
    // Epoch seconds, a TTL from now.
    expect(Math.abs(expirationDate! - (Date.now() / 1000 + 72 * 3600))).toBeLessThan(120);
  });

  test('the same token again resumes (newSession false); startNew makes a new session', async () => {
    const a = await guest();
    await a.configure();
    const b = await guest({ token: a.token });
    expect((await b.configure()).body).toEqual(expect.objectContaining({ connected: true, newSession: false }));
    const before = (await control<{ id: string }>(emu, 'GET', `/messaging/sessions/${a.token}`)).body.id;
    const c = await guest({ token: a.token });
    expect((await c.configure({ startNew: true })).body).toEqual(expect.objectContaining({ newSession: true }));
    expect((await control<{ id: string }>(emu, 'GET', `/messaging/sessions/${a.token}`)).body.id).not.toBe(before);
    // The sockets of the old session lost it.
    expect((await a.request({ action: 'getJwt' })).code).toBe(4007);
  });

  test('a deploymentId other than the socket\'s is "Deployment not found" (R9); missing fields are 4020', async () => {
    const g = await guest();
    const f = await g.request({ action: 'configureSession', deploymentId: randomUUID() });
    expect({ ...f, tracingId: undefined }).toEqual({ ...R9_DEPLOYMENT, tracingId: undefined });
    const noToken = await g.request({ action: 'configureSession', deploymentId: OPEN, token: undefined });
    expect(noToken).toEqual(
      expect.objectContaining({ type: 'response', class: 'string', code: 4020, body: 'Missing parameter: token' }),
    );
    const noDeployment = await g.request({ action: 'configureSession' });
    expect(noDeployment.code).toBe(4020);
    expect(noDeployment.body).toBe('Missing parameter: deploymentId');
  });

  test('a request before configureSession, a frame that is not JSON, an unknown action: 400', async () => {
    const g = await guest();
    expect(await g.request({ action: 'onMessage', message: { type: 'Text', text: 'hi' } })).toEqual(
      expect.objectContaining({ class: 'string', code: 400, body: expect.stringContaining('configureSession') }),
    );
    g.ws.send('not json');
    const [bad] = await g.waitFor((f) => (f.body as unknown) === 'Request failed.');
    expect(bad).toEqual({ type: 'response', class: 'string', code: 400, body: 'Request failed.' });
    expect((await g.request({ action: 'fly' })).body).toBe('Request failed.');
    expect((await g.request({ action: 'getConfiguration' })).code).toBe(4000);
  });

  test('echo before configureSession is refused like every other request: no session answers it', async () => {
    const g = await guest();
    expect(await g.request({ action: 'echo', message: { type: 'Text', text: 'ping' } })).toEqual(
      expect.objectContaining({
        type: 'response',
        class: 'string',
        code: 400,
        body: expect.stringContaining('configureSession'),
      }),
    );
    expect(g.frames.some((f) => f.class === 'StructuredMessage')).toBe(false);
  });

  test('a field of the wrong type is a 400 that names it; an absent one is 4020 missing', async () => {
    const g = await guest();
    const failed = (field: string, what: string) =>
      expect.objectContaining({ class: 'string', code: 400, body: `Request failed. ${field} must be ${what}.` });
    expect(await g.request({ action: 7 })).toEqual(failed('action', 'a string'));
    expect(await g.request({ action: 'configureSession', deploymentId: OPEN, token: 42 })).toEqual(
      failed('token', 'a string'),
    );
    expect(await g.request({ action: 'configureSession', deploymentId: [OPEN] })).toEqual(
      failed('deploymentId', 'a string'),
    );
    expect(await g.request({ action: 'configureSession', deploymentId: OPEN, startNew: 'yes' })).toEqual(
      failed('startNew', 'true or false'),
    );
    await g.configure();
    expect(await g.request({ action: 'onMessage', message: 'hi' })).toEqual(failed('message', 'an object'));
    expect(await g.request({ action: 'onMessage', message: { type: 'Text', text: 42 } })).toEqual(
      failed('message.text', 'a string'),
    );
    expect(await g.request({ action: 'onMessage', message: { type: 'Event', events: 'Typing' } })).toEqual(
      failed('message.events', 'a list'),
    );
    const file = { action: 'onAttachment', fileName: 'a.png', fileType: 'image/png' };
    expect(await g.request({ ...file, fileSize: '12' })).toEqual(failed('fileSize', 'a number of bytes'));
    expect(await g.request({ ...file, fileSize: 12, errorsAsJson: 'true' })).toEqual(
      failed('errorsAsJson', 'true or false'),
    );
    expect(await g.request({ action: 'closeSession', closeAllConnections: 1 })).toEqual(
      failed('closeAllConnections', 'true or false'),
    );
    // Absent is still "missing".
    expect(await g.request(file)).toEqual(expect.objectContaining({ code: 4020, body: 'Missing parameter: fileSize' }));
    expect(await g.request({ action: 'onMessage' })).toEqual(
      expect.objectContaining({ code: 4020, body: 'Missing parameter: message' }),
    );
  });

  test("a request with another token than the socket's session: 4007 Session not found", async () => {
    const g = await guest();
    await g.configure();
    const f = await g.request({ action: 'getJwt', token: randomUUID() });
    expect(f).toEqual(expect.objectContaining({ class: 'string', code: 4007, body: 'Session not found' }));
  });
});

describe('onMessage', () => {
  test('Text: the Inbound echo (R4) with the tracingId, then the bot greeting (R5 without a persona)', async () => {
    const g = await guest({ deploymentId: PLAIN_BOT });
    await g.configure();
    const echo = await g.text('hello', { metadata: { id: 'client-1' } });
    expectLike(
      { ...echo, body: { ...echo.body, metadata: { correlationId: echo.body.metadata!['correlationId'] } } },
      { ...R4_ECHO, tracingId: 'x' },
      IDS,
    );
    // Messenger's own message id comes back in the metadata.
    expect(echo.body.metadata).toEqual({ id: 'client-1', correlationId: expect.any(String) });
    expect(echo.body.id).toMatch(/^[0-9a-f]{32}$/);
    expect(echo.body.channel!['time']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const [greeting] = await g.waitFor(isOutboundText('Hello, how can I help?'));
    expectLike(greeting, R5_BOT_TEXT, IDS);
    expect(greeting!.tracingId).toBeUndefined();
    // The agent side has the conversation, waiting in the queue with the guest's text.
    const c = await conversationOf(g);
    expect(c['media']).toBe('message');
    expect(c['state']).toBe('queued');
    expect(c.messages.map((m) => [m['senderRole'], m['bodyType'], m['body']])).toEqual(
      expect.arrayContaining([
        ['CUSTOMER', 'standard', 'hello'],
        ['WORKFLOW', 'notice', 'Hello, how can I help?'],
      ]),
    );
  });

  test('Presence Join: an Inbound Join echo, then the greeting, without any customer text', async () => {
    const g = await guest();
    await g.configure();
    const echo = await g.join({ metadata: { id: 'join-1' } });
    expect(echo).toEqual(
      expect.objectContaining({
        type: 'message',
        class: 'StructuredMessage',
        code: 200,
        tracingId: expect.any(String),
      }),
    );
    expect(echo.body).toEqual(
      expect.objectContaining({
        direction: 'Inbound',
        type: 'Event',
        events: [{ eventType: 'Presence', presence: { type: 'Join' } }],
      }),
    );
    const [greeting] = await g.waitFor(isOutboundText('Hello, how can I help?'));
    expect(greeting!.body.channel).toEqual({
      time: expect.any(String),
      type: 'Private',
      from: { nickname: 'Robot Friend' },
      to: {},
    });
    expect(greeting!.body.originatingEntity).toBe('Bot');
  });

  test("quick replies: the greeting offers them as R19; the answer (Messenger's ButtonResponse form) is echoed and reaches the agent", async () => {
    const g = await guest({ deploymentId: STRICT, origin: TEST_ORIGIN });
    await g.configure();
    await g.join();
    const [offer] = await g.waitFor(isOutboundText('What would you like to do?'));
    expectLike(
      { ...offer, body: { ...offer!.body, channel: { ...offer!.body.channel, from: {} }, metadata: {} } },
      R19_QUICK_REPLIES,
      [...IDS, 'payload'],
    );
    expect(offer!.body.content).toEqual([
      { contentType: 'QuickReply', quickReply: { text: 'Yes', payload: 'Yes' } },
      { contentType: 'QuickReply', quickReply: { text: 'No', payload: 'No' } },
    ]);
    await nextSecond();
    const echo = await g.request({
      action: 'onMessage',
      message: {
        metadata: { id: randomUUID() },
        type: 'Structured',
        text: 'Yes',
        content: [
          { contentType: 'ButtonResponse', buttonResponse: { type: 'QuickReply', text: 'Yes', payload: 'Yes' } },
        ],
      },
    });
    expect(echo.body).toEqual(
      expect.objectContaining({
        type: 'Structured',
        direction: 'Inbound',
        text: 'Yes',
        content: [
          { contentType: 'ButtonResponse', buttonResponse: { type: 'QuickReply', text: 'Yes', payload: 'Yes' } },
        ],
      }),
    );
    // The transport SDK's form: type Text, empty text, a ButtonResponse.
    await nextSecond();
    const sdkForm = await g.request({
      action: 'onMessage',
      message: {
        type: 'Text',
        text: '',
        content: [{ contentType: 'ButtonResponse', buttonResponse: { type: 'QuickReply', text: 'No', payload: 'No' } }],
      },
    });
    expect(sdkForm.class).toBe('StructuredMessage');
    const c = await conversationOf(g);
    const answers = c.messages.filter((m) => m['buttonResponse']);
    expect(answers.map((m) => m['body'])).toEqual(['Yes', 'No']);
  });

  test('Typing: accepted silently and shown to the agent; refused with 403 where typing is off', async () => {
    const g = await guest();
    await g.configure();
    await g.join();
    await nextSecond();
    const frames: unknown[] = [];
    emu.engine.on('frame', (_id, f) => frames.push(f));
    const before = g.frames.length;
    g.send({
      token: g.token,
      tracingId: 't1',
      action: 'onMessage',
      message: { events: [{ eventType: 'Typing', typing: { type: 'On' } }], type: 'Event' },
    });
    // The echo of a following request arrives after anything the typing request could have caused.
    await g.request({ action: 'echo', message: { type: 'Text', text: 'ping' } });
    expect(g.frames.slice(before).filter((f) => f.tracingId === 't1')).toEqual([]);
    expect(frames).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ metadata: expect.objectContaining({ type: 'typing-indicator' }) }),
      ]),
    );

    const strict = await guest({ deploymentId: STRICT, origin: TEST_ORIGIN });
    await strict.configure();
    const refused = await strict.request({
      action: 'onMessage',
      message: { events: [{ eventType: 'Typing', typing: { type: 'On' } }], type: 'Event' },
    });
    expect({ ...refused, tracingId: undefined }).toEqual({
      type: 'response',
      class: 'string',
      code: 403,
      body: 'Turn on the Feature Toggle or fix the configuration.',
      tracingId: undefined,
    });
  });

  test('custom attributes: within the budget they reach the agent; over it, 4013 exactly as R8', async () => {
    const g = await guest();
    await g.configure();
    await g.request({
      action: 'onMessage',
      message: {
        events: [{ eventType: 'Presence', presence: { type: 'Join' } }],
        channel: { metadata: { customAttributes: { name: 'Jane Doe', plan: 'gold' } } },
        type: 'Event',
      },
    });
    const c = await conversationOf(g);
    expect((c['guest'] as { displayName: string; customFields: unknown }).displayName).toBe('Jane Doe');
    expect((c['guest'] as { customFields: unknown }).customFields).toEqual({ name: 'Jane Doe', plan: 'gold' });
    // The request-level `channel` some clients send is read too, and flagged.
    await nextSecond();
    await g.request({
      action: 'onMessage',
      message: { type: 'Text', text: 'with attributes beside the message' },
      channel: { metadata: { customAttributes: { plan: 'platinum' } } },
    });
    const session = (await control<{ requestLevelAttributes: boolean }>(emu, 'GET', `/messaging/sessions/${g.token}`))
      .body;
    expect(session.requestLevelAttributes).toBe(true);
    expect(((await conversationOf(g))['guest'] as { customFields: unknown }).customFields).toEqual({
      name: 'Jane Doe',
      plan: 'platinum',
    });
    await nextSecond();
    const big = await g.text('hello', { channel: { metadata: { customAttributes: { blob: 'x'.repeat(2100) } } } });
    expect({ ...big, tracingId: undefined }).toEqual({ ...R8_ATTRIBUTES, tracingId: undefined });
  });

  test('3 onMessage within a second: the third is TooManyRequestsErrorMessage (R7); a second later it passes', async () => {
    const g = await guest();
    await g.configure();
    await nextSecond();
    expect((await g.text('one')).class).toBe('StructuredMessage');
    expect((await g.text('two')).class).toBe('StructuredMessage');
    const third = await g.text('three');
    expectLike({ ...third, tracingId: undefined }, { ...R7_TOO_MANY, tracingId: undefined }, ['retryAfter']);
    expect(third.body['retryAfter']).toBeGreaterThanOrEqual(1);
    await nextSecond();
    expect((await g.text('three again')).class).toBe('StructuredMessage');
  });

  test('too long a text is 4011; a Text without text or content is 4020; a message without message is 4020', async () => {
    const g = await guest();
    await g.configure();
    await nextSecond();
    expect(await g.text('x'.repeat(4097))).toEqual(
      expect.objectContaining({ code: 4011, body: 'Message is too long' }),
    );
    expect(await g.text('')).toEqual(expect.objectContaining({ code: 4020, body: 'Missing parameter: message.text' }));
    expect(await g.request({ action: 'onMessage' })).toEqual(
      expect.objectContaining({ code: 4020, body: 'Missing parameter: message' }),
    );
  });

  test("several sockets share a session: each gets the pushes; the echo carries the sender's tracingId", async () => {
    const a = await guest();
    await a.configure();
    const b = await guest({ token: a.token });
    await b.configure();
    const echo = await a.text('from tab A');
    const [seen] = await b.waitFor((f) => f.body.text === 'from tab A');
    expect(seen).toEqual(echo);
  });

  test('Presence Clear: SessionClearedEvent and ConnectionClosedEvent on every socket, which closes; the conversation ends; disabled, R10', async () => {
    const a = await guest();
    await a.configure();
    await a.join();
    const b = await guest({ token: a.token });
    await b.configure();
    const c = await conversationOf(a);
    await nextSecond();
    a.send({
      token: a.token,
      action: 'onMessage',
      message: { events: [{ eventType: 'Presence', presence: { type: 'Clear' } }], type: 'Event' },
    });
    for (const g of [a, b]) {
      await g.closed;
      const tail = g.frames.slice(-2).map((f) => ({ ...f, tracingId: undefined }));
      expect(tail).toEqual([
        { ...R21_CLEARED, tracingId: undefined },
        { type: 'message', class: 'ConnectionClosedEvent', code: 200, body: {}, tracingId: undefined },
      ]);
    }
    const after = (await control<{ state: string; endReason: string }>(emu, 'GET', `/chats/${c['id']}`)).body;
    expect(after.state).toBe('ended');
    expect(after.endReason).toBe('guest');
    // The token starts afresh.
    const again = await guest({ token: a.token });
    expect((await again.configure()).body['newSession']).toBe(true);

    const strict = await guest({ deploymentId: STRICT, origin: TEST_ORIGIN });
    await strict.configure();
    const refused = await strict.request({
      action: 'onMessage',
      message: { events: [{ eventType: 'Presence', presence: { type: 'Clear' } }], type: 'Event' },
    });
    expect({ ...refused, tracingId: undefined }).toEqual({ ...R10_CLEAR_DISABLED, tracingId: undefined });
  });
});

describe('echo, getJwt, closeSession, expiry', () => {
  test('echo: a response StructuredMessage "ping" (R14) with the session\'s duration as strings', async () => {
    const g = await guest();
    await g.configure();
    g.send({
      token: g.token,
      tracingId: 'SGVhbHRoQ2hlY2tNZXNzYWdlSWQ=',
      action: 'echo',
      message: { text: 'ping', type: 'Text' },
    });
    const [f] = await g.waitFor((x) => x.tracingId === 'SGVhbHRoQ2hlY2tNZXNzYWdlSWQ=');
    const { metadata, ...body } = f!.body;
    expectLike({ ...f, body }, R14_ECHO_REPLY, IDS);
    expect(metadata).toEqual({ durationSeconds: String(72 * 3600), expirationDate: expect.stringMatching(/^\d{10}$/) });
  });

  test('echo, the health check, is answered once per 30 s on a connection; sooner gets TooManyRequestsErrorMessage', async () => {
    const g = await guest();
    await g.configure();
    const echo = { action: 'echo', message: { type: 'Text', text: 'ping' } };
    expect((await g.request(echo)).class).toBe('StructuredMessage');
    const soon = await g.request(echo);
    expect(soon).toEqual({
      type: 'response',
      class: 'TooManyRequestsErrorMessage',
      code: 429,
      body: { retryAfter: expect.any(Number), errorCode: 4029, errorMessage: expect.stringContaining('30 seconds') },
      tracingId: expect.any(String),
    });
    expect(soon.body['retryAfter']).toBeGreaterThanOrEqual(29);
    expect(soon.body['retryAfter']).toBeLessThanOrEqual(30);
    // Another connection of the session has its own health check.
    const other = await guest({ token: g.token });
    await other.configure();
    expect((await other.request(echo)).class).toBe('StructuredMessage');
    await control(emu, 'POST', '/clock', { advanceMs: 30_000 });
    expect((await g.request(echo)).class).toBe('StructuredMessage');
  });

  test('getJwt: JwtResponse (R16) with exp in epoch seconds', async () => {
    const g = await guest();
    await g.configure();
    const f = await g.request({ action: 'getJwt' });
    expectLike({ ...f, tracingId: undefined }, { ...R16_JWT, tracingId: undefined }, ['jwt', 'exp']);
    expect(f.body['jwt']).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(Math.abs((f.body['exp'] as number) - (Date.now() / 1000 + 3600))).toBeLessThan(120);
  });

  test('closeSession: the other sockets get ConnectionClosedEvent and close; the caller SessionResponse connected:false', async () => {
    const a = await guest();
    await a.configure();
    const b = await guest({ token: a.token });
    await b.configure();
    const f = await a.request({ action: 'closeSession', closeAllConnections: true });
    expect(f).toEqual(expect.objectContaining({ type: 'response', class: 'SessionResponse', code: 200 }));
    expect(f.body).toEqual(expect.objectContaining({ connected: false }));
    await b.closed;
    expect(b.frames.at(-1)).toEqual({ type: 'message', class: 'ConnectionClosedEvent', code: 200, body: {} });
    // The caller stays open and may start anew.
    expect((await a.configure({ startNew: true })).body['newSession']).toBe(true);
  });

  test('expiry: after the TTL without traffic, SessionExpiredEvent (R21), then 4006; configureSession starts a new session', async () => {
    const g = await guest({ deploymentId: PLAIN_BOT });
    await g.configure();
    await control(emu, 'POST', '/clock', { advanceMs: 601_000 });
    const first = await g.request({ action: 'getJwt' });
    expect({ ...first, tracingId: undefined }).toEqual({ ...R21_EXPIRED, tracingId: undefined });
    const second = await g.text('anyone?');
    expect(second).toEqual(expect.objectContaining({ class: 'string', code: 4006, body: 'Session has expired' }));
    expect((await g.configure()).body['newSession']).toBe(true);
  });
});

describe('read-only after a disconnect', () => {
  test('ReadOnly: 409 as R1; configureSession says readOnly:true; startNew leaves it', async () => {
    const g = await guest();
    await g.configure();
    await g.join();
    const c = await conversationOf(g);
    await control(emu, 'POST', `/chats/${c['id']}/accept`, {});
    await control(emu, 'POST', `/chats/${c['id']}/end`);
    await g.waitFor(isEvent('Presence', 'Disconnect'));
    await nextSecond();
    const refused = await g.text('hello?');
    expect({ ...refused, tracingId: undefined }).toEqual({ ...R1_READ_ONLY, tracingId: undefined });
    // Auto-start is not sent into a read-only session either.
    expect((await g.join()).code).toBe(409);
    const again = await guest({ token: g.token });
    expect((await again.configure()).body).toEqual(
      expect.objectContaining({ connected: true, newSession: false, readOnly: true }),
    );
    expect((await again.configure({ startNew: true })).body).toEqual(
      expect.objectContaining({ newSession: true, readOnly: false }),
    );
  });
});

describe('attachment errors on the socket', () => {
  const announce = (g: WmGuest, extra: Record<string, unknown>) =>
    g.request({
      action: 'onAttachment',
      attachmentId: randomUUID(),
      fileName: 'a.png',
      fileType: 'image/png',
      fileSize: PNG_1X1.length,
      ...extra,
    });

  test('4001 type or blocked extension, 4002 size, 4004 name with a path, 4005 name length, 4020 missing; errorsAsJson gives GenerateUrlError', async () => {
    const g = await guest();
    await g.configure();
    expect(await announce(g, { fileType: 'application/x-msdownload', fileName: 'a.bin' })).toEqual(
      expect.objectContaining({ class: 'string', code: 4001, body: 'File type is not supported' }),
    );
    expect(await announce(g, { fileSize: 10240 * 1024 + 1 })).toEqual(
      expect.objectContaining({ code: 4002, body: 'File size is greater than 10240' }),
    );
    // A blocked extension is a refused file type (the transport SDK: "file type is prohibited").
    expect(await announce(g, { fileName: 'setup.exe' })).toEqual(
      expect.objectContaining({ code: 4001, body: 'File type is not supported' }),
    );
    expect(await announce(g, { fileName: 'photos/foo.png' })).toEqual(
      expect.objectContaining({ code: 4004, body: 'File name is invalid' }),
    );
    expect(await announce(g, { fileName: `${'n'.repeat(256)}.png` })).toEqual(
      expect.objectContaining({ code: 4005, body: 'File name is too long' }),
    );
    expect(await announce(g, { fileName: undefined })).toEqual(
      expect.objectContaining({ code: 4020, body: 'Missing parameter: fileName' }),
    );
    const id = randomUUID();
    const json = await announce(g, { attachmentId: id, fileType: 'video/x-nope', errorsAsJson: true });
    expect(json).toEqual({
      type: 'message',
      class: 'GenerateUrlError',
      code: 200,
      body: {
        attachmentId: id,
        errorCode: 4001,
        errorMessage: 'File type is not supported',
        timestamp: expect.any(String),
      },
      tracingId: expect.any(String),
    });
  });

  test('attachments off: 4000; an unknown attachment 4009, one not uploaded 4010, one unsent for 15 days 4008', async () => {
    const strict = await guest({ deploymentId: STRICT, origin: TEST_ORIGIN });
    await strict.configure();
    expect((await announce(strict, {})).code).toBe(4000);

    const g = await guest();
    await g.configure();
    const unknown = randomUUID();
    expect(await g.request({ action: 'getAttachment', attachmentId: unknown })).toEqual(
      expect.objectContaining({ code: 4009, body: 'Attachment not found' }),
    );
    expect((await g.request({ action: 'deleteAttachment', attachmentId: unknown })).code).toBe(4009);
    const pending = (await announce(g, {})).body['attachmentId'] as string;
    expect(await g.text('see file', { content: [{ contentType: 'Attachment', attachment: { id: pending } }] })).toEqual(
      expect.objectContaining({ code: 4010, body: 'Attachment was not successfully uploaded' }),
    );
    const long = await guest({ deploymentId: LONG });
    await long.configure();
    const presigned = await announce(long, {});
    const id = presigned.body['attachmentId'] as string;
    const put = await fetch(presigned.body['url'] as string, {
      method: 'PUT',
      headers: { ...(presigned.body['headers'] as Record<string, string>), 'content-type': 'image/png' },
      body: PNG_1X1,
    });
    expect(put.status).toBe(200);
    await long.waitFor((f) => f.class === 'UploadSuccessEvent' && f.body['attachmentId'] === id);
    await control(emu, 'POST', '/clock', { advanceMs: 15 * 24 * 3600_000 + 60_000 });
    expect(await long.request({ action: 'getAttachment', attachmentId: id })).toEqual(
      expect.objectContaining({ code: 4008, body: 'Attachment has expired' }),
    );
  });
});

export type { WmFrame };
