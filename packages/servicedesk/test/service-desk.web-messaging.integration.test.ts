import { createHash, randomUUID } from 'node:crypto';
import { VirtualTimeScheduler } from 'rxjs';
import WebSocket from 'ws';
import { DEMO, callControl, startEmulator, type RunningEmulator } from 'genesys-handoff-emulator';
import {
  ServiceDeskError,
  createGenesysServiceDeskFactory,
  type GenesysServiceDeskOptions,
  type CarbonServiceDeskFactory,
} from '../src';
import { DEFAULT_STRINGS } from '../src/internals';
import { HEARTBEAT_TRACING_ID } from '../src/transports/web-messaging/parse-frame';
import {
  WebMessagingConnection,
  type WebMessagingConnectionConfig,
} from '../src/transports/web-messaging/wm-connection';
import {
  RecordingCallback,
  historyText,
  type HistoryItem,
  connectMessage,
  eventually,
  leavePage,
  startStack,
  typeAt,
  type DeskUnderTest,
  type Stack,
} from './harness';

/**
 * The service desk on the Web Messaging channel against the emulator's guest socket and REST, over real WebSocket
 * and HTTP, without a middleware (channel, deploymentId and genesysEnvironment given). Each test asserts the host
 * calls a person would see the effect of.
 */

const ORIGIN = 'https://shop.example.com';
/** `ws` sends no Origin by itself; a browser always does. */
class BrowserLikeWebSocket extends WebSocket {
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols, { origin: ORIGIN });
  }
}

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({
    port: 0,
    messengerDeployments: [
      { id: 'wm-main', flow: { greeting: 'Hi, I am the virtual assistant.', queue: 'Chat Queue' } },
      { id: 'wm-off', status: 'Inactive' },
      { id: 'wm-elsewhere', allowedOrigins: ['https://other.example.com'] },
      { id: 'wm-quiet', conversationDisconnect: { enabled: false, type: 'ReadOnly' }, conversationClear: false },
      {
        id: 'wm-auth',
        authentication: {
          enabled: true,
          identityProvider: { issuer: DEMO.identityIssuer, audience: DEMO.identityAudience },
        },
        flow: { greeting: 'Welcome back.', queue: 'Chat Queue' },
      },
    ],
  });
});
afterAll(() => emu.close());

const control = <T = unknown>(method: string, path: string, body?: unknown) =>
  callControl<T>(emu.controlUrl, method, path, body);
afterEach(async () => {
  await control('DELETE', '/faults');
});
const agents = () => [...emu.engine.agents.values()];
const alex = () => agents()[0]!;
const blair = () => agents()[1]!;
// The file button follows the session's upload policy (tested on its own below).
const noisy = ['updateAgentAvailability', 'updatePersistedState', 'updateCapabilities'];

let guests = 0;
async function makeDesk(
  options: Partial<GenesysServiceDeskOptions> = {},
  cb = new RecordingCallback(),
  instance?: unknown,
): Promise<DeskUnderTest & { factory: CarbonServiceDeskFactory }> {
  const name = `WM Guest ${++guests}`;
  const page = new EventTarget();
  const factory = createGenesysServiceDeskFactory({
    channel: 'web-messaging',
    deploymentId: 'wm-main',
    genesysEnvironment: 'mypurecloud.com',
    genesysApiBaseUrl: emu.url,
    webSocketCtor: BrowserLikeWebSocket as unknown as NonNullable<GenesysServiceDeskOptions['webSocketCtor']>,
    pageEvents: page,
    userProfile: { displayName: name },
    backoff: { initialMs: 50, maxMs: 200 },
    ...options,
    host: 'carbon',
  });
  return { desk: await factory({ callback: cb, instance }), cb, name, page, factory };
}

interface ChatView {
  id: string;
  state: string;
  endReason: string | null;
  guest: { displayName: string; customFields: Record<string, string> };
  messages: Array<{ body: string; senderRole?: string; senderId?: string }>;
}
/**
 * The agent accepts the chat and is connected: the emulator connects an accepted agent a moment later (its
 * `alertingMs`, as Genesys alerts first), and an agent's message before that is refused with 409.
 */
async function acceptChat(
  call: <T = unknown>(method: string, path: string, body?: unknown) => Promise<T>,
  chatId: string,
  agentId: string,
): Promise<void> {
  await call('POST', `/chats/${chatId}/accept`, { agentId });
  await eventually(async () => (await call<ChatView>('GET', `/chats/${chatId}`)).state === 'connected');
}

async function chatOf(name: string): Promise<ChatView> {
  let found: { id: string } | undefined;
  await eventually(async () => {
    const { entities } = await control<{ entities: Array<{ id: string; guest: { displayName: string } }> }>(
      'GET',
      '/chats',
    );
    found = entities.filter((c) => c.guest.displayName === name).pop();
    return found !== undefined;
  });
  return control<ChatView>('GET', `/chats/${found!.id}`);
}
const sessionOf = async (name: string) => {
  const { entities } = await control<{ entities: Array<{ token: string; conversationId: string }> }>(
    'GET',
    '/messaging/sessions',
  );
  const chat = await chatOf(name);
  return entities.find((s) => s.conversationId === chat.id)!;
};
/** A connection made without the desk, to the emulator's `wm-main` deployment. */
const rawConnectionConfig = (extra: Partial<WebMessagingConnectionConfig> = {}): WebMessagingConnectionConfig => ({
  socketUrl: emu.url.replace(/^http/, 'ws'),
  apiBaseUrl: emu.url,
  deploymentId: 'wm-main',
  clearEnabled: true,
  webSocketCtor: BrowserLikeWebSocket as unknown as NonNullable<GenesysServiceDeskOptions['webSocketCtor']>,
  fetch,
  ...extra,
});
const shown = (cb: RecordingCallback) => cb.of('sendMessageToUser').map(([text]) => text);

async function started(options: Partial<GenesysServiceDeskOptions> = {}, instance?: unknown) {
  const d = await makeDesk(options, undefined, instance);
  await d.desk.startChat(connectMessage(), {});
  const chat = await chatOf(d.name);
  return { ...d, chatId: chat.id };
}

