import { Subject } from 'rxjs';
import type { ChatEvent, QuickReply } from '../src/chat-event';
import { ServiceDeskError } from '../src/errors';
import { carbonAdapter } from '../src/hosts/host-adapter';
import { GenesysServiceDesk, type ServiceDeskConfig } from '../src/service-desk/genesys-service-desk';
import { DEFAULT_STRINGS } from '../src/service-desk/strings';
import type { ChatConnection, ChatStartRequest, ChatTransport } from '../src/transports/chat-transport';
import { connectMessage } from './connect-message';
import { RecordingCallback } from './recording-callback';

/**
 * The desk on a transport made here, with no Genesys channel behind it: whatever a transport's `events$` says reaches
 * the host, and the desk's commands, saved state and resume go through the transport interface only.
 */

const AGENT = { id: 'agent-1', nickname: 'Alex', avatarUrl: 'https://example.com/alex.png' };

class TestConnection implements ChatConnection {
  readonly events = new Subject<ChatEvent>();
  readonly events$ = this.events.asObservable();
  readonly opened: Promise<void>;
  readonly maxMessageLength = 10;
  readonly conversationId = 'conversation-1';
  readonly ownMessageId = undefined;
  readonly hearsRequeue = true;
  lastMessageId: string | undefined;
  readonly sent: string[] = [];
  typings = 0;
  ended = false;
  disposed = false;

  constructor(resumeAfter?: string) {
    this.lastMessageId = resumeAfter;
    this.opened = Promise.resolve();
  }

  /** False while the connection is away: a send fails as a channel's does then (transiently). */
  up = true;
  /** The chat is over at Genesys: a send is refused for good. */
  over = false;
  async sendMessage(text: string): Promise<void> {
    if (this.over) throw new ServiceDeskError('NO_CHAT', 'the chat is over');
    if (!this.up) throw new ServiceDeskError('SOCKET_FAILED', 'the chat is reconnecting');
    this.sent.push(text);
  }
  readonly files: string[] = [];
  readonly choices: QuickReply[] = [];
  /** What `sendFile` does with a file: accept it, or reject as Genesys would. */
  fileOutcome: (name: string) => Promise<void> = async () => undefined;
  async sendFile(file: Blob, name: string): Promise<void> {
    this.files.push(`${name} ${file.size}`);
    await this.fileOutcome(name);
  }
  async sendQuickReply(reply: QuickReply): Promise<void> {
    this.choices.push(reply);
  }
  async sendTyping(): Promise<void> {
    this.typings++;
  }
  async end(): Promise<void> {
    this.ended = true;
    this.dispose();
  }
  /** The customer is signed in to this chat (a verified identity). */
  authenticated = false;
  signedOut = false;
  signOut(): Promise<void> {
    this.signedOut = true;
    return this.end();
  }
  dispose(): void {
    this.disposed = true;
    this.events.complete();
  }
  /** Passes an event on as a transport does: a message moves `lastMessageId` as it goes by. */
  emit(e: ChatEvent): void {
    if (e.type === 'agentMessage' || e.type === 'systemMessage') this.lastMessageId = e.id;
    this.events.next(e);
  }
  savedState(resumeAfter: string | undefined): unknown {
    return { chat: 'test-chat', resumeAfter: resumeAfter ?? null };
  }
}

class TestTransport implements ChatTransport {
  readonly requests: ChatStartRequest[] = [];
  readonly resumed: unknown[] = [];
  connection: TestConnection | undefined;

  async start(request: ChatStartRequest): Promise<ChatConnection> {
    this.requests.push(request);
    return (this.connection = new TestConnection());
  }

  async resume(saved: unknown): Promise<ChatConnection | null> {
    this.resumed.push(saved);
    const s = saved as { chat?: unknown; resumeAfter?: unknown };
    if (s.chat !== 'test-chat') return null;
    return (this.connection = new TestConnection(typeof s.resumeAfter === 'string' ? s.resumeAfter : undefined));
  }
}

function deskOn(transport: ChatTransport, cb: RecordingCallback, config: Partial<ServiceDeskConfig> = {}) {
  return new GenesysServiceDesk({
    transport: async () => transport,
    adapter: carbonAdapter,
    callback: cb,
    authenticatedChat: false,
    availability: false,
    showSystemMessages: true,
    availabilityRefreshMs: 10_000,
    typingThrottleMs: 1000,
    longMessages: 'split',
    strings: DEFAULT_STRINGS,
    logger: {},
    now: () => 0,
    ...config,
  });
}

