import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import type { LookupFunction } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { DEMO, startEmulator, type RunningEmulator } from '../src';
import { certificateCovers, selfSignedCertificate, storedSelfSignedCertificate } from '../src/tls';
import { WmGuest } from './web-messaging-helpers';

/**
 * TLS for clients that only speak https:// and wss://: a self-signed certificate for the names the emulator
 * answers, or a given one. Real TLS on loopback; clients trust the certificate explicitly, as the README says.
 */

const GENESYS_LIKE = 'webmessaging.example.test';
let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ port: 0, tls: 'self-signed', allowedHosts: [GENESYS_LIKE] });
});
afterAll(() => emu.close());

/** Every name resolves to 127.0.0.1, as a hosts-file entry would make it. */
const toLoopback: LookupFunction = (_host, options, cb) => {
  if (options.all)
    (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [
      { address: '127.0.0.1', family: 4 },
    ]);
  else cb(null, '127.0.0.1', 4);
};

function get(url: string, options: RequestOptions = {}, body?: unknown): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method: body === undefined ? 'GET' : 'POST',
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...options,
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, json: text ? (JSON.parse(text) as unknown) : null }),
        );
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

test('self-signed: https:// and wss:// everywhere; a client that does not trust the certificate is refused by TLS', async () => {
  expect(emu.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  await expect(get(`${emu.url}/control/state`)).rejects.toThrow(/self[- ]signed/i);
  const trusted = { ca: emu.tls!.cert };
  expect((await get(`${emu.url}/control/state`, trusted)).status).toBe(200);
  const config = (
    await get(`${emu.url}/webdeployments/v1/deployments/${DEMO.messengerDeploymentId}/config.json`, trusted)
  ).json as { apiEndpoint: string; messenger: { apps: { conversations: { messagingEndpoint: string } } } };
  expect(config.apiEndpoint).toBe(emu.url);
  expect(config.messenger.apps.conversations.messagingEndpoint).toBe(emu.url.replace('https', 'wss'));
  // Guest chat's event stream URI is wss:// too.
  const created = (
    await get(`${emu.url}/api/v2/webchat/guest/conversations`, trusted, {
      organizationId: emu.options.organizationId,
      deploymentId: DEMO.deploymentId,
      routingTarget: { targetType: 'QUEUE', targetAddress: DEMO.queueName },
      memberInfo: { displayName: 'Jane' },
    })
  ).json as { eventStreamUri: string };
  expect(created.eventStreamUri).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/chat\/jwt\//);
});

test('a client hard-coded to wss://<a Genesys-like name>/v1 works with only the name pointed at the emulator', async () => {
  const port = emu.port;
  const g = await WmGuest.open(emu, {
    deploymentId: DEMO.messengerDeploymentId,
    socketOrigin: `wss://${GENESYS_LIKE}:${port}`,
    socket: { ca: emu.tls!.cert, lookup: toLoopback },
  });
  const session = await g.configure();
  expect(session.class).toBe('SessionResponse');
  const presigned = await g.request({ action: 'onAttachment', fileName: 'a.png', fileType: 'image/png', fileSize: 10 });
  expect(presigned.body['url']).toMatch(
    new RegExp(`^https://${GENESYS_LIKE.replace(/\./g, '\\.')}:${port}/uploads/v2/`),
  );
  g.close();
  // The certificate names it; a name the emulator does not answer is not in it.
  const cert = new X509Certificate(emu.tls!.cert);
  expect(cert.checkHost(GENESYS_LIKE)).toBe(GENESYS_LIKE);
  expect(cert.checkHost('localhost')).toBe('localhost');
  expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
  expect(cert.checkHost('evil.example')).toBeUndefined();
});

test('a given certificate and key are what the server presents', async () => {
  const given = await selfSignedCertificate(['localhost']);
  const own = await startEmulator({ port: 0, tls: given });
  try {
    const presented = await new Promise<string>((resolve, reject) => {
      const s = tlsConnect({ host: '127.0.0.1', port: own.port, servername: 'localhost', ca: given.cert }, () => {
        resolve(s.getPeerX509Certificate()!.fingerprint256);
        s.end();
      });
      s.on('error', reject);
    });
    expect(presented).toBe(new X509Certificate(given.cert).fingerprint256);
  } finally {
    await own.close();
  }
});

test('the stored self-signed certificate is reused while it covers the names, and made anew when it does not', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'emu-tls-'));
  try {
    const first = await storedSelfSignedCertificate(dir, ['localhost', '127.0.0.1']);
    expect(first.created).toBe(true);
    const again = await storedSelfSignedCertificate(dir, ['localhost']);
    expect(again).toEqual({ ...first, created: false });
    const wider = await storedSelfSignedCertificate(dir, ['localhost', 'devbox.lan']);
    expect(wider.created).toBe(true);
    expect(certificateCovers(wider.cert, ['devbox.lan', 'localhost'])).toBe(true);
    // Expiring within a day counts as not covering.
    expect(certificateCovers(wider.cert, ['localhost'], Date.now() + 90 * 24 * 3600_000)).toBe(false);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
