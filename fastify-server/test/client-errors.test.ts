import type { FastifyInstance } from 'fastify';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { IDENTITY, identitySigner, testApp, useTestEmulator } from './helpers';

/**
 * Requests the HTTP parser refuses before Fastify routes them (a NUL byte in a header, headers over 16 KB,
 * garbage): answered in the documented error shape, and logged without their bytes, at every level.
 */

const emulator = useTestEmulator();

/** Sends raw bytes on a fresh connection and returns everything the server writes until it closes. */
function rawRequest(port: number, bytes: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('connect', () => socket.end(bytes));
    setTimeout(() => reject(new Error('no answer in 10 s')), 10_000).unref();
  });
}

/** Every string in a log line, with Buffers (serialized as {type: 'Buffer', data}) and base64 runs decoded. */
function decodedText(value: unknown): string {
  if (typeof value === 'string') {
    const base64 = value.match(/[A-Za-z0-9+/=_-]{16,}/g) ?? [];
    return [value, ...base64.map((b) => Buffer.from(b, 'base64').toString('latin1'))].join('\n');
  }
  if (Array.isArray(value)) return value.map(decodedText).join('\n');
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (o['type'] === 'Buffer' && Array.isArray(o['data']))
      return Buffer.from(o['data'] as number[]).toString('latin1');
    return Object.entries(o)
      .map(([k, v]) => `${k}\n${decodedText(v)}`)
      .join('\n');
  }
  return String(value);
}

const parse = (answer: string) => {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  return { status: Number(head.split(' ')[1]), head: head.toLowerCase(), body };
};

/** A JSON error answer with the security headers, and its body. */
function expectErrorAnswer(answer: ReturnType<typeof parse>, body: Record<string, unknown>): void {
  expect(answer.status).toBe(body['statusCode']);
  expect(answer.head).toContain('content-type: application/json');
  expect(answer.head).toContain('x-content-type-options: nosniff');
  expect(JSON.parse(answer.body)).toEqual(body);
}

