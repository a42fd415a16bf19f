import { randomUUID } from 'node:crypto';
import type { ClientRequestArgs } from 'node:http';
import WebSocket from 'ws';
import type { RunningEmulator } from '../src';
import { waitForFrames } from './helpers';

/** Test helpers for Web Messaging: a guest socket that records every frame, as a raw `ws` client sees them. */

export interface WmFrame {
  type: 'response' | 'message';
  class: string;
  code: number;
  body: Record<string, unknown> & {
    direction?: string;
    type?: string;
    text?: string;
    events?: Array<Record<string, unknown>>;
    metadata?: Record<string, string>;
    originatingEntity?: string;
    channel?: Record<string, unknown>;
    content?: Array<Record<string, unknown>>;
  };
  tracingId?: string;
}

export const TEST_ORIGIN = 'https://shop.example.com';

export class WmGuest {
  readonly frames: WmFrame[] = [];
  readonly raw: string[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly waiters: Array<() => void> = [];

  private constructor(
    readonly ws: WebSocket,
    readonly token: string,
    readonly deploymentId: string,
  ) {
    ws.on('message', (data) => {
      const text = data.toString();
      this.raw.push(text);
      this.frames.push(JSON.parse(text) as WmFrame);
      this.waiters.forEach((w) => w());
    });
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.waiters.forEach((w) => w());
      }),
    );
  }

  /**
   * Opens `/v1?deploymentId=…` with an Origin (Node sets none by itself); resolves once open. `socketOrigin` replaces
   * the emulator's own (e.g. `wss://<another name>:<port>`), `socket` adds `ws` options (a CA to trust, a lookup).
   */
  static async open(
    emu: RunningEmulator,
    opts: {
      deploymentId?: string;
      token?: string;
      origin?: string | null;
      socketOrigin?: string;
      socket?: WebSocket.ClientOptions & Pick<ClientRequestArgs, 'lookup'>;
    } = {},
  ): Promise<WmGuest> {
    const deploymentId = opts.deploymentId ?? emu.options.messengerDeployments[0]!.id;
    const origin = opts.origin === undefined ? TEST_ORIGIN : opts.origin;
    const ws = new WebSocket(
      `${opts.socketOrigin ?? emu.url.replace('http', 'ws')}/v1?deploymentId=${encodeURIComponent(deploymentId)}`,
      { ...opts.socket, ...(origin === null ? {} : { origin }) },
    );
    const guest = new WmGuest(ws, opts.token ?? randomUUID(), deploymentId);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return guest;
  }

  send(request: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(request));
  }

  /** Sends a request with a fresh tracingId and resolves with the first frame carrying it. */
  async request(request: Record<string, unknown>): Promise<WmFrame> {
    const tracingId = randomUUID();
    this.send({ token: this.token, ...request, tracingId });
    const [f] = await this.waitFor((x) => x.tracingId === tracingId);
    return f!;
  }

  async configure(extra: Record<string, unknown> = {}): Promise<WmFrame> {
    return this.request({ action: 'configureSession', deploymentId: this.deploymentId, ...extra });
  }

  text(text: string, extra: Record<string, unknown> = {}): Promise<WmFrame> {
    return this.request({ action: 'onMessage', message: { type: 'Text', text, ...extra } });
  }

  join(extra: Record<string, unknown> = {}): Promise<WmFrame> {
    return this.request({
      action: 'onMessage',
      message: { type: 'Event', events: [{ eventType: 'Presence', presence: { type: 'Join' } }], ...extra },
    });
  }

  /** Resolves once `count` frames satisfy `pred`; rejects with what was seen after `timeoutMs`. */
  waitFor(pred: (f: WmFrame) => boolean, count = 1, timeoutMs = 5000): Promise<WmFrame[]> {
    return waitForFrames(this.frames, this.waiters, pred, count, timeoutMs, () => this.raw.join('\n'));
  }

  /** Outbound StructuredMessages (bot, agent, events), in arrival order. */
  outbound(): WmFrame[] {
    return this.frames.filter((f) => f.class === 'StructuredMessage' && f.body.direction === 'Outbound');
  }

  close(): void {
    this.ws.close();
  }
}

export const isOutboundText = (text: string) => (f: WmFrame) =>
  f.class === 'StructuredMessage' && f.body.direction === 'Outbound' && f.body.text === text;

export const isEvent = (eventType: string, type?: string) => (f: WmFrame) =>
  f.class === 'StructuredMessage' &&
  f.body.type === 'Event' &&
  (f.body.events ?? []).some(
    (e) =>
      e['eventType'] === eventType &&
      (type === undefined || (e[eventType.toLowerCase()] as { type?: string } | undefined)?.type === type),
  );

/** The keys of an object, sorted: frames are compared with the real samples field by field. */
export const keys = (o: unknown): string[] => Object.keys(o as object).sort();

/** A tiny valid PNG (1×1, transparent). */
export const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