describe('Web Messaging: a whole chat', () => {
  test('greeting, summary and attributes for the agent, messages both ways, typing, join by nickname, transfer, the agent ends it', async () => {
    const { desk, cb, name, chatId } = await started();
    await cb.waitFor('sendMessageToUser');
    expect(shown(cb)).toEqual(['Hi, I am the virtual assistant.']);

    const chat = await chatOf(name);
    // The summary is the conversation's first message from the customer; the customer never sees it.
    const fromCustomer = chat.messages.filter((m) => m.body !== '' && m.body !== 'Hi, I am the virtual assistant.');
    expect(fromCustomer[0]!.body).toMatch(
      /^Customer asked for an agent about a refund\.\n[^]*Order 1234 arrived damaged\.$/,
    );
    expect(chat.guest.customFields).toMatchObject({ displayName: name });

    await desk.sendMessageToAgent({ input: { text: 'My parcel is damaged' } });
    await eventually(async () => (await chatOf(name)).messages.some((m) => m.body === 'My parcel is damaged'));

    await acceptChat(control, chatId, alex().id);
    await control('POST', `/chats/${chatId}/messages`, { body: 'Hello, I am Alex' });
    await cb.waitFor('agentJoined');
    await cb.waitFor('sendMessageToUser', 2);
    await control('POST', `/chats/${chatId}/typing`);
    await cb.waitFor('agentTyping');
    await control('POST', `/chats/${chatId}/transfer`, { toAgentId: blair().id });
    await control('POST', `/chats/${chatId}/messages`, { body: 'Blair here' });
    await cb.waitFor('sendMessageToUser', 3);
    await control('POST', `/chats/${chatId}/end`);
    await cb.waitFor('agentEndedChat');

    expect(cb.names(noisy)).toEqual([
      'sendMessageToUser',
      'agentJoined',
      'sendMessageToUser',
      'agentTyping',
      'agentTyping',
      'beginTransferToAnotherAgent',
      'agentLeftChat',
      'agentJoined',
      'sendMessageToUser',
      'agentEndedChat',
    ]);
    expect(cb.of('agentJoined')[0]![0]).toMatchObject({ nickname: 'Alex Agent' });
    expect(cb.of('agentJoined')[1]![0]).toMatchObject({ nickname: expect.stringMatching(/^Blair/) });
    expect(cb.of('agentTyping')).toEqual([[true], [false]]);
    expect(shown(cb).slice(1)).toEqual(['Hello, I am Alex', 'Blair here']);
    // The session is read-only now: the composer's sends are refused cleanly.
    await expect(desk.sendMessageToAgent({ input: { text: 'still there?' } })).rejects.toBeInstanceOf(ServiceDeskError);
    expect((cb.state['genesysChat'] as unknown) ?? null).toBeNull();
  });

  test('a new chat after an ended one starts a new session for the same token', async () => {
    const { desk, cb, name, chatId } = await started();
    await acceptChat(control, chatId, alex().id);
    await control('POST', `/chats/${chatId}/end`);
    await cb.waitFor('agentEndedChat');
    const first = await sessionOf(name);
    await desk.startChat(connectMessage(), {});
    await cb.waitFor('sendMessageToUser', 2);
    const { entities } = await control<{
      entities: Array<{ token: string; readOnly: boolean; conversationId: string }>;
    }>('GET', '/messaging/sessions');
    const again = entities.filter((s) => s.token === first.token);
    expect(again).toHaveLength(1);
    expect(again[0]!.readOnly).toBe(false);
    expect(again[0]!.conversationId).not.toBe(chatId);
    await desk.endChat();
  });

  test('two chats of one page at once (two desks of one factory) have a session each, and both go on', async () => {
    const first = await makeDesk();
    const cb2 = new RecordingCallback();
    const second = await first.factory({ callback: cb2, instance: {} });
    await first.desk.startChat(connectMessage(), {});
    await second.startChat(connectMessage(), {});
    const { entities } = await control<{ entities: Array<{ id: string; guest: { displayName: string } }> }>(
      'GET',
      '/chats',
    );
    const chats = entities.filter((c) => c.guest.displayName === first.name);
    expect(chats).toHaveLength(2);
    for (const [i, c] of chats.entries()) {
      await acceptChat(control, c.id, agents()[i]!.id);
      await control('POST', `/chats/${c.id}/messages`, { body: `Hello from chat ${i + 1}` });
    }
    await eventually(() => shown(first.cb).includes('Hello from chat 1') && shown(cb2).includes('Hello from chat 2'));
    expect(first.cb.of('agentEndedChat')).toEqual([]);
    expect(cb2.of('agentEndedChat')).toEqual([]);
    for (const c of chats) expect((await control<ChatView>('GET', `/chats/${c.id}`)).state).not.toBe('ended');
    await first.desk.endChat();
    await second.endChat();
  });

  test('the customer ends the chat with Presence Clear: the agent sees the conversation end', async () => {
    const { desk, chatId } = await started();
    await acceptChat(control, chatId, alex().id);
    await desk.endChat();
    await eventually(async () => (await control<ChatView>('GET', `/chats/${chatId}`)).state === 'ended');
  });
});