describe('requests the HTTP parser refuses', () => {
  let app: FastifyInstance;
  let port: number;
  const lines: string[] = [];
  let token: string;

  beforeAll(async () => {
    app = await testApp(
      emulator(),
      {
        LOG_LEVEL: 'trace',
        IDENTITY_JWT_SECRET: IDENTITY.secret,
        IDENTITY_JWT_ISSUER: IDENTITY.issuer,
        IDENTITY_JWT_AUDIENCE: IDENTITY.audience,
      },
      { logStream: { write: (line: string) => void lines.push(line) } },
    );
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as AddressInfo).port;
    token = (await identitySigner())({ sub: 'user-secret-1' });
  });
  afterAll(async () => {
    await app?.close();
  });

  const cases: Array<[string, () => string, number, string]> = [
    [
      'a NUL byte in a header',
      () => `POST /jwt HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nX-Bad: a\u0000b\r\n\r\n`,
      400,
      'BAD_REQUEST',
    ],
    [
      'headers over 16 KB',
      () => `POST /jwt HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nX-Big: ${'a'.repeat(17_000)}\r\n\r\n`,
      431,
      'HEADERS_TOO_LARGE',
    ],
    ['a request line that is not HTTP', () => `HELLO\r\nAuthorization: Bearer ${token}\r\n\r\n`, 400, 'BAD_REQUEST'],
    // Request smuggling: a proxy and this server must never disagree on where a body ends.
    [
      'both Content-Length and Transfer-Encoding',
      () =>
        `POST /jwt HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\n` +
        `Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`,
      400,
      'BAD_REQUEST',
    ],
    [
      'two Content-Length headers that disagree',
      () =>
        `POST /jwt HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\n` +
        `Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}x`,
      400,
      'BAD_REQUEST',
    ],
    [
      'a Transfer-Encoding that does not end in chunked',
      () =>
        `POST /jwt HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\n` +
        `Transfer-Encoding: chunked, identity\r\n\r\n2\r\n{}\r\n0\r\n\r\n`,
      400,
      'BAD_REQUEST',
    ],
  ];

  it('answers a smuggling attempt once and closes: the request hidden in its body is never answered', async () => {
    const hidden = 'GET /setup HTTP/1.1\r\nHost: x\r\n\r\n';
    const answer = await rawRequest(
      port,
      `POST /availability HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${4 + hidden.length}\r\n` +
        `Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n${hidden}`,
    );
    expect(answer.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 400']);
    expect(answer).not.toContain('org_id');
  });

  it.each(cases)('answers %s in the documented error shape', async (_name, request, status, code) => {
    expectErrorAnswer(parse(await rawRequest(port, request())), {
      statusCode: status,
      code,
      error: expect.any(String),
      message: expect.any(String),
    });
  });

  it('answers a URL it cannot decode in the documented shape, with the security headers and without echoing it', async () => {
    const answer = parse(await rawRequest(port, 'GET /%zz<script> HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
    expectErrorAnswer(answer, {
      statusCode: 400,
      code: 'BAD_URL',
      error: 'Bad Request',
      message: expect.stringContaining('not valid'),
    });
    expect(answer.head).toContain('content-security-policy:');
    expect(answer.body).not.toContain('%zz');
    expect(answer.body).not.toContain('<script>');
  });

  it('answers an Expect it does not support with a JSON 417 that names it', async () => {
    const answer = parse(
      await rawRequest(
        port,
        'POST /availability HTTP/1.1\r\nHost: x\r\nExpect: foo\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}',
      ),
    );
    expectErrorAnswer(answer, {
      statusCode: 417,
      code: 'EXPECTATION_FAILED',
      error: 'Expectation Failed',
      message: expect.stringContaining('"foo"'),
    });
  });

  it('never logs the raw bytes, so no Authorization header reaches the log at trace level', async () => {
    for (const [, request] of cases) await rawRequest(port, request());
    expect(lines.length).toBeGreaterThan(0);
    const signature = token.split('.')[2] ?? '';
    for (const line of lines) {
      const text = decodedText(JSON.parse(line));
      expect(text).not.toContain(token);
      expect(text).not.toContain(signature);
      expect(text.toLowerCase()).not.toContain('bearer');
      expect(line).not.toContain('rawPacket');
    }
    // The refusals are still logged, as facts about the request.
    expect(lines.some((l) => /HPE_HEADER_OVERFLOW/.test(l))).toBe(true);
  });
});

describe('a request that does not arrive in time', () => {
  let app: FastifyInstance;
  let port: number;

  beforeAll(async () => {
    app = await testApp(emulator(), { REQUEST_TIMEOUT_MS: '1000' });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await app?.close();
  });

  it('is cut off at REQUEST_TIMEOUT_MS while its body trickles in, with a JSON 408 in the documented shape', async () => {
    const BODY_BYTES = 100;
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let sent = 0;
    let trickle: NodeJS.Timeout | undefined;
    const started = Date.now();
    const closed = new Promise<number>((resolve) => {
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('error', () => resolve(sent));
      socket.on('close', () => resolve(sent));
    });
    socket.on('connect', () => {
      socket.write(
        `POST /availability HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${BODY_BYTES}\r\n\r\n`,
      );
      // One byte every 250 ms: the body would be complete after 25 s, within Node's default 30 s look.
      trickle = setInterval(() => {
        if (sent < BODY_BYTES && socket.writable) {
          socket.write(' ');
          sent += 1;
        }
      }, 250);
    });
    const bytesWhenClosed = await closed;
    clearInterval(trickle);
    const elapsed = Date.now() - started;

    expect(bytesWhenClosed).toBeLessThan(BODY_BYTES);
    // Loose: the timeout is 1 s, checked every second; the old 30 s look would take far longer.
    expect(elapsed).toBeLessThan(10_000);
    const answer = parse(Buffer.concat(chunks).toString('latin1'));
    expect(answer.head).toContain('connection: close');
    expectErrorAnswer(answer, {
      statusCode: 408,
      code: 'REQUEST_TIMEOUT',
      error: 'Request Timeout',
      message: 'The request did not arrive within 1 second',
    });
  });
});