/** Lets the desk's deferred work (host promises, the resume point's write in a task of its own) run. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 5));

/**
 * Retries an assertion until it holds (or 2 s pass, then fails with its last error): the resume point is written in a
 * task of its own, which a busy machine may run later than any fixed wait.
 */
async function eventually(assertion: () => void): Promise<void> {
  const deadline = Date.now() + 2000;
  for (;;) {
    try {
      return assertion();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await settle();
    }
  }
}

test('a chat from start to end on a transport made in the test', async () => {
  const transport = new TestTransport();
  const cb = new RecordingCallback();
  const desk = deskOn(transport, cb, {
    userProfile: { displayName: 'Jane Customer', email: 'jane@example.com' },
    customFields: { plan: 'gold' },
  });
  await desk.startChat(connectMessage(), { agentAppInfo: { sessionHistoryKey: 'shk-1' } });

  // The transport gets a request in no channel's terms.
  expect(transport.requests).toEqual([
    {
      profile: { displayName: 'Jane Customer', email: 'jane@example.com' },
      customFields: { plan: 'gold', sessionHistoryKey: 'shk-1', topic: 'refunds' },
      summaryForAgent: 'Customer asked for an agent about a refund.\nOrder 1234 arrived damaged.',
      identityToken: undefined,
    },
  ]);
  const connection = transport.connection!;
  expect(cb.state['genesysChat']).toEqual({ chat: 'test-chat', resumeAfter: null });

  connection.emit({ type: 'agentJoined', agent: AGENT });
  connection.emit({ type: 'agentTyping', agent: AGENT, typing: true });
  connection.emit({ type: 'agentMessage', id: 'm1', agent: AGENT, text: 'Hello!', timestamp: 't' });
  await settle();
  expect(cb.calls).toEqual([
    ['agentJoined', { id: 'agent-1', nickname: 'Alex', user_type: 'human', profile_picture_url: AGENT.avatarUrl }],
    ['agentTyping', true],
    ['sendMessageToUser', 'Hello!', 'agent-1'],
  ]);
  // What the host has shown is where a reload resumes.
  await eventually(() => expect(cb.state['genesysChat']).toEqual({ chat: 'test-chat', resumeAfter: 'm1' }));

  // The customer's side goes through the connection, split at the transport's limit.
  await desk.sendMessageToAgent({ input: { text: 'twelve chars' } });
  expect(connection.sent).toEqual(['twelve', 'chars']);
  await desk.userTyping(true);
  await desk.userTyping(true);
  expect(connection.typings).toBe(1);

  connection.emit({ type: 'chatEnded', by: 'system' });
  await settle();
  expect(cb.names().slice(-2)).toEqual(['sendMessageToUser', 'agentEndedChat']);
  expect(cb.of('sendMessageToUser').pop()).toEqual([DEFAULT_STRINGS.chatClosedBySystem, undefined]);
  expect(cb.state['genesysChat']).toBeNull();
  expect(connection.disposed).toBe(true);
  await expect(desk.sendMessageToAgent({ input: { text: 'late' } })).rejects.toMatchObject({ code: 'NO_CHAT' });
});

test('the user ends the chat: the connection is ended and the saved state cleared', async () => {
  const transport = new TestTransport();
  const cb = new RecordingCallback();
  const desk = deskOn(transport, cb);
  await desk.startChat(undefined);
  transport.connection!.emit({ type: 'agentJoined', agent: AGENT });
  await settle();
  const before = cb.calls.length;
  await desk.endChat();
  expect(transport.connection).toMatchObject({ ended: true, disposed: true });
  expect(cb.state['genesysChat']).toBeNull();
  // The host words the customer's own ending.
  expect(cb.calls.slice(before)).toEqual([]);
});

test('the user cancels the request before an agent joined: the host is told it was the customer who cancelled', async () => {
  const transport = new TestTransport();
  const cb = new RecordingCallback();
  const desk = deskOn(transport, cb);
  await desk.startChat(undefined);
  await desk.endChat();
  expect(transport.connection).toMatchObject({ ended: true, disposed: true });
  expect(cb.calls).toEqual([
    [
      'sendMessageToUser',
      {
        output: {
          generic: [
            { response_type: 'text', text: DEFAULT_STRINGS.requestCancelled, agent_message_type: 'user_ended_chat' },
          ],
        },
      },
      undefined,
    ],
  ]);
});

