import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { DEMO, startEmulator, type RunningEmulator } from '../src';
import { WmGuest } from './web-messaging-helpers';

/**
 * Size limits on every socket and route: an oversized WebSocket frame closes the socket with 1009 as soon as its
 * header announces it (the payload is never sent here, so a server waiting for it would hang the test), and an
 * oversized body is refused from its Content-Length.
 */

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
});
afterAll(() => emu.close());

const MB = 1024 * 1024;

/** A raw TCP connection that upgrades `path` by hand, so a test can write frame headers without payloads. */
async function rawSocket(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ socket: Socket; read: () => Buffer }> {
  const socket = connect(emu.port, '127.0.0.1');
  let received = Buffer.alloc(0);
  socket.on('data', (d: Buffer) => (received = Buffer.concat([received, d])));
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${emu.port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
      `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n${extra.join('')}\r\n`,
  );
  await until(() => received.includes('\r\n\r\n'));
  expect(received.toString('latin1')).toMatch(/^HTTP\/1\.1 101 /);
  const bodyAt = received.indexOf('\r\n\r\n') + 4;
  return { socket, read: () => received.subarray(bodyAt) };
}

/** The header of a masked client text frame announcing `length` bytes (64-bit length form). */
function frameHeader(length: number): Buffer {
  const h = Buffer.alloc(14);
  h[0] = 0x81;
  h[1] = 0x80 | 127;
  h.writeBigUInt64BE(BigInt(length), 2);
  randomBytes(4).copy(h, 10);
  return h;
}

/** The close code of the server's close frame (unmasked, server to client), if one came. */
function closeCode(frames: Buffer): number | undefined {
  let i = 0;
  while (i + 2 <= frames.length) {
    const opcode = frames[i]! & 0x0f;
    let len = frames[i + 1]! & 0x7f;
    let at = i + 2;
    if (len === 126) {
      len = frames.readUInt16BE(at);
      at += 2;
    } else if (len === 127) {
      len = Number(frames.readBigUInt64BE(at));
      at += 8;
    }
    if (opcode === 0x8) return frames.readUInt16BE(at);
    i = at + len;
  }
  return undefined;
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('WebSocket frames', () => {
  test.each([
    ['the guest socket', `/v1?deploymentId=${DEMO.messengerDeploymentId}`],
    ["the console's event feed", '/control/events'],
  ])('%s: a frame announcing 99 MB is closed with 1009 before its payload is read', async (_name, path) => {
    const { socket, read } = await rawSocket(path);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(Buffer.concat([frameHeader(99 * MB), Buffer.from('{"action":')]));
    await until(() => closeCode(read()) !== undefined);
    expect(closeCode(read())).toBe(1009);
    await closed;
  });

  test('a frame just under the limit is read and answered; the limit follows maxFrameBytes', async () => {
    expect(emu.options.maxFrameBytes).toBe(64 * 1024);
    const g = await WmGuest.open(emu, { deploymentId: DEMO.messengerDeploymentId });
    await g.configure();
    // Padding in a field the emulator ignores: the frame is read whole and answered.
    const pad = 'x'.repeat(60 * 1024);
    const answer = await g.request({ action: 'getJwt', pad });
    expect(answer.class).toBe('JwtResponse');
    const closed = new Promise<number>((resolve) => g.ws.once('close', (code) => resolve(code)));
    g.send({ action: 'getJwt', token: g.token, pad: 'x'.repeat(65 * 1024) });
    expect(await closed).toBe(1009);

    const small = await startEmulator({ port: 0, maxFrameBytes: 1024 });
    try {
      const h = await WmGuest.open(small, { deploymentId: DEMO.messengerDeploymentId });
      const shut = new Promise<number>((resolve) => h.ws.once('close', (code) => resolve(code)));
      h.send({ action: 'configureSession', deploymentId: DEMO.messengerDeploymentId, pad: 'x'.repeat(2000) });
      expect(await shut).toBe(1009);
    } finally {
      await small.close();
    }
  });
});

describe('HTTP bodies', () => {
  /** Sends only the headers of a request announcing `length` bytes, and the status line that comes back. */
  async function announce(method: string, path: string, length: number, type: string): Promise<string> {
    const socket = connect(emu.port, '127.0.0.1');
    let received = '';
    socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write(
      `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${emu.port}\r\nContent-Type: ${type}\r\nContent-Length: ${length}\r\n\r\n{`,
    );
    await until(() => received.includes('\r\n\r\n') && /\r\n\r\n[\s\S]+/.test(received));
    socket.destroy();
    return received;
  }

  test('a REST body over 512,000 bytes (Genesys request.bytes.max) is a 413 from its Content-Length alone', async () => {
    const r = await announce('POST', '/api/v2/webchat/guest/conversations', 99 * MB, 'application/json');
    expect(r).toMatch(/^HTTP\/1\.1 413 /);
    expect(r).toContain('"code":"request.entity.too.large"');
    expect(r).toContain('larger than 512000 bytes');
    const control = await announce('POST', '/control/messaging/identity-tokens', 99 * MB, 'application/json');
    expect(control).toMatch(/^HTTP\/1\.1 413 /);
  });

  test("an upload over twice the largest deployment's maxFileSizeKB is S3's EntityTooLarge, before it is read", async () => {
    const r = await announce('PUT', '/uploads/v2/some-id/big.png?X-Amz-Signature=x', 99 * MB, 'image/png');
    expect(r).toMatch(/^HTTP\/1\.1 400 /);
    expect(r).toContain('<Code>EntityTooLarge</Code>');
    expect(r).toContain(String(2 * 10240 * 1024));
  });
});