describe('Web Messaging: reload and drops lose nothing and show nothing twice', () => {
  test('reconnect() after a reload resumes the same session, announces the agent and shows only what was missed', async () => {
    const first = await started();
    await acceptChat(control, first.chatId, alex().id);
    await control('POST', `/chats/${first.chatId}/messages`, { body: 'before the reload' });
    await first.cb.waitFor('sendMessageToUser', 2);
    leavePage(first);
    await control('POST', `/chats/${first.chatId}/messages`, { body: 'while you were away' });

    const cb = new RecordingCallback(first.cb.state);
    const second = await makeDesk({}, cb);
    expect(await second.desk.reconnect()).toBe(true);
    await cb.waitFor('sendMessageToUser');
    await control('POST', `/chats/${first.chatId}/messages`, { body: 'and after' });
    await cb.waitFor('sendMessageToUser', 2);
    expect(cb.names(noisy)).toEqual(['agentJoined', 'sendMessageToUser', 'sendMessageToUser']);
    expect(shown(cb)).toEqual(['while you were away', 'and after']);
    await second.desk.endChat();
  });

  test('what the customer had seen comes back first, as the host history: the flow, their words and the agent’s, not the summary', async () => {
    const first = await started();
    await acceptChat(control, first.chatId, alex().id);
    await first.desk.sendMessageToAgent({ input: { text: 'My order is broken' } });
    await control('POST', `/chats/${first.chatId}/messages`, { body: 'Let me look' });
    await eventually(() => shown(first.cb).includes('Let me look'));
    leavePage(first);
    await control('POST', `/chats/${first.chatId}/messages`, { body: 'while you were away' });

    const cb = new RecordingCallback(first.cb.state);
    const second = await makeDesk({}, cb, cb.historyHost());
    expect(await second.desk.reconnect()).toBe(true);
    await eventually(() => shown(cb).includes('while you were away'));
    // Before the agent is announced again and before what was missed, once.
    expect(cb.names(noisy)).toEqual(['insertHistory', 'agentJoined', 'sendMessageToUser']);
    const [items] = cb.of('insertHistory')[0] as [HistoryItem[]];
    expect(items.map(historyText)).toEqual(['Hi, I am the virtual assistant.', 'My order is broken', 'Let me look']);
    // The flow's as no agent's, the customer's as theirs, the agent's under the agent's name.
    expect(
      items.map((i) => i.message.input?.agent_message_type ?? i.message.message_options?.response_user_profile),
    ).toEqual([undefined, 'from_user', expect.objectContaining({ nickname: alex().name })]);
    // The summary for the agent is the session's first message; the customer never sees it.
    expect(JSON.stringify(items)).not.toContain('Order 1234 arrived damaged');
    await second.desk.endChat();
  });

  test('after a reload the socket opens at once with the saved origin: the deployment configuration is not read again', async () => {
    const first = await started();
    await acceptChat(control, first.chatId, alex().id);
    await control('POST', `/chats/${first.chatId}/messages`, { body: 'before the reload' });
    await first.cb.waitFor('sendMessageToUser', 2);
    leavePage(first);
    const config = { endpoint: 'GET /webdeployments/v1/deployments/:id/config.json', status: 503, times: 1 };
    await control('POST', '/faults', config);
    await control('POST', `/chats/${first.chatId}/messages`, { body: 'while you were away' });

    const cb = new RecordingCallback(first.cb.state);
    const second = await makeDesk({}, cb);
    expect(await second.desk.reconnect()).toBe(true);
    await eventually(() => shown(cb).includes('while you were away'));
    // The configuration was not asked for: its failure is still waiting.
    expect(await control('GET', '/faults')).toEqual({ entities: [expect.objectContaining(config)] });
    await second.desk.endChat();
  });

  test('the socket fails to open for a moment after the reload (503 on the deployment config and the upgrade): retried, the chat goes on', async () => {
    const first = await started();
    await acceptChat(control, first.chatId, alex().id);
    await control('POST', `/chats/${first.chatId}/messages`, { body: 'before the reload' });
    await first.cb.waitFor('sendMessageToUser', 2);
    leavePage(first);
    // A chat saved without its socket origin (by a page of an earlier version) reads the configuration again.
    const saved = first.cb.state['genesysChat'] as Record<string, unknown>;
    delete saved['socketUrl'];
    delete saved['clearEnabled'];
    await control('POST', '/faults', {
      endpoint: 'GET /webdeployments/v1/deployments/:id/config.json',
      status: 503,
      times: 1,
    });
    await control('POST', '/faults', { endpoint: 'GET /v1', status: 503, times: 2 });
    await control('POST', `/chats/${first.chatId}/messages`, { body: 'while you were away' });

    const cb = new RecordingCallback(first.cb.state);
    const second = await makeDesk({}, cb);
    expect(await second.desk.reconnect()).toBe(true);
    // Every injected failure was met.
    expect(await control('GET', '/faults')).toEqual({ entities: [] });
    await eventually(() => shown(cb).includes('while you were away'));
    await second.desk.sendMessageToAgent({ input: { text: 'back after the hiccup' } });
    await eventually(async () => (await chatOf(first.name)).messages.some((m) => m.body === 'back after the hiccup'));
    expect((await chatOf(first.name)).state).not.toBe('ended');
    await second.desk.endChat();
  });

  test('a dropped socket reconnects, tells the customer, and backfills what was said meanwhile, once', async () => {
    const { desk, cb, name, chatId } = await started();
    await acceptChat(control, chatId, alex().id);
    await control('POST', `/chats/${chatId}/messages`, { body: 'hello' });
    await cb.waitFor('sendMessageToUser', 2);
    const session = await sessionOf(name);
    await control('POST', `/messaging/sessions/${session.token}/drop`, { closeFrame: false });
    await control('POST', `/chats/${chatId}/messages`, { body: 'while the socket was down' });
    await eventually(() => shown(cb).includes('while the socket was down'));
    await eventually(() => cb.statusLines().length >= 2);
    expect(shown(cb).filter((m) => typeof m === 'string')).toEqual([
      expect.anything(),
      'hello',
      'while the socket was down',
    ]);
    // The desk's own status lines, told from the customer's side; not the host's DISCONNECTED error.
    expect(cb.statusLines()).toEqual([DEFAULT_STRINGS.connectionLost, DEFAULT_STRINGS.connectionBack]);
    expect(cb.of('setErrorStatus')).toEqual([]);
    await desk.sendMessageToAgent({ input: { text: 'back again' } });
    await desk.endChat();
  });
});

/** The smallest valid PNG (1×1). */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

describe("Web Messaging: the customer's messages while the socket is away", () => {
  const customerTexts = async (name: string) =>
    (await chatOf(name)).messages.filter((m) => m.senderRole === 'CUSTOMER').map((m) => m.body);

  test('written while it is down: held (the customer told), then sent in order, once each, after the reconnect', async () => {
    const { desk, cb, name, chatId } = await started();
    await acceptChat(control, chatId, alex().id);
    const session = await sessionOf(name);
    // The reconnect is held up, so the customer writes while there is no socket at all.
    await control('POST', '/faults', { endpoint: 'GET /v1', latencyMs: 1500, times: 1 });
    await control('POST', `/messaging/sessions/${session.token}/drop`, { closeFrame: false });
    await eventually(() => cb.statusLines().includes(DEFAULT_STRINGS.connectionLost));
    const sends = [
      desk.sendMessageToAgent({ input: { text: 'first while down' } }),
      desk.sendMessageToAgent({ input: { text: 'second while down' } }),
    ];
    await Promise.all(sends);
    expect((await customerTexts(name)).filter((b) => b.endsWith('while down'))).toEqual([
      'first while down',
      'second while down',
    ]);
    // One line said the connection is lost and that what they write waits: nothing repeats it for the held messages.
    expect(cb.statusLines()).toEqual([DEFAULT_STRINGS.connectionLost, DEFAULT_STRINGS.connectionBack]);
    await desk.endChat();
  });

  test('a message Genesys already has under its id is not sent again: by its echo, and by the history after a reload', async () => {
    const token = randomUUID();
    const open = (resuming: boolean) => {
      const connection = new WebMessagingConnection(rawConnectionConfig(), { token, startNew: false, resuming });
      const events = connection.events$.subscribe();
      return { connection, events };
    };
    const first = open(false);
    await first.connection.opened;
    await first.connection.sendMessage('only once', 'message-1');
    // Sent again under the same id (its answer lost, say): the echo already told that Genesys has it.
    await first.connection.sendMessage('only once', 'message-1');
    first.events.unsubscribe();
    first.connection.dispose();

    // A new connection to the same session knows the message from the history it reads on opening.
    const second = open(true);
    await second.connection.opened;
    await second.connection.sendMessage('only once', 'message-1');
    await second.connection.sendMessage('a new one', 'message-2');
    const { entities } = await control<{ entities: Array<{ token: string; conversationId: string }> }>(
      'GET',
      '/messaging/sessions',
    );
    const conversationId = entities.find((e) => e.token === token)!.conversationId;
    const chat = await control<ChatView>('GET', `/chats/${conversationId}`);
    expect(chat.messages.filter((m) => m.senderRole === 'CUSTOMER' && m.body !== '').map((m) => m.body)).toEqual([
      'only once',
      'a new one',
    ]);
    second.events.unsubscribe();
    await second.connection.end();
  });
});