test('a reload resumes from the saved state the connection gave; a state the transport does not know is forgotten', async () => {
  const transport = new TestTransport();
  const cb = new RecordingCallback({ genesysChat: { chat: 'test-chat', resumeAfter: 'm7' } });
  const desk = deskOn(transport, cb);
  expect(await desk.reconnect()).toBe(true);
  expect(transport.resumed).toEqual([{ chat: 'test-chat', resumeAfter: 'm7' }]);
  expect(transport.connection!.lastMessageId).toBe('m7');
  transport.connection!.emit({ type: 'agentMessage', id: 'm8', agent: AGENT, text: 'Welcome back', timestamp: 't' });
  await eventually(() => expect(cb.state['genesysChat']).toEqual({ chat: 'test-chat', resumeAfter: 'm8' }));

  const other = new RecordingCallback({ genesysChat: { channel: 'something else' } });
  expect(await deskOn(new TestTransport(), other).reconnect()).toBe(false);
  expect(other.state['genesysChat']).toBeNull();
});

test('a stream that fails for good after opening: the customer is told and the chat ends', async () => {
  const transport = new TestTransport();
  const cb = new RecordingCallback();
  const desk = deskOn(transport, cb);
  await desk.startChat(undefined);
  transport.connection!.events.error(new Error('reconnects ran out'));
  await settle();
  // Said from the customer's side: their connection, not the agent, went away.
  expect(cb.calls).toEqual([['sendMessageToUser', DEFAULT_STRINGS.connectionGone, undefined], ['agentEndedChat']]);
  expect(cb.state['genesysChat']).toBeNull();
});

describe('signing out of the site while the chat is still being made', () => {
  /** A transport whose chat is made only when the test says so, signed in or not. */
  class SlowTransport extends TestTransport {
    private release: (() => void) | undefined;
    constructor(private readonly signedIn: boolean) {
      super();
    }
    override async start(request: ChatStartRequest): Promise<ChatConnection> {
      await new Promise<void>((resolve) => (this.release = resolve));
      const connection = (await super.start(request)) as TestConnection;
      connection.authenticated = this.signedIn;
      return connection;
    }
    made(): void {
      this.release?.();
    }
  }

  /** Starts a chat, logs out while it is being made, then lets it be made: what `logOut` resolved to. */
  async function logOutWhileMade(signedIn: boolean) {
    const transport = new SlowTransport(signedIn);
    const cb = new RecordingCallback();
    const desk = deskOn(transport, cb);
    const starting = desk.startChat(connectMessage());
    await settle();
    const loggingOut = desk.logOut();
    transport.made();
    const ended = await loggingOut;
    await starting;
    return { transport, cb, ended };
  }

  test('a signed-in chat is ended at Genesys once it is made, and the customer is told why', async () => {
    const { transport, cb, ended } = await logOutWhileMade(true);
    expect(ended).toBe(true);
    expect(transport.connection?.signedOut).toBe(true);
    expect(cb.calls).toEqual([['sendMessageToUser', DEFAULT_STRINGS.signedOut, undefined], ['agentEndedChat']]);
    // Nothing is left for a reload to reattach to.
    expect(cb.state['genesysChat']).toBeNull();
  });

  test('an anonymous chat being made goes on', async () => {
    const { transport, cb, ended } = await logOutWhileMade(false);
    expect(ended).toBe(false);
    expect(transport.connection?.signedOut).toBe(false);
    transport.connection!.emit({ type: 'agentMessage', id: 'm1', agent: AGENT, text: 'Hello!', timestamp: 't' });
    await settle();
    expect(cb.calls).toContainEqual(['sendMessageToUser', 'Hello!', 'agent-1']);
  });
});

