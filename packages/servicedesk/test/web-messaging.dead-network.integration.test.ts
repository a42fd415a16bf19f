import WebSocket from 'ws';
import { callControl, startEmulator, type RunningEmulator } from 'genesys-handoff-emulator';
import { createGenesysServiceDeskFactory, type GenesysServiceDeskOptions } from '../src';
import { DEFAULT_STRINGS } from '../src/internals';
import { ANSWER_TIMEOUT_MS } from '../src/transports/web-messaging/request-matcher';
import { RecordingCallback, connectMessage, eventually } from './harness';

/**
 * A network that dies under a Web Messaging chat, against the emulator over real sockets: the socket stays open, but
 * nothing passes either way (what a lost Wi-Fi looks like to a browser for a minute or more), or the browser says it
 * went offline. The chat notices within seconds, tells the customer, and nothing the customer wrote is lost or sent
 * twice.
 */

const ORIGIN = 'https://shop.example.com';
/** The customer's sockets; `cut` stops every frame both ways on the sockets open now, as a dead network does. */
const network = { cut: false, sockets: [] as CuttableWebSocket[] };
class CuttableWebSocket extends WebSocket {
  dead = false;
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols, { origin: ORIGIN });
    network.sockets.push(this);
  }
  override send(data: string): void {
    if (!this.dead) super.send(data);
  }
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (this.dead && event === 'message') return false;
    return super.emit(event, ...args);
  }
}
const cutNetwork = () => network.sockets.forEach((s) => (s.dead = true));
const ctor = CuttableWebSocket as unknown as NonNullable<GenesysServiceDeskOptions['webSocketCtor']>;

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({
    port: 0,
    messengerDeployments: [
      { id: 'wm-main', flow: { greeting: 'Hi, I am the virtual assistant.', queue: 'Chat Queue' } },
    ],
  });
});
afterAll(() => emu.close());
const control = <T = unknown>(method: string, path: string, body?: unknown) =>
  callControl<T>(emu.controlUrl, method, path, body);

let guests = 0;
async function startedChat(options: Partial<GenesysServiceDeskOptions> = {}) {
  const name = `Dead Network ${++guests}`;
  const cb = new RecordingCallback();
  const factory = createGenesysServiceDeskFactory({
    channel: 'web-messaging',
    deploymentId: 'wm-main',
    genesysEnvironment: 'mypurecloud.com',
    genesysApiBaseUrl: emu.url,
    webSocketCtor: ctor,
    host: 'carbon',
    pageEvents: new EventTarget(),
    userProfile: { displayName: name },
    backoff: { initialMs: 50, maxMs: 200 },
    ...options,
  });
  const desk = await factory({ callback: cb });
  await desk.startChat(connectMessage(), {});
  await cb.waitFor('sendMessageToUser');
  let chatId = '';
  await eventually(async () => {
    const { entities } = await control<{ entities: Array<{ id: string; guest: { displayName: string } }> }>(
      'GET',
      '/chats',
    );
    chatId = entities.find((c) => c.guest.displayName === name)?.id ?? '';
    return chatId !== '';
  });
  const customerTexts = async () =>
    (await control<{ messages: Array<{ body: string; senderRole?: string }> }>('GET', `/chats/${chatId}`)).messages
      .filter((m) => m.senderRole === 'CUSTOMER')
      .map((m) => m.body);
  return { desk, cb, customerTexts };
}

test('a message sent into a dead network is not echoed in time: the socket is dropped and opened again, the customer is told, and the message reaches the agent once', async () => {
  const { desk, cb, customerTexts } = await startedChat();
  cutNetwork();
  const cutAt = Date.now();
  const sent = desk.sendMessageToAgent({ input: { text: 'into the void' } });
  await eventually(() => cb.statusLines().includes(DEFAULT_STRINGS.connectionLost), ANSWER_TIMEOUT_MS + 3000);
  const noticedMs = Date.now() - cutAt;
  await sent;
  await eventually(() => cb.statusLines().includes(DEFAULT_STRINGS.connectionBack));
  expect(noticedMs).toBeLessThan(ANSWER_TIMEOUT_MS + 2000);
  expect((await customerTexts()).filter((t) => t === 'into the void')).toEqual(['into the void']);
  await desk.endChat();
}, 20_000);

test("the browser's offline event drops the socket at once; no reconnect is tried until online, then at once; what was written meanwhile reaches the agent once", async () => {
  const events = new EventTarget();
  let online = true;
  const { desk, cb, customerTexts } = await startedChat({ network: { events, online: () => online } });
  const socketsBefore = network.sockets.length;
  online = false;
  events.dispatchEvent(new Event('offline'));
  await eventually(() => cb.statusLines().includes(DEFAULT_STRINGS.connectionLost), 1000);
  const sent = desk.sendMessageToAgent({ input: { text: 'written offline' } });
  // The backoff here is at most 200 ms: while offline, no socket is opened however long it is.
  await new Promise((r) => setTimeout(r, 600));
  expect(network.sockets.length).toBe(socketsBefore);
  online = true;
  events.dispatchEvent(new Event('online'));
  await sent;
  await eventually(() => cb.statusLines().includes(DEFAULT_STRINGS.connectionBack));
  expect(network.sockets.length).toBe(socketsBefore + 1);
  expect((await customerTexts()).filter((t) => t === 'written offline')).toEqual(['written offline']);
  await desk.endChat();
}, 20_000);