describe('Web Messaging: files both ways and quick replies', () => {
  interface FileMessage {
    body: string;
    attachments?: Array<{ filename: string; mime: string; fileSize: number }>;
    buttonResponse?: { type: string; text: string; payload: string };
  }
  const messagesOf = async (chatId: string) =>
    (await control<{ messages: FileMessage[] }>('GET', `/chats/${chatId}`)).messages;

  test("the session turns uploads on with its types; the customer's file is uploaded and reaches the agent", async () => {
    const { desk, cb, chatId } = await started();
    const [caps] = await cb.waitFor('updateCapabilities');
    expect(caps).toEqual([
      {
        allowFileUploads: true,
        allowMultipleFileUploads: true,
        allowedFileUploadTypes: 'image/png,image/jpeg,image/gif,application/pdf,text/plain',
      },
    ]);
    await desk.sendMessageToAgent({ input: { text: 'Here it is' } }, 'm1', {
      filesToUpload: [{ id: 'f1', file: new File([PNG], 'photo.png', { type: 'image/png' }) }],
    });
    await cb.waitFor('setFileUploadStatus');
    expect(cb.of('setFileUploadStatus')).toEqual([['f1', false, undefined]]);
    const withFile = (await messagesOf(chatId)).find((m) => m.attachments?.length);
    expect(withFile?.attachments).toMatchObject([{ filename: 'photo.png', mime: 'image/png', fileSize: PNG.length }]);
    expect((await messagesOf(chatId)).some((m) => m.body === 'Here it is')).toBe(true);
    await desk.endChat();
    expect(cb.of('updateCapabilities').pop()).toEqual([{ allowFileUploads: false }]);
  });

  test('Genesys refuses a file after the upload (its content is not its type): the customer is told it failed', async () => {
    const { desk, cb, chatId } = await started();
    await cb.waitFor('updateCapabilities');
    await desk.sendMessageToAgent({ input: { text: '' } }, 'm1', {
      filesToUpload: [{ id: 'f1', file: new File([Buffer.from('not a png')], 'fake.png', { type: 'image/png' }) }],
    });
    await cb.waitFor('setFileUploadStatus');
    expect(cb.of('setFileUploadStatus')).toEqual([['f1', true, "The file couldn't be sent. Please try again."]]);
    expect((await messagesOf(chatId)).some((m) => m.attachments?.length)).toBe(false);
    await desk.endChat();
  });

  test('Genesys refuses a file before the upload (a name over 255 characters, GenerateUrlError): the customer reads why', async () => {
    const { desk, cb, chatId } = await started();
    await cb.waitFor('updateCapabilities');
    await desk.sendMessageToAgent({ input: { text: '' } }, 'm1', {
      filesToUpload: [{ id: 'f1', file: new File([PNG], `${'n'.repeat(260)}.png`, { type: 'image/png' }) }],
    });
    await cb.waitFor('setFileUploadStatus');
    expect(cb.of('setFileUploadStatus')).toEqual([['f1', true, "A file with this name can't be sent."]]);
    expect((await messagesOf(chatId)).some((m) => m.attachments?.length)).toBe(false);
    await desk.endChat();
  });

  test("the agent's file and quick replies reach the host as items; the choice goes back as a ButtonResponse", async () => {
    // The host's event surface as both hosts offer it on their instance: the desk listens for `pre:send`.
    const listeners: Array<{ type: string; handler: (event: { data?: unknown }) => unknown }> = [];
    const { desk, cb, chatId } = await started({}, { on: (l: (typeof listeners)[number]) => listeners.push(l) });
    await acceptChat(control, chatId, alex().id);
    await control('POST', `/chats/${chatId}/files`, {
      filename: 'receipt.png',
      mime: 'image/png',
      dataBase64: PNG.toString('base64'),
      text: 'Your receipt',
    });
    await control('POST', `/chats/${chatId}/messages`, {
      body: 'Anything else?',
      quickReplies: [
        { text: 'Yes', payload: 'more' },
        { text: 'No', payload: 'done' },
      ],
    });
    await cb.waitFor('sendMessageToUser', 3);
    const [file, quick] = cb.of('sendMessageToUser').slice(1) as Array<[{ output: { generic: unknown[] } }, string]>;
    expect(file![0].output.generic).toEqual([
      { response_type: 'text', text: 'Your receipt' },
      {
        response_type: 'image',
        source: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/api\/v2\/downloads\//),
        alt_text: 'receipt.png',
        title: 'receipt.png',
      },
    ]);
    const options = quick![0].output.generic[1] as {
      response_type: string;
      options: Array<{ label: string; value: unknown }>;
    };
    expect(options).toMatchObject({ response_type: 'option', options: [{ label: 'Yes' }, { label: 'No' }] });
    // The customer picks "No": the host sends the option's value as a request, which its `pre:send` shows first.
    listeners.filter((l) => l.type === 'pre:send').forEach((l) => l.handler({ data: options.options[1]!.value }));
    let answer: FileMessage | undefined;
    await eventually(async () => (answer = (await messagesOf(chatId)).find((m) => m.buttonResponse)) !== undefined);
    expect(answer).toMatchObject({ body: 'No', buttonResponse: { type: 'QuickReply', text: 'No', payload: 'done' } });
    await desk.endChat();
  });

  test("the agent's cards reach the host as items, one card after the other; an answer button goes back as a Button response", async () => {
    const listeners: Array<{ type: string; handler: (event: { data?: unknown }) => unknown }> = [];
    const { desk, cb, chatId } = await started({}, { on: (l: (typeof listeners)[number]) => listeners.push(l) });
    await acceptChat(control, chatId, alex().id);
    const card = (title: string) => ({
      title,
      description: `All about ${title}`,
      image: `${emu.url}/images/${title}.png`,
      actions: [
        { type: 'Link', text: 'Details', url: `https://shop.example.com/${title}` },
        { type: 'Link', text: 'Sneaky', url: 'javascript:alert(1)' },
        { type: 'Postback', text: `Choose ${title}`, payload: `pick-${title}` },
      ],
    });
    await control('POST', `/chats/${chatId}/messages`, { body: 'This one?', cards: [card('Boots')] });
    await control('POST', `/chats/${chatId}/messages`, { body: 'Or these?', cards: [card('Hat'), card('Scarf')] });
    await cb.waitFor('sendMessageToUser', 3);
    type Generic = { output: { generic: Array<Record<string, unknown>> } };
    const [one, several] = (cb.of('sendMessageToUser').slice(1) as Array<[Generic]>).map(([m]) => m.output.generic);
    const boots = [
      { response_type: 'image', source: `${emu.url}/images/Boots.png`, alt_text: 'Boots' },
      {
        response_type: 'text',
        text: '**Boots**\n\nAll about Boots\n\n[Details](<https://shop.example.com/Boots>){{rel="noopener noreferrer"}}',
      },
      { response_type: 'option', preference: 'button', options: [expect.objectContaining({ label: 'Choose Boots' })] },
    ];
    expect(one).toEqual([{ response_type: 'text', text: 'This one?' }, ...boots]);
    // Two cards: each in turn, under the text.
    expect(several!.map((i) => i['response_type'])).toEqual([
      'text',
      'image',
      'text',
      'option',
      'image',
      'text',
      'option',
    ]);
    // The customer chooses "Choose Scarf": the host sends the option's value as a request, shown first by `pre:send`.
    const scarf = several![6] as { options: Array<{ label: string; value: unknown }> };
    const button = scarf.options.find((b) => b.label === 'Choose Scarf')!;
    listeners.filter((l) => l.type === 'pre:send').forEach((l) => l.handler({ data: button.value }));
    let answer: FileMessage | undefined;
    await eventually(async () => (answer = (await messagesOf(chatId)).find((m) => m.buttonResponse)) !== undefined);
    expect(answer).toMatchObject({
      body: 'Choose Scarf',
      buttonResponse: { type: 'Button', text: 'Choose Scarf', payload: 'pick-Scarf' },
    });
    await desk.endChat();
  });
});