describe("the customer's messages while the connection is away", () => {
  /** Settles true once sent, false once failed; undefined while still pending. */
  function track(p: Promise<void>): { state: boolean | undefined } {
    const t: { state: boolean | undefined } = { state: undefined };
    p.then(
      () => (t.state = true),
      () => (t.state = false),
    );
    return t;
  }

  async function connected(cb: RecordingCallback) {
    const transport = new TestTransport();
    const desk = deskOn(transport, cb);
    await desk.startChat(undefined);
    const connection = transport.connection!;
    connection.emit({ type: 'agentJoined', agent: AGENT });
    await settle();
    return { desk, connection };
  }

  test('written while it is away: pending, told once, then sent in order after it is back; the lines are ours', async () => {
    const cb = new RecordingCallback();
    const { desk, connection } = await connected(cb);
    connection.up = false;
    connection.emit({ type: 'connection', state: 'disconnected' });
    const first = track(desk.sendMessageToAgent({ input: { text: 'first' } }));
    const second = track(desk.sendMessageToAgent({ input: { text: 'second' } }));
    await settle();
    expect([first.state, second.state]).toEqual([undefined, undefined]);
    expect(connection.sent).toEqual([]);

    connection.up = true;
    connection.emit({ type: 'connection', state: 'connected' });
    await eventually(() => expect([first.state, second.state]).toEqual([true, true]));
    expect(connection.sent).toEqual(['first', 'second']);
    // The customer reads what happened from their side, in lines of the desk's own (not the host's DISCONNECTED
    // error, shown under the agent's name and picture): one line says the connection is lost and that what they
    // write waits; no second line says the same of the held messages.
    expect(cb.statusLines()).toEqual([DEFAULT_STRINGS.connectionLost, DEFAULT_STRINGS.connectionBack]);
    expect(cb.of('setErrorStatus')).toEqual([]);
  });

  test('held with no drop announced (the send failed, the socket still looks up): the customer reads that it waits', async () => {
    const cb = new RecordingCallback();
    const { desk, connection } = await connected(cb);
    connection.up = false;
    const held = track(desk.sendMessageToAgent({ input: { text: 'held' } }));
    await settle();
    expect(held.state).toBeUndefined();
    expect(cb.statusLines()).toEqual([DEFAULT_STRINGS.messagesHeld]);
    connection.up = true;
    connection.emit({ type: 'connection', state: 'connected' });
    await eventually(() => expect(held.state).toBe(true));
    expect(connection.sent).toEqual(['held']);
  });

  test('the chat ended before they could go: each fails, and the customer reads why and how to send them', async () => {
    const cb = new RecordingCallback();
    const { desk, connection } = await connected(cb);
    connection.up = false;
    connection.emit({ type: 'connection', state: 'disconnected' });
    const sends = [
      desk.sendMessageToAgent({ input: { text: 'unsent 1' } }),
      desk.sendMessageToAgent({ input: { text: 'unsent 2' } }),
    ];
    await settle();
    connection.emit({ type: 'chatEnded', by: 'agent' });
    expect((await Promise.allSettled(sends)).map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await eventually(() => expect(cb.names()).toContain('agentEndedChat'));
    expect(connection.sent).toEqual([]);
    // Told while the host still shows the chat: before it is ended there.
    const told = cb.calls.findIndex((c) => JSON.stringify(c).includes(DEFAULT_STRINGS.unsentChatEnded));
    expect(told).toBeGreaterThan(-1);
    expect(told).toBeLessThan(cb.names().indexOf('agentEndedChat'));
    expect(cb.statusLines().filter((l) => l === DEFAULT_STRINGS.unsentChatEnded)).toHaveLength(1);
  });

  test('a send that finds the chat over fails what waits behind it too, told once', async () => {
    const cb = new RecordingCallback();
    const { desk, connection } = await connected(cb);
    connection.up = false;
    const sends = [
      desk.sendMessageToAgent({ input: { text: 'a' } }),
      desk.sendMessageToAgent({ input: { text: 'b' } }),
    ];
    await settle();
    connection.over = true;
    connection.emit({ type: 'connection', state: 'disconnected' });
    connection.emit({ type: 'connection', state: 'connected' });
    expect((await Promise.allSettled(sends)).map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await eventually(() => expect(cb.statusLines()).toContain(DEFAULT_STRINGS.unsentChatEnded));
    connection.emit({ type: 'chatEnded', by: 'agent' });
    await eventually(() => expect(cb.names()).toContain('agentEndedChat'));
    expect(cb.statusLines().filter((l) => l === DEFAULT_STRINGS.unsentChatEnded)).toHaveLength(1);
  });
});

describe('files and quick replies through the transport interface', () => {
  const policy = { types: ['image/*', 'application/pdf'], maxBytes: 1024, blockedExtensions: ['.exe'] };
  const file = (name: string, type: string, size: number) => new File([new Uint8Array(size)], name, { type });

  /** A desk with a chat open on a test transport, its upload policy (if any) already handled. */
  async function openChat(withPolicy = true, config: Partial<ServiceDeskConfig> = {}) {
    const transport = new TestTransport();
    const cb = new RecordingCallback();
    const desk = deskOn(transport, cb, config);
    await desk.startChat(undefined);
    const connection = transport.connection!;
    if (withPolicy) connection.emit({ type: 'uploadPolicy', policy });
    await settle();
    return { transport, cb, desk, connection };
  }

  test("the upload policy turns the host's file button on with its types, and off when the chat closes", async () => {
    const { cb, desk } = await openChat();
    expect(cb.of('updateCapabilities')).toEqual([
      [{ allowFileUploads: true, allowMultipleFileUploads: true, allowedFileUploadTypes: 'image/*,application/pdf' }],
    ]);
    await desk.endChat();
    expect(cb.of('updateCapabilities').pop()).toEqual([{ allowFileUploads: false }]);
  });

  test('a chat that never sends a policy (guest chat) never turns uploads on, and refuses any file with why', async () => {
    const { cb, desk } = await openChat(false);
    desk.filesSelectedForUpload([{ id: 'f1', file: file('a.png', 'image/png', 10) }]);
    await desk.endChat();
    expect(cb.of('updateCapabilities')).toEqual([]);
    expect(cb.of('setFileUploadStatus')).toEqual([['f1', true, DEFAULT_STRINGS.fileUploadsOff]]);
  });

  test('chosen files the policy refuses say why at once: type, size (with the limit), blocked name', async () => {
    const { cb, desk } = await openChat();
    desk.filesSelectedForUpload([
      { id: 'ok', file: file('a.png', 'image/png', 1024) },
      { id: 'type', file: file('a.zip', 'application/zip', 10) },
      { id: 'big', file: file('b.pdf', 'application/pdf', 1025) },
      { id: 'name', file: file('setup.EXE', 'image/png', 10) },
    ]);
    await settle();
    expect(cb.of('setFileUploadStatus')).toEqual([
      ['type', true, "This type of file can't be sent here."],
      ['big', true, 'This file is too large. The limit is 1 KB.'],
      ['name', true, "A file with this name can't be sent."],
    ]);
  });

  test('sent files upload one after the other after the text; each is reported uploaded or failed with why', async () => {
    const { cb, desk, connection } = await openChat();
    connection.fileOutcome = async (name) => {
      if (name === 'refused.pdf') throw new ServiceDeskError('FILE_REFUSED', 'no', { status: 4003 });
      if (name === 'lost.pdf') throw new ServiceDeskError('UPLOAD_FAILED', 'PUT failed', { status: 500 });
    };
    await desk.sendMessageToAgent({ input: { text: 'see' } }, 'm', {
      filesToUpload: [
        { id: 'a', file: file('photo.png', 'image/png', 5) },
        { id: 'b', file: file('refused.pdf', 'application/pdf', 6) },
        { id: 'c', file: file('lost.pdf', 'application/pdf', 7) },
        { id: 'd', file: file('big.png', 'image/png', 2000) },
      ],
    });
    expect(connection.sent).toEqual(['see']);
    await cb.waitFor('setFileUploadStatus', 4);
    expect(connection.files).toEqual(['photo.png 5', 'refused.pdf 6', 'lost.pdf 7']);
    expect(cb.of('setFileUploadStatus')).toEqual([
      ['a', false, undefined],
      ['b', true, DEFAULT_STRINGS.fileUploadFailed],
      ['c', true, DEFAULT_STRINGS.fileUploadFailed],
      ['d', true, 'This file is too large. The limit is 1 KB.'],
    ]);
  });

  test('a file alone (no text) is sent; with no chat, it is marked failed and the send rejects', async () => {
    const { transport, cb, desk } = await openChat();
    await desk.sendMessageToAgent({ input: { text: '' } }, 'm', {
      filesToUpload: [{ id: 'a', file: file('a.png', 'image/png', 3) }],
    });
    await cb.waitFor('setFileUploadStatus');
    expect(transport.connection!.sent).toEqual([]);
    expect(transport.connection!.files).toEqual(['a.png 3']);
    await desk.endChat();
    await expect(
      desk.sendMessageToAgent({ input: { text: '' } }, 'm', {
        filesToUpload: [{ id: 'z', file: file('z.png', 'image/png', 3) }],
      }),
    ).rejects.toMatchObject({ code: 'NO_CHAT' });
    expect(cb.of('setFileUploadStatus').pop()).toEqual(['z', true, DEFAULT_STRINGS.fileUploadFailed]);
  });

  test('agent files and quick replies reach the host as items; the choice goes back through the connection', async () => {
    const { cb, desk, connection } = await openChat(false, { quickReplyDisplay: 'options' });
    connection.emit({
      type: 'agentMessage',
      id: 'm1',
      agent: AGENT,
      text: 'Pick one',
      timestamp: 't',
      files: [{ name: 'a.png', url: 'https://files.example/a.png', kind: 'image' }],
      quickReplies: [{ text: 'Yes', payload: 'y' }],
    });
    await settle();
    const [message, agentId] = cb.of('sendMessageToUser')[0]!;
    expect(agentId).toBe('agent-1');
    expect(
      (message as { output: { generic: Array<{ response_type: string }> } }).output.generic.map((g) => g.response_type),
    ).toEqual(['text', 'image', 'option']);
    await desk.chooseQuickReply({ text: 'Yes', payload: 'y' });
    expect(connection.choices).toEqual([{ text: 'Yes', payload: 'y' }]);
    await desk.endChat();
    await desk.chooseQuickReply({ text: 'Yes', payload: 'y' });
    expect(cb.of('sendMessageToUser').pop()).toEqual([
      { output: { generic: [{ response_type: 'inline_error', text: DEFAULT_STRINGS.quickReplyFailed }] } },
    ]);
  });
});

describe('a burst of agent messages', () => {
  /** A host whose first message is still being drawn (its promise pending) until the test releases it. */
  class BusyHost extends RecordingCallback {
    release: () => void = () => undefined;
    private held = false;
    override sendMessageToUser(message: string | object, agentID?: string) {
      const recorded = super.sendMessageToUser(message, agentID);
      if (this.held) return recorded;
      this.held = true;
      return new Promise<void>((resolve) => (this.release = resolve));
    }
  }

  test('what queued while the host was busy: texts of one agent as one message, each its own paragraph, escaped; files, cards and another agent alone; the resume point moves past all', async () => {
    const transport = new TestTransport();
    const cb = new BusyHost();
    const desk = deskOn(transport, cb);
    await desk.startChat(undefined);
    const connection = transport.connection!;
    const BLAIR = { id: 'agent-2', nickname: 'Blair' };
    const text = (id: string, body: string, agent: typeof AGENT | typeof BLAIR = AGENT): ChatEvent => ({
      type: 'agentMessage',
      id,
      agent,
      text: body,
      timestamp: 't',
    });
    connection.emit(text('m0', 'first'));
    await settle();
    // Meanwhile: 120 texts of Alex, a file of Alex, a text of Blair, then Alex again.
    for (let i = 1; i <= 120; i++) connection.emit(text(`m${i}`, i === 1 ? '**not bold**' : `line ${i}`));
    connection.emit({
      type: 'agentMessage',
      id: 'f1',
      agent: AGENT,
      text: '',
      timestamp: 't',
      files: [{ name: 'a.pdf', url: 'https://files.example/a.pdf', kind: 'file' }],
    });
    connection.emit(text('b1', 'from Blair', BLAIR));
    connection.emit(text('m121', 'line 121'));
    // A text with a card, after a text of the same agent: never joined into the text before it.
    connection.emit({ ...text('c1', 'This one?'), cards: [{ title: 'Boots', actions: [] }] } as ChatEvent);
    expect(cb.of('sendMessageToUser')).toHaveLength(1);
    cb.release();
    await eventually(() => expect(cb.of('sendMessageToUser')).toHaveLength(7));

    const shown = cb.of('sendMessageToUser');
    const lines = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, k) => `line ${from + k}`).join('\n\n');
    expect(shown[0]).toEqual(['first', 'agent-1']);
    // At most 100 texts to a message; Markdown in a text stays text.
    expect(shown[1]).toEqual([`\\*\\*not bold\\*\\*\n\n${lines(2, 100)}`, 'agent-1']);
    expect(shown[2]).toEqual([lines(101, 120), 'agent-1']);
    expect((shown[3]![0] as { output: { generic: unknown[] } }).output.generic).toHaveLength(1);
    expect(shown[4]).toEqual(['from Blair', 'agent-2']);
    expect(shown[5]).toEqual(['line 121', 'agent-1']);
    expect((shown[6]![0] as { output: { generic: unknown[] } }).output.generic).toEqual([
      { response_type: 'text', text: 'This one?' },
      { response_type: 'text', text: '**Boots**' },
    ]);
    await eventually(() => expect(cb.state['genesysChat']).toEqual({ chat: 'test-chat', resumeAfter: 'c1' }));
    await desk.endChat();
  });
});
