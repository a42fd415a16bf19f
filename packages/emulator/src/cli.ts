#!/usr/bin/env node
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from './start-emulator';
import { certificateNames, storedSelfSignedCertificate, type TlsOption } from './tls';
import { DEMO } from './options';

/** `pnpm emulator`: the emulator with the demo organisation, on EMULATOR_PORT (default 8787). */

function envNumber(name: string, dflt: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`${name} must be a non-negative number, got "${raw}"`);
    process.exit(2);
  }
  return n;
}

/** A comma-separated list; `*` alone stands for "any". */
function envList(name: string): string[] | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * EMULATOR_TLS_CERT + EMULATOR_TLS_KEY (PEM files), or EMULATOR_TLS=self-signed: a certificate kept in
 * EMULATOR_TLS_DIR, so that one trusted once stays trusted across restarts.
 */
async function tlsFromEnv(
  host: string,
  allowedHosts: string[] | true | undefined,
): Promise<{ tls?: TlsOption; note?: string }> {
  const certFile = process.env['EMULATOR_TLS_CERT'];
  const keyFile = process.env['EMULATOR_TLS_KEY'];
  if (certFile || keyFile) {
    if (!certFile || !keyFile) {
      console.error('EMULATOR_TLS_CERT and EMULATOR_TLS_KEY go together: set both (PEM files), or neither');
      process.exit(2);
    }
    return { tls: { cert: await readFile(certFile), key: await readFile(keyFile) } };
  }
  const mode = process.env['EMULATOR_TLS'];
  if (mode === undefined || mode === '' || mode === 'off') return {};
  if (mode !== 'self-signed') {
    console.error(`EMULATOR_TLS must be "self-signed" (or unset), got "${mode}"`);
    process.exit(2);
  }
  const dir = process.env['EMULATOR_TLS_DIR'] || join(tmpdir(), 'genesys-handoff-emulator-tls');
  const made = await storedSelfSignedCertificate(dir, certificateNames(host, allowedHosts ?? []));
  return {
    tls: { cert: made.cert, key: made.key },
    note: `${made.created ? 'new ' : ''}self-signed certificate ${made.certPath} (trust it: NODE_EXTRA_CA_CERTS=${made.certPath}, curl --cacert ${made.certPath})`,
  };
}

async function main(): Promise<void> {
  const listenHost = process.env['EMULATOR_HOST'] || '127.0.0.1';
  const hostList = envList('EMULATOR_ALLOWED_HOSTS');
  const allowedHosts = hostList?.includes('*') ? true : hostList;
  const controlOrigins = envList('EMULATOR_CONTROL_ORIGINS');
  const { tls, note } = await tlsFromEnv(listenHost, allowedHosts);
  const emulator = await startEmulator({
    port: envNumber('EMULATOR_PORT', 8787),
    host: listenHost,
    heartbeatIntervalMs: envNumber('EMULATOR_HEARTBEAT_MS', 30_000),
    guestInactivityMs: envNumber('EMULATOR_INACTIVITY_MS', 15 * 60_000),
    autoAgent: { enabled: process.env['EMULATOR_AUTO_AGENT'] === 'true' },
    logger: process.env['EMULATOR_LOG'] === 'true',
    ...(allowedHosts ? { allowedHosts } : {}),
    ...(controlOrigins ? { controlOrigins } : {}),
    ...(tls ? { tls } : {}),
  });
  const o = emulator.options;
  console.log(`Genesys Cloud emulator listening on ${emulator.url}
  agent console      ${emulator.consoleUrl}
  guest chat API     ${emulator.url}/api/v2/webchat/guest/conversations   (genesysApiBaseUrl=${emulator.url})
  Platform API       ${emulator.url}/api/v2/...  and  ${emulator.url}/oauth/token   (GENESYS_API_BASE_URL=${emulator.url})
  control API        ${emulator.controlUrl}
  organization       ${o.organizationId}
  chat deployments   ${o.deployments.map((d) => `${d.id}${d.requireAuth ? ' (authenticated)' : ''}`).join(', ')}
  queues             ${o.queues.map((q) => `"${q.name}" ${q.id}`).join(', ')}
  Web Messaging      ${emulator.url.replace('http', 'ws')}/v1?deploymentId=…   config ${emulator.url}/webdeployments/v1/deployments/{id}/config.json
  Messenger          ${o.messengerDeployments.map((d) => `${d.id}${d.authentication ? ' (authenticated)' : ''}`).join(', ')}
  OAuth client       ${DEMO.clientId} / ${DEMO.clientSecret}  (emulator only)
  agents             ${[...emulator.engine.agents.values()].map((a) => a.name).join(', ')}${o.autoAgent.enabled ? ' (automatic agent on)' : ''}${note ? `\n  TLS                ${note}` : ''}`);
  const stop = () => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error('The emulator failed to start:', e instanceof Error ? e.message : e);
  process.exit(1);
});