/** The frames the customer's socket sends and receives, for the tests that count them. */
const sentFrames: Array<Record<string, unknown>> = [];
const receivedFrames: Array<Record<string, unknown>> = [];
class RecordingWebSocket extends BrowserLikeWebSocket {
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols);
    this.addEventListener('message', (e) => receivedFrames.push(JSON.parse(String(e.data)) as Record<string, unknown>));
  }

  override send(data: string): void {
    sentFrames.push(JSON.parse(data) as Record<string, unknown>);
    super.send(data);
  }
}
const sentTyping = (token: string) =>
  sentFrames.filter(
    (f) =>
      f['token'] === token &&
      JSON.stringify((f['message'] as { events?: unknown } | undefined)?.events ?? []).includes('"Typing"'),
  ).length;

describe('Web Messaging: the customer typing', () => {
  test('at most one typing event per 5 s however fast the customer types', async () => {
    const { desk, cb, name } = await started({
      webSocketCtor: RecordingWebSocket as unknown as NonNullable<GenesysServiceDeskOptions['webSocketCtor']>,
    });
    await cb.waitFor('sendMessageToUser');
    const { token } = await sessionOf(name);
    // The customer types at t1, t1 + 1 s, … t1 + 4.999 s, then at t1 + 5 s, t1 a second after now (when the start's
    // Join and summary no longer hold the session's message rate: typing waits for that).
    await typeAt(desk, [
      { moments: [1000, 2000, 3500, 5999], check: () => expect(sentTyping(token)).toBe(1) },
      { moments: [6000], check: () => expect(sentTyping(token)).toBe(2) },
    ]);
    await desk.endChat();
  });

  test('typingThrottleMs is the one throttle: at 1.5 s, the customer typing for 3 s sends three typing events, not one', async () => {
    const { desk, cb, name } = await started({
      typingThrottleMs: 1500,
      webSocketCtor: RecordingWebSocket as unknown as NonNullable<GenesysServiceDeskOptions['webSocketCtor']>,
    });
    await cb.waitFor('sendMessageToUser');
    const { token } = await sessionOf(name);
    await typeAt(desk, [
      { moments: [1000, 1500, 2000], check: () => eventually(() => sentTyping(token) === 1) },
      { moments: [2500, 3000], check: () => eventually(() => sentTyping(token) === 2) },
      { moments: [4000], check: () => eventually(() => sentTyping(token) === 3) },
    ]);
    expect(sentTyping(token)).toBe(3);
    await desk.endChat();
  });

  test("typing leaves the second of Genesys' 2 messages a second to the customer's next message: nothing is refused", async () => {
    const { desk, cb, name } = await started({
      webSocketCtor: RecordingWebSocket as unknown as NonNullable<GenesysServiceDeskOptions['webSocketCtor']>,
    });
    await cb.waitFor('sendMessageToUser');
    const { token } = await sessionOf(name);
    // The start's Join and summary are more than a second old for Genesys.
    await control('POST', '/clock', { advanceMs: 1000 });
    const before = receivedFrames.length;
    await desk.sendMessageToAgent({ input: { text: 'first' } });
    await desk.userTyping(true);
    await desk.sendMessageToAgent({ input: { text: 'second' } });
    await eventually(() => sentTyping(token) === 1);
    const refused = receivedFrames.slice(before).filter((f) => f['class'] === 'TooManyRequestsErrorMessage');
    expect(refused).toEqual([]);
    expect((await chatOf(name)).messages.map((m) => m.body)).toEqual(expect.arrayContaining(['first', 'second']));
    await desk.endChat();
  });

  test('a typing event refused by the rate limit (429) is sent again after retryAfter: the agent sees the customer typing', async () => {
    const { desk, cb, name, chatId } = await started();
    await cb.waitFor('sendMessageToUser');
    const { token } = await sessionOf(name);
    await control('POST', `/messaging/sessions/${token}/rate-limit`, { times: 1, retryAfter: 1 });
    await desk.userTyping(true);
    const typingNotices = async () =>
      (await control<{ guest: { typingNotices: number } }>('GET', `/chats/${chatId}`)).guest.typingNotices;
    await eventually(async () => (await typingNotices()) === 1);
    await desk.endChat();
  });
});

