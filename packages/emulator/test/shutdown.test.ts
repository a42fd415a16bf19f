import { connect } from 'node:net';
import { startEmulator } from '../src';

test('close() ends open client connections at once instead of waiting for them (a half-sent request included)', async () => {
  const emu = await startEmulator({ port: 0 });
  // A client in the middle of a request: not idle, so a server that only closes idle connections waits for it.
  const socket = connect(emu.port, '127.0.0.1');
  await new Promise<void>((ok) => socket.once('connect', () => ok()));
  socket.write('GET /api/v2/webchat/guest/conversations HTTP/1.1\r\nHost: 127.0.0.1\r\n');
  await new Promise((r) => setTimeout(r, 100));
  const closedByServer = new Promise<void>((ok) => socket.once('close', () => ok()));
  const started = Date.now();
  await emu.close();
  await closedByServer;
  expect(Date.now() - started).toBeLessThan(3000);
}, 10_000);
