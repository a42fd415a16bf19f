import { unwatchFile } from 'node:fs';
import guestChat from 'purecloud-guest-chat-client';
import WebSocket from 'ws';
import type { RunningEmulator } from '../src';
import { waitForFrames } from './helpers';

/** Guest chat (the legacy channel) test helpers: the real guest chat SDK pointed at the emulator, and a recorder for the guest event stream. */

type GuestClient = typeof guestChat.ApiClient;

/**
 * A fresh guest chat SDK client for `baseUrl`. The SDK's module export is a singleton; its constructor makes an
 * independent client, so several guests can live in one test process.
 *
 * `workaround: true` applies the fix for the SDK defect (docs/guest-chat-protocol.md, "The SDK's redacted header") (the SDK writes "[REDACTED]" into
 * its shared default headers after the unauthenticated create call): every call gets a default-header object of
 * its own, so the redaction lands on a throwaway copy.
 */
export function guestSdk(
  baseUrl: string,
  opts: { workaround?: boolean } = {},
): { client: GuestClient; api: InstanceType<typeof guestChat.WebChatApi> } {
  const Ctor = (guestChat.ApiClient as unknown as { constructor: new () => GuestClient }).constructor;
  const client = new Ctor();
  // Each SDK client watches ~/.genesyscloudjavascript-guest/config with fs.watchFile and never lets go; stop that.
  client.config.live_reload_config = false;
  unwatchFile(client.config.configPath);
  // setEnvironment() always builds https://api.<env>; the emulator is plain http on loopback.
  client.config.basePath = baseUrl;
  if (opts.workaround !== false) {
    Object.defineProperty(client, 'defaultHeaders', { get: () => ({}), set: () => undefined, configurable: true });
  }
  // The SDK's typings omit the constructor's apiClient parameter.
  const WebChatApi = guestChat.WebChatApi as unknown as new (
    c: GuestClient,
  ) => InstanceType<typeof guestChat.WebChatApi>;
  return { client, api: new WebChatApi(client) };
}

export interface Frame {
  topicName: string;
  version?: string;
  eventBody: Record<string, unknown> & {
    id?: string;
    member?: { id: string; state: string };
    sender?: { id: string };
    body?: string;
    bodyType?: string;
    message?: string;
  };
  metadata?: { CorrelationId: string; type: string };
}

/** Records every frame of one guest socket and lets a test wait for the frames it expects. */
export class StreamRecorder {
  readonly frames: Frame[] = [];
  readonly raw: string[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly opened: Promise<void>;
  private readonly waiters: Array<() => void> = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = data.toString();
      this.raw.push(text);
      this.frames.push(JSON.parse(text) as Frame);
      this.waiters.forEach((w) => w());
    });
    this.opened = new Promise((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  static async open(uri: string): Promise<StreamRecorder> {
    const r = new StreamRecorder(new WebSocket(uri));
    await r.opened;
    return r;
  }

  /** Event frames only (heartbeats left out), as "type:detail" strings that read well in assertions. */
  events(): Frame[] {
    return this.frames.filter((f) => f.topicName !== 'channel.metadata');
  }

  /** Resolves once `count` frames satisfy `pred`; rejects with what was seen after `timeoutMs`. */
  waitFor(pred: (f: Frame) => boolean, count = 1, timeoutMs = 5000): Promise<Frame[]> {
    return waitForFrames(this.frames, this.waiters, pred, count, timeoutMs, () => this.describe().join('\n'));
  }

  /** A readable line per event frame: "member-change <member> CONNECTED", "message <sender> standard <body>", ... */
  describe(names: Record<string, string> = {}): string[] {
    const n = (id: string | undefined) => (id && names[id]) ?? id ?? '?';
    return this.events().map((f) => {
      const b = f.eventBody;
      switch (f.metadata?.type) {
        case 'member-change':
          return `member-change ${n(b.member?.id)} ${b.member?.state}`;
        case 'message':
          return `message ${n(b.sender?.id)} ${b.bodyType}${b.body ? ` ${b.body}` : ''}`;
        case 'typing-indicator':
          return `typing ${n(b.sender?.id)}`;
        default:
          return `other ${f.topicName}`;
      }
    });
  }

  close(): void {
    this.ws.close();
  }
}

export const isMemberChange = (memberId: string, state: string) => (f: Frame) =>
  f.metadata?.type === 'member-change' && f.eventBody.member?.id === memberId && f.eventBody.member.state === state;

export const isMessageFrom =
  (memberId: string, bodyType = 'standard') =>
  (f: Frame) =>
    f.metadata?.type === 'message' && f.eventBody.sender?.id === memberId && f.eventBody.bodyType === bodyType;

/** The create request of the emulator's demo setup, with overrides. */
export function createRequest(emu: RunningEmulator, overrides: Record<string, unknown> = {}) {
  return {
    organizationId: emu.options.organizationId,
    deploymentId: emu.options.deployments[0]!.id,
    routingTarget: { targetType: 'QUEUE', targetAddress: emu.options.queues[0]!.name },
    memberInfo: { displayName: 'Jane Guest', customFields: { topic: 'billing' } },
    ...overrides,
  };
}

/** A guest chat created with the real SDK and its socket attached, waiting in queue. */
export async function queuedChat(emu: RunningEmulator, overrides: Record<string, unknown> = {}) {
  const { client, api } = guestSdk(emu.url);
  const created = await api.postWebchatGuestConversations(createRequest(emu, overrides) as never);
  client.setJwt(created.jwt!);
  const stream = await StreamRecorder.open(created.eventStreamUri!);
  const conversationId = created.id!;
  const memberId = created.member!.id!;
  await stream.waitFor(
    (f) =>
      f.metadata?.type === 'message' &&
      f.eventBody.bodyType === 'member-join' &&
      f.eventBody.sender?.id !== memberId &&
      acdMember(emu, conversationId) === f.eventBody.sender?.id,
  );
  return { client, api, created, conversationId, memberId, stream, jwt: created.jwt! };
}

function acdMember(emu: RunningEmulator, conversationId: string): string | undefined {
  const c = emu.engine.conversations.get(conversationId);
  return [...(c?.members.values() ?? [])].find((m) => m.role === 'ACD')?.id;
}