describe('Web Messaging: the heartbeat', () => {
  test('echo every 45 s while the socket is open, never sooner, over a real socket; Genesys answers and the socket stays', async () => {
    // Virtual time for the connection's timers only; the socket and the emulator are real.
    const clock = new VirtualTimeScheduler();
    const opened: string[] = [];
    class CountingWebSocket extends RecordingWebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols);
        opened.push(url);
      }
    }
    const token = randomUUID();
    const connection = new WebMessagingConnection(
      rawConnectionConfig({
        webSocketCtor: CountingWebSocket as unknown as NonNullable<GenesysServiceDeskOptions['webSocketCtor']>,
        scheduler: clock,
      }),
      { token, startNew: false, resuming: false },
    );
    const events = connection.events$.subscribe();
    await connection.opened;
    const echoes = () => sentFrames.filter((f) => f['token'] === token && f['action'] === 'echo').length;
    // Genesys answers an echo with a "ping" StructuredMessage that carries the echo's tracingId.
    const answered = (n: number) =>
      eventually(
        () =>
          receivedFrames.filter((f) => f['tracingId'] === HEARTBEAT_TRACING_ID && f['class'] === 'StructuredMessage')
            .length === n,
      );
    // The client's time is virtual; the emulator's moves with it, so that its once-per-30-s limit on echo sees the
    // same 45 s between two.
    const emulatorAdvance = (ms: number) => control('POST', '/clock', { advanceMs: ms });
    const advanceTo = (ms: number) => {
      clock.maxFrames = ms;
      clock.flush();
    };

    advanceTo(44_999);
    expect(echoes()).toBe(0);
    await emulatorAdvance(45_000);
    advanceTo(45_000);
    expect(echoes()).toBe(1);
    await answered(1);
    advanceTo(89_999);
    expect(echoes()).toBe(1);
    await emulatorAdvance(45_000);
    advanceTo(90_000);
    expect(echoes()).toBe(2);
    await answered(2);
    // Each echo was answered on the same socket (its answer feeds the watchdog): no reconnect.
    expect(opened).toHaveLength(1);
    expect((await control<{ sockets: number }>('GET', `/messaging/sessions/${token}`)).sockets).toBe(1);
    events.unsubscribe();
    connection.dispose();
  });
});

describe('Web Messaging: terminal conditions and refusals', () => {
  test('ConnectionClosedEvent ends the chat with a message and no reconnect', async () => {
    const { cb, name } = await started();
    await cb.waitFor('sendMessageToUser');
    const session = await sessionOf(name);
    await control('POST', `/messaging/sessions/${session.token}/connection-closed`, {});
    await cb.waitFor('agentEndedChat');
    expect(cb.names(noisy).slice(-2)).toEqual(['sendMessageToUser', 'agentEndedChat']);
  });

  test('an inactive deployment and a refused upgrade (403) fail the start with an error for the customer', async () => {
    for (const deploymentId of ['wm-off', 'wm-elsewhere']) {
      const d = await makeDesk({ deploymentId });
      // A failed start is told through the host and resolves (a rejection would only be an unhandled one in the page).
      await expect(d.desk.startChat(connectMessage(), {})).resolves.toBeUndefined();
      expect(d.cb.names()).toEqual(['setErrorStatus']);
    }
  });

  test('the summary for the agent fails for a moment (5000): sent again, the agent reads it first, the chat goes on', async () => {
    await control('POST', '/messaging/fail-text-messages', { times: 1 });
    const { desk, cb, name } = await started();
    await cb.waitFor('sendMessageToUser');
    const chat = await chatOf(name);
    const fromCustomer = chat.messages.filter((m) => m.body !== '' && m.body !== 'Hi, I am the virtual assistant.');
    expect(fromCustomer[0]!.body).toMatch(/^Customer asked for an agent about a refund\./);
    expect(cb.of('setErrorStatus')).toEqual([]);
    expect(chat.state).not.toBe('ended');
    await desk.endChat();
  });

  test('the summary for the agent cannot be delivered: the start fails for the customer and the conversation is ended', async () => {
    await control('POST', '/messaging/fail-text-messages', { times: 100 });
    try {
      const d = await makeDesk();
      await expect(d.desk.startChat(connectMessage(), {})).resolves.toBeUndefined();
      expect(d.cb.of('setErrorStatus')).toEqual([
        [
          {
            type: 1,
            logInfo: expect.stringMatching(/could not be started: .*5000/),
            messageToUser: expect.stringContaining("couldn't connect you"),
          },
        ],
      ]);
      await eventually(async () => (await chatOf(d.name)).state === 'ended');
    } finally {
      await control('POST', '/messaging/fail-text-messages', { times: 0 });
    }
  });

  test('a message refused with 429 is sent again after retryAfter and resolves', async () => {
    const { desk, cb, name } = await started();
    await cb.waitFor('sendMessageToUser');
    const session = await sessionOf(name);
    await control('POST', `/messaging/sessions/${session.token}/rate-limit`, { times: 1, retryAfter: 1 });
    await desk.sendMessageToAgent({ input: { text: 'rate limited once' } });
    await eventually(async () => (await chatOf(name)).messages.some((m) => m.body === 'rate limited once'));
    await desk.endChat();
  });
});

describe('Web Messaging: choosing the channel', () => {
  test('without a channel option, the middleware’s /setup chooses Web Messaging and names the deployment', async () => {
    const stack = await startStack({}, { GENESYS_CHANNEL: 'web-messaging', DEPLOYMENT_ID: DEMO.messengerDeploymentId });
    try {
      const cb = new RecordingCallback();
      const factory = createGenesysServiceDeskFactory({
        serverBaseUrl: stack.middlewareUrl,
        webSocketCtor: BrowserLikeWebSocket as unknown as NonNullable<GenesysServiceDeskOptions['webSocketCtor']>,
        userProfile: { displayName: 'Setup Guest' },
      });
      const desk = await factory({ callback: cb });
      await desk.startChat(connectMessage(), {});
      await cb.waitFor('sendMessageToUser');
      const { entities } = await callControl<{
        entities: Array<{ deploymentId: string; customAttributes: Record<string, string> }>;
      }>(stack.emu.controlUrl, 'GET', '/messaging/sessions');
      expect(entities.map((s) => [s.deploymentId, s.customAttributes['displayName']])).toEqual([
        [DEMO.messengerDeploymentId, 'Setup Guest'],
      ]);
      await desk.endChat();
    } finally {
      await stack.close();
    }
  });

  test('options are checked: an unknown channel, or no middleware without deployment and region', () => {
    expect(() =>
      createGenesysServiceDeskFactory({ channel: 'sms' as 'guest-chat', serverBaseUrl: 'http://x' }),
    ).toThrow(/channel must be/);
    expect(() => createGenesysServiceDeskFactory({ channel: 'web-messaging', deploymentId: 'd' })).toThrow(
      /serverBaseUrl/,
    );
    expect(() => createGenesysServiceDeskFactory({ channel: 'guest-chat', serverBaseUrl: 'http://x' })).toThrow(
      /genesys-handoff-servicedesk\/guest-chat/,
    );
  });
});

