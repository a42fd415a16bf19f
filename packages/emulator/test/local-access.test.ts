import { request as httpRequest } from 'node:http';
import WebSocket from 'ws';
import { DEMO, startEmulator, type RunningEmulator } from '../src';
import { hostName, isLoopbackName } from '../src/local-access';
import { queuedChat as guestChat } from './guest-chat-helpers';

/**
 * Who may reach the emulator: only known host names (against DNS rebinding), and on its own side (control API,
 * console, `/control/events`) only its own pages, with JSON for every state change. Over real HTTP and WebSocket.
 */

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
});
afterAll(() => emu.close());

interface Answer {
  status: number;
  type: string;
  body: string;
}

/** One HTTP request with exactly these headers (fetch will not set `Host`). */
function call(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
  port = emu.port,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body: text }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Opens a socket; resolves with its first frames (up to `frames`) or the HTTP status of a refused upgrade. */
function openSocket(
  path: string,
  headers: Record<string, string>,
  frames = 1,
  port = emu.port,
): Promise<{ status: number; frames: string[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers });
    const got: string[] = [];
    ws.on('open', () => {
      if (frames > 0) return;
      ws.close();
      resolve({ status: 101, frames: got });
    });
    ws.on('message', (d) => {
      got.push(d.toString());
      if (got.length >= frames) {
        ws.close();
        resolve({ status: 101, frames: got });
      }
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0, frames: got });
      ws.terminate();
    });
    ws.on('error', reject);
  });
}

const own = () => `http://127.0.0.1:${emu.port}`;
const EVIL = 'https://evil.example';

async function queuedChat(): Promise<string> {
  const g = await guestChat(emu);
  g.stream.close();
  return g.conversationId;
}

async function chatState(id: string): Promise<string> {
  return (JSON.parse((await call('GET', `/control/chats/${id}`)).body) as { state: string }).state;
}

describe('host names (DNS rebinding)', () => {
  test('loopback names are answered: 127.0.0.1, localhost, a *.localhost name, [::1]', async () => {
    for (const host of ['127.0.0.1', 'localhost', 'app.localhost', '[::1]', 'LOCALHOST.'])
      expect({ host, status: (await call('GET', '/control/state', { host: `${host}:${emu.port}` })).status }).toEqual({
        host,
        status: 200,
      });
  });

  test('another name is refused with 403 everywhere: control, guest APIs, the guest socket, the event feed', async () => {
    const host = { host: `rebound.evil.example:${emu.port}` };
    for (const path of [
      '/control/state',
      '/console/',
      `/webdeployments/v1/deployments/${DEMO.messengerDeploymentId}/config.json`,
      '/api/v2/routing/queues',
    ]) {
      const r = await call('GET', path, host);
      expect({ path, status: r.status }).toEqual({ path, status: 403 });
      expect(JSON.parse(r.body)).toEqual(
        expect.objectContaining({
          code: 'host.not.allowed',
          message: expect.stringContaining('"rebound.evil.example"'),
        }),
      );
    }
    expect((await openSocket(`/v1?deploymentId=${DEMO.messengerDeploymentId}`, host)).status).toBe(403);
    expect((await openSocket('/control/events', host)).status).toBe(403);
  });

  test('allowedHosts opens it for named hosts (a container name); true for any', async () => {
    const named = await startEmulator({ port: 0, allowedHosts: ['emulator'] });
    const any = await startEmulator({ port: 0, allowedHosts: true });
    try {
      expect(
        (await call('GET', '/control/state', { host: `emulator:${named.port}` }, undefined, named.port)).status,
      ).toBe(200);
      expect((await call('GET', '/control/state', { host: `other:${named.port}` }, undefined, named.port)).status).toBe(
        403,
      );
      expect((await call('GET', '/control/state', { host: 'other' }, undefined, any.port)).status).toBe(200);
    } finally {
      await Promise.all([named.close(), any.close()]);
    }
  });

  test('the parsing of Host: ports, brackets, bare IPv6; what counts as loopback', () => {
    expect(hostName('Example.COM:8787')).toBe('example.com');
    expect(hostName('[::1]:8787')).toBe('::1');
    expect(hostName('::1')).toBe('::1');
    expect(hostName('example.com.:80')).toBe('example.com');
    expect(['127.0.0.1', '127.1.2.3', 'localhost', 'a.localhost', '::1'].every(isLoopbackName)).toBe(true);
    expect(
      ['127.0.0.1.evil.example', 'localhost.evil.example', '10.0.0.1', 'evil.example', '::'].some(isLoopbackName),
    ).toBe(false);
  });
});

