import { Subject } from 'rxjs';
import type { ChatEvent } from '../src/chat-event';
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
  lastMessageId: string | undefined;
  readonly sent: string[] = [];
  typings = 0;
  ended = false;
  disposed = false;

  constructor(resumeAfter?: string) {
    this.lastMessageId = resumeAfter;
    this.opened = Promise.resolve();
  }

  async sendMessage(text: string): Promise<void> {
    this.sent.push(text);
  }
  async sendTyping(): Promise<void> {
    this.typings++;
  }
  async end(): Promise<void> {
    this.ended = true;
    this.dispose();
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
  await desk.endChat();
  expect(transport.connection).toMatchObject({ ended: true, disposed: true });
  expect(cb.state['genesysChat']).toBeNull();
  expect(cb.calls).toEqual([]);
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
  expect(cb.calls).toEqual([
    ['setErrorStatus', { type: 2, isDisconnected: true, logInfo: 'reconnects ran out' }],
    ['agentEndedChat'],
  ]);
  expect(cb.state['genesysChat']).toBeNull();
});