describe('Web Messaging: the place in line, through the middleware', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({}, { GENESYS_CHANNEL: 'web-messaging', DEPLOYMENT_ID: DEMO.messengerDeploymentId });
  });
  afterAll(() => stack.close());
  const ctl = <T = unknown>(method: string, path: string, body?: unknown) =>
    callControl<T>(stack.emu.controlUrl, method, path, body);
  const alexThere = () => [...stack.emu.engine.agents.values()][0]!;

  let customers = 0;
  async function customer(cb = new RecordingCallback()) {
    const name = `WM Waiting ${++customers}`;
    const page = new EventTarget();
    const factory = createGenesysServiceDeskFactory({
      serverBaseUrl: stack.middlewareUrl,
      webSocketCtor: BrowserLikeWebSocket as unknown as NonNullable<GenesysServiceDeskOptions['webSocketCtor']>,
      userProfile: { displayName: name },
      availability: true,
      availabilityRefreshMs: 100,
      pageEvents: page,
    });
    const desk = await factory({ callback: cb });
    return { desk, cb, name, page };
  }
  /** The customer's chat at the emulator, once it waits in the queue. */
  const conversationOf = async (name: string) => {
    let id: string | undefined;
    await eventually(() => {
      id = [...stack.emu.engine.conversations.values()].find((c) => c.guest.displayName === name)?.id;
      return id !== undefined;
    });
    return id!;
  };
  const banners = (cb: RecordingCallback) => cb.of('updateAgentAvailability').map(([a]) => JSON.stringify(a));
  const bannerSays = (cb: RecordingCallback, text: RegExp) =>
    eventually(() => banners(cb).some((b) => text.test(b)), 10_000);

  test('the waiting banner gives the place in line and the wait, refreshed as the line moves, and after a reload', async () => {
    const first = await customer();
    await first.desk.startChat(connectMessage(), {});
    const firstId = await conversationOf(first.name);
    const second = await customer();
    await second.desk.startChat(connectMessage(), {});
    await bannerSays(second.cb, /You're number \**2\** in line\. Expected wait: /);
    // The customer's message id goes to the middleware; its conversation's id never reaches the browser.
    expect(JSON.stringify(second.cb.state)).toContain('ownMessageId');
    expect(JSON.stringify(second.cb.of('updateAgentAvailability'))).not.toContain(firstId);

    await acceptChat(ctl, firstId, alexThere().id);
    await ctl('POST', `/chats/${firstId}/messages`, { body: 'Hello, I am Alex' });
    await bannerSays(second.cb, /You're number \**1\** in line\./);

    // A reload keeps the chat's place in line (the message id is in the saved state).
    leavePage(second);
    const again = await customer(new RecordingCallback(second.cb.state));
    expect(await again.desk.reconnect()).toBe(true);
    await bannerSays(again.cb, /You're number \**1\** in line\./);
    await again.desk.endChat();
    await first.desk.endChat();
  });

  test('back in a queue after an agent, the place in line comes as a status line; with an agent, nothing says "waiting"', async () => {
    const c = await customer();
    await c.desk.startChat(connectMessage(), {});
    const id = await conversationOf(c.name);
    await acceptChat(ctl, id, alexThere().id);
    await ctl('POST', `/chats/${id}/messages`, { body: 'Alex here' });
    await c.cb.waitFor('agentJoined');
    const waitingLines = () =>
      c.cb
        .of('sendMessageToUser')
        .map(([m]) => JSON.stringify(m))
        .filter((m) => m.includes('waiting for the next agent'));
    // Polls go on while Alex has the chat (that is how a return to the queue is heard): they say nothing.
    const asked = async () => (await ctl<{ counts: Record<string, number> }>('GET', '/requests')).counts;
    const before = (await asked())['POST /api/v2/analytics/queues/observations/query'] ?? 0;
    await eventually(
      async () => ((await asked())['POST /api/v2/analytics/queues/observations/query'] ?? 0) > before + 1,
      10_000,
    );
    expect(waitingLines()).toEqual([]);

    await ctl('POST', `/chats/${id}/transfer`, { toQueue: DEMO.queueName });
    await eventually(() => waitingLines().length === 1, 10_000);
    expect(waitingLines()[0]).toMatch(
      /"You're waiting for the next agent\. You're number \**\d+\** in line\. Expected wait: (less than a minute|about)/,
    );
    await c.desk.endChat();
  });
});

describe('Web Messaging: authenticated messaging', () => {
  /** An ID token of the emulator's demo identity provider, for a fresh nonce. */
  const idToken = async (claims: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
    (
      await control<{ idToken: string }>('POST', '/messaging/identity-tokens', {
        sub: 'customer-42',
        nonce: `n-${Math.random().toString(36).slice(2)}`,
        claims: { name: 'Jane Verified', email: 'jane@example.com', ...claims },
        ...extra,
      })
    ).idToken;
  const signedIn = (options: Partial<GenesysServiceDeskOptions> = {}) =>
    makeDesk({ deploymentId: 'wm-auth', authenticatedChat: true, getIdentityToken: () => idToken(), ...options });
  interface VerifiedView {
    state: string;
    guest: { authenticatedGuest: boolean; signedData: Record<string, unknown> | null };
    messages: Array<{ body: string }>;
  }
  const verifiedView = (chatId: string) => control<VerifiedView>('GET', `/chats/${chatId}`);

  test('the identity token is exchanged at Genesys and the session signed in: the agent sees the verified customer', async () => {
    const d = await signedIn();
    await d.desk.startChat(connectMessage(), {});
    expect(d.cb.of('setErrorStatus')).toEqual([]);
    await d.cb.waitFor('sendMessageToUser');
    expect(shown(d.cb)).toEqual(['Welcome back.']);
    const chat = await chatOf(d.name);
    const view = await verifiedView(chat.id);
    expect(view.guest.authenticatedGuest).toBe(true);
    expect(view.guest.signedData).toMatchObject({
      sub: 'customer-42',
      name: 'Jane Verified',
      email: 'jane@example.com',
    });
    expect((await sessionOf(d.name)) as unknown).toMatchObject({ authenticated: true });
    await d.desk.sendMessageToAgent({ input: { text: 'hello as myself' } });
    await eventually(async () => (await verifiedView(chat.id)).messages.some((m) => m.body === 'hello as myself'));
    await d.desk.endChat();
    await eventually(async () => (await verifiedView(chat.id)).state === 'ended');
  });

  test('an expired sign-in (401) is renewed with the refresh token when the socket reconnects, and after a reload', async () => {
    const first = await signedIn();
    await first.desk.startChat(connectMessage(), {});
    const chat = await chatOf(first.name);
    await acceptChat(control, chat.id, alex().id);
    await control('POST', `/chats/${chat.id}/messages`, { body: 'hello Jane' });
    await first.cb.waitFor('sendMessageToUser', 2);
    // The Genesys JWT (an hour) expires; the socket drops and signs in again with it: 401, then refresh.
    await control('POST', '/clock', { advanceMs: 2 * 3600_000 });
    const session = await sessionOf(first.name);
    await control('POST', `/messaging/sessions/${session.token}/drop`, { closeFrame: false });
    await control('POST', `/chats/${chat.id}/messages`, { body: 'while you were away' });
    await eventually(() => shown(first.cb).includes('while you were away'));
    await first.desk.sendMessageToAgent({ input: { text: 'still me' } });
    await eventually(async () => (await verifiedView(chat.id)).messages.some((m) => m.body === 'still me'));
    const refreshes = async () =>
      (
        await control<{ entries: Array<{ status: number }> }>(
          'GET',
          `/requests?endpoint=${encodeURIComponent('POST /api/v2/webdeployments/token/refresh')}`,
        )
      ).entries.filter((r) => r.status === 200).length;
    expect(await refreshes()).toBe(1);

    // A reload: the refresh token kept in the host's state signs the session in again.
    leavePage(first);
    await control('POST', `/chats/${chat.id}/messages`, { body: 'during the reload' });
    const cb = new RecordingCallback(first.cb.state);
    const second = await makeDesk({ deploymentId: 'wm-auth', authenticatedChat: true }, cb);
    expect(await second.desk.reconnect()).toBe(true);
    await eventually(() => shown(cb).includes('during the reload'));
    await second.desk.sendMessageToAgent({ input: { text: 'after the reload' } });
    const view = await verifiedView(chat.id);
    await eventually(async () => (await verifiedView(chat.id)).messages.some((m) => m.body === 'after the reload'));
    expect(view.guest.authenticatedGuest).toBe(true);
    expect((await sessionOf(first.name)) as unknown).toMatchObject({ authenticated: true });
    expect(await refreshes()).toBe(2);
    await second.desk.endChat();
  });

  test.each([
    ['an identity for another audience', () => idToken({}, { audience: 'someone-else' })],
    ['an ID token without a nonce', () => idToken({}, { nonce: undefined })],
    ['no identity at all', async () => ''],
  ])('with %s, the chat is refused for the customer and nothing reaches the agent', async (_what, token) => {
    const before = (await control<{ entities: unknown[] }>('GET', '/chats')).entities.length;
    const d = await signedIn({ getIdentityToken: token });
    await expect(d.desk.startChat(connectMessage(), {})).resolves.toBeUndefined();
    expect(d.cb.names()).toEqual(['setErrorStatus']);
    expect((await control<{ entities: unknown[] }>('GET', '/chats')).entities).toHaveLength(before);
  });

  test('the customer signs out of the site (factory.logOut): the signed-in chat ends at Genesys and the customer is told; an anonymous chat goes on', async () => {
    const { desk, cb, name, factory } = await signedIn({
      getIdentityToken: () => idToken({}, { sub: 'customer-logout' }),
    });
    await desk.startChat(connectMessage(), {});
    const chat = await chatOf(name);
    await acceptChat(control, chat.id, alex().id);
    await control('POST', `/chats/${chat.id}/messages`, { body: 'Hello Jane' });
    await cb.waitFor('sendMessageToUser', 2);
    const { token } = await sessionOf(name);
    const refreshToken = (cb.state['genesysChat'] as { refreshToken: string }).refreshToken;

    await factory.logOut();
    expect(cb.names(noisy).slice(-2)).toEqual(['sendMessageToUser', 'agentEndedChat']);
    expect(shown(cb).at(-1)).toBe('You signed out, so the chat with the agent has ended.');
    expect(cb.state['genesysChat'] ?? null).toBeNull();
    // The agent's conversation is over, the signed-in session gone, and its refresh token no longer works.
    expect((await verifiedView(chat.id)).state).toBe('ended');
    const { entities } = await control<{ entities: Array<{ token: string }> }>('GET', '/messaging/sessions');
    expect(entities.map((e) => e.token)).not.toContain(token);
    const refreshed = await fetch(`${emu.url}/api/v2/webdeployments/token/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken }),
    });
    expect(refreshed.status).toBe(401);

    // Anonymous: signing out of the site is none of its business.
    const anonymous = await started();
    await anonymous.cb.waitFor('sendMessageToUser');
    await anonymous.desk.logOut();
    expect(anonymous.cb.names(noisy)).toEqual(['sendMessageToUser']);
    await anonymous.desk.sendMessageToAgent({ input: { text: 'still chatting' } });
    await anonymous.desk.endChat();
  });

  test('an authorization code (with PKCE) from the site signs the customer in; a refused one fails the start and says why', async () => {
    const verifier = `${randomUUID()}${randomUUID()}`;
    const redirectUri = 'https://shop.example.com/signed-in';
    const code = async () =>
      (
        await control<{ code: string }>('POST', '/messaging/authorization-codes', {
          sub: 'customer-code',
          redirectUri,
          codeChallenge: createHash('sha256').update(verifier).digest('base64url'),
          claims: { name: 'Cody Code' },
        })
      ).code;
    const d = await signedIn({
      getIdentityToken: async () => ({ code: await code(), redirectUri, codeVerifier: verifier }),
    });
    await d.desk.startChat(connectMessage(), {});
    expect(d.cb.of('setErrorStatus')).toEqual([]);
    await d.cb.waitFor('sendMessageToUser');
    const view = await verifiedView((await chatOf(d.name)).id);
    expect(view.guest.authenticatedGuest).toBe(true);
    expect(view.guest.signedData).toMatchObject({ sub: 'customer-code', name: 'Cody Code' });
    await d.desk.endChat();

    const refused = await signedIn({
      getIdentityToken: async () => ({ code: await code(), redirectUri, codeVerifier: 'not-the-verifier' }),
    });
    await refused.desk.startChat(connectMessage(), {});
    expect(refused.cb.of('setErrorStatus')[0]![0]).toMatchObject({
      logInfo: expect.stringMatching(/^GENESYS_REFUSED: .*401 bad\.credentials .*code verifier does not match/),
    });
  });

  test('a deployment without authentication refuses a signed-in chat before anything is created', async () => {
    const d = await signedIn({ deploymentId: 'wm-main' });
    await d.desk.startChat(connectMessage(), {});
    expect(d.cb.of('setErrorStatus')[0]![0]).toMatchObject({ logInfo: expect.stringMatching(/^IDENTITY_UNAVAILABLE/) });
  });
});