describe('the control API and the console: own origin only', () => {
  test('the event feed opened from another origin is refused before any chat data; from its own origin it streams', async () => {
    await queuedChat();
    const foreign = await openSocket('/control/events', { origin: EVIL });
    expect(foreign).toEqual({ status: 403, frames: [] });
    const mine = await openSocket('/control/events', { origin: own() });
    expect(mine.status).toBe(101);
    expect(JSON.parse(mine.frames[0]!)).toEqual(expect.objectContaining({ type: 'snapshot' }));
    // Without Origin (a script, a test): allowed.
    expect((await openSocket('/control/events', {})).status).toBe(101);
  });

  test('a JSON call from another origin is refused with 403 and does nothing; from its own origin it acts', async () => {
    const id = await queuedChat();
    const json = { 'content-type': 'application/json' };
    const refused = await call('POST', `/control/chats/${id}/accept`, { ...json, origin: EVIL }, '{}');
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toEqual(
      expect.objectContaining({ code: 'origin.not.allowed', message: expect.stringContaining(EVIL) }),
    );
    expect(await chatState(id)).toBe('queued');
    expect((await call('GET', '/control/state', { origin: EVIL })).status).toBe(403);
    expect((await call('GET', '/console/', { origin: EVIL })).status).toBe(403);
    // The console's own page, under either loopback name it was opened with.
    expect((await call('POST', `/control/chats/${id}/accept`, { ...json, origin: own() }, '{}')).status).toBe(200);
    expect(await chatState(id)).not.toBe('queued');
    const viaLocalhost = { host: `localhost:${emu.port}`, origin: `http://localhost:${emu.port}` };
    expect((await call('GET', '/control/state', viaLocalhost)).status).toBe(200);
  });

  test('a cross-site form post (no Origin, as older browsers send it) neither acts as the agent nor mints tokens', async () => {
    const id = await queuedChat();
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const accept = await call('POST', `/control/chats/${id}/accept`, form, 'agentId=x');
    expect(accept.status).toBe(415);
    expect(JSON.parse(accept.body)).toEqual(
      expect.objectContaining({
        code: 'unsupported.media.type',
        message: expect.stringContaining('application/x-www-form-urlencoded'),
      }),
    );
    expect((await call('POST', `/control/chats/${id}/messages`, form, 'body=hello')).status).toBe(415);
    expect(
      (await call('POST', `/control/chats/${id}/messages`, { 'content-type': 'text/plain' }, '{"body":"x"}')).status,
    ).toBe(415);
    const mint = await call(
      'POST',
      '/control/messaging/identity-tokens',
      { 'content-type': 'multipart/form-data; boundary=x' },
      '--x\r\nContent-Disposition: form-data; name="sub"\r\n\r\nvictim\r\n--x--\r\n',
    );
    expect(mint.status).toBe(415);
    expect(mint.body).not.toContain('eyJ');
    expect(await chatState(id)).toBe('queued');
    // JSON, and a state change without a body, still work.
    expect(
      (await call('POST', '/control/messaging/identity-tokens', { 'content-type': 'application/json' }, '{"sub":"me"}'))
        .status,
    ).toBe(200);
    expect(
      (
        await call(
          'POST',
          `/control/chats/${id}/accept`,
          { 'content-type': 'application/json; charset=utf-8' },
          '{"connect":false}',
        )
      ).status,
    ).toBe(200);
    expect((await call('POST', `/control/chats/${id}/connect`)).status).toBe(200);
  });

  test('controlOrigins lets a named origin use the control API', async () => {
    const tool = 'http://127.0.0.1:5555';
    const opened = await startEmulator({ port: 0, controlOrigins: [tool] });
    try {
      expect((await call('GET', '/control/state', { origin: tool }, undefined, opened.port)).status).toBe(200);
      expect((await call('GET', '/control/state', { origin: EVIL }, undefined, opened.port)).status).toBe(403);
      expect((await openSocket('/control/events', { origin: tool }, 1, opened.port)).status).toBe(101);
    } finally {
      await opened.close();
    }
  });

  test('the guest APIs keep the deployment rule: a page of any origin may call them (CORS), the control API no', async () => {
    const guest = await call('GET', `/webdeployments/v1/deployments/${DEMO.messengerDeploymentId}/config.json`, {
      origin: EVIL,
    });
    expect(guest.status).toBe(200);
    const socket = await openSocket(`/v1?deploymentId=${DEMO.messengerDeploymentId}`, { origin: EVIL }, 0);
    expect(socket.status).not.toBe(403);
  });
});
