import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { resolve } from 'node:path';
import { emulatorMiddlewareEnv } from 'genesys-handoff-emulator';
import { OBSERVATIONS, addFault, useTestEmulator } from './helpers';
import { freePort } from './redis-server';

/**
 * Graceful shutdown as an orchestrator does it (README "Shutdown"): the real server process (`src/server.ts` through
 * tsx) against the emulator, SIGTERM while a slow request is in flight and while new requests keep coming.
 */

const SERVER = resolve(__dirname, '../src/server.ts');
const DRAIN_MS = 1500;

const emulator = useTestEmulator();

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request on a fresh connection (no pooling), so each tells what a new client of the balancer would get. */
function send(port: number, method: string, path: string, body?: unknown): Promise<Answer> {
  return new Promise((ok, fail) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: false,
        headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {},
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', fail);
    req.end(payload);
  });
}

function startServer(port: number): { child: ChildProcess; exited: Promise<number | null>; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER], {
    cwd: resolve(__dirname, '..'),
    env: {
      PATH: process.env['PATH'],
      ...emulatorMiddlewareEnv(emulator()),
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'info',
      SHUTDOWN_DRAIN_DELAY_MS: String(DRAIN_MS),
      RATE_LIMIT_MAX: '100000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  return { child, exited, output: () => output };
}

async function waitUntilServing(port: number, output: () => string): Promise<void> {
  for (let i = 0; i < 300; i += 1) {
    const up = await send(port, 'GET', '/healthz').then(
      (a) => a.status === 200,
      () => false,
    );
    if (up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the server did not start:\n${output()}`);
}

/** Requests that reached the emulator's fault `id` so far (each one counts down its `times`). */
async function faultHits(id: string, times: number): Promise<number> {
  const { entities } = (await (await fetch(`${emulator().controlUrl}/faults`)).json()) as {
    entities: Array<{ id: string; times: number }>;
  };
  return times - (entities.find((f) => f.id === id)?.times ?? 0);
}

it('on SIGTERM finishes requests in flight, answers new ones 503 SHUTTING_DOWN with Connection: close while draining, then exits 0', async () => {
  const port = await freePort();
  const server = startServer(port);
  try {
    await waitUntilServing(port, server.output);

    // A slow request: Genesys takes 2.5 s to answer its observations, longer than the drain.
    const SLOW = 1000;
    const { id } = (await addFault(emulator(), { endpoint: OBSERVATIONS, latencyMs: 2500, times: SLOW })) as {
      id: string;
    };
    const inFlight = send(port, 'POST', '/availability', { queue_name: 'Chat Queue' });
    while ((await faultHits(id, SLOW)) === 0) await new Promise((r) => setTimeout(r, 20));

    server.child.kill('SIGTERM');
    // New requests from here on: the first ones may still be served before the signal is handled; none may fail to
    // connect, and once the drain has begun they get the 503.
    const during: Answer[] = [];
    while (during.length < 200 && during.at(-1)?.status !== 503) during.push(await send(port, 'GET', '/setup'));
    const afterwards = await send(port, 'POST', '/availability', { queue_name: 'Chat Queue' });

    for (const refused of [during.at(-1), afterwards]) {
      expect(refused?.status).toBe(503);
      expect(refused?.headers['connection']).toBe('close');
      expect(refused?.headers['content-type']).toContain('application/json');
      expect(refused?.headers['x-content-type-options']).toBe('nosniff');
      expect(JSON.parse(refused?.body ?? '')).toEqual({
        statusCode: 503,
        code: 'SHUTTING_DOWN',
        error: 'Service Unavailable',
        message: 'This server is shutting down; send the request again',
      });
    }
    expect(during.slice(0, -1).every((a) => a.status === 200)).toBe(true);

    const slow = await inFlight;
    expect(slow.status).toBe(200);
    expect(JSON.parse(slow.body)).toMatchObject({ agentsOnline: expect.any(Boolean) });
    expect(await server.exited).toBe(0);
    expect(server.output()).toMatch(/"msg":"shutting down"/);
  } finally {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
  }
}, 60_000);
