import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { createServer, type ViteDevServer } from 'vite';
import { DEMO_IDENTITY_DEFAULTS } from 'genesys-handoff-demo/demo-server';
import { DEMO } from 'genesys-handoff-emulator';
import { startLocalStack, startMiddleware, type Channel } from './local-stack';

/**
 * `pnpm dev`: the whole product on this machine.
 *
 * - No Genesys org configured (the default): the Genesys emulator (demo organisation, agents Alex and Blair on queue,
 *   agent console), the middleware twice (normal and authenticated deployment), and the demo page's Vite dev server.
 *   The page chats over Web Messaging (the emulator's Messenger deployments); `GENESYS_CHANNEL=guest-chat` switches
 *   the middlewares, and so the page, to guest chat (the emulator's web chat deployments).
 * - `GENESYS_CLIENT_ID` set (environment, `.env` or `fastify-server/.env`): the middleware with that configuration and
 *   the demo page; no emulator. `DEMO_AUTH_DEPLOYMENT_ID` + `IDENTITY_JWT_SECRET` (+ issuer, audience) add a second
 *   middleware for authenticated chats and turn the demo login on.
 */

const ROOT = resolve(__dirname, '..');
const SITE = { host: '127.0.0.1', port: Number(process.env['DEMO_PORT'] || 5173) };
const SITE_ORIGIN = `http://${SITE.host}:${SITE.port}`;

function readDotenv(path: string): Record<string, string> {
  try {
    return parseEnv(readFileSync(path, 'utf8')) as Record<string, string>;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw e;
  }
}

/** The environment wins over `.env`, which wins over `fastify-server/.env`. Empty values count as unset. */
function settings(): Record<string, string> {
  const merged: Record<string, string | undefined> = {
    ...readDotenv(resolve(ROOT, 'fastify-server/.env')),
    ...readDotenv(resolve(ROOT, '.env')),
    ...process.env,
  };
  return Object.fromEntries(
    Object.entries(merged).filter((e): e is [string, string] => e[1] !== undefined && e[1].trim() !== ''),
  );
}

/** The page's origin must be allowed by the middleware (CORS), whatever else the configuration allows. */
function withSiteOrigin(allowed: string | undefined): string {
  const list = (allowed ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return [...new Set([...list, SITE_ORIGIN, `http://localhost:${SITE.port}`])].join(',');
}

interface Running {
  lines: string[];
  close(): Promise<void>;
}

/** The channel of an emulator run: `GENESYS_CHANNEL`, as the middleware names it. */
function emulatorChannel(env: Record<string, string>): Channel {
  const channel = env['GENESYS_CHANNEL'] ?? 'web-messaging';
  if (channel !== 'web-messaging' && channel !== 'guest-chat')
    throw new Error(`GENESYS_CHANNEL must be web-messaging or guest-chat, not '${channel}'`);
  return channel;
}

async function startWithEmulator(env: Record<string, string>): Promise<Running> {
  const channel = emulatorChannel(env);
  // The demo login signs identity tokens that only this run's authenticated middleware accepts.
  const identity = {
    secret: env['DEMO_IDENTITY_JWT_SECRET'] ?? randomBytes(32).toString('hex'),
    ...DEMO_IDENTITY_DEFAULTS,
  };
  const stack = await startLocalStack({
    channel,
    emulatorPort: Number(env['EMULATOR_PORT'] ?? 8787),
    emulator: { autoAgent: { enabled: env['EMULATOR_AUTO_AGENT'] === 'true' } },
    middlewarePorts: [Number(env['PORT'] ?? 3000), Number(env['AUTH_PORT'] ?? Number(env['PORT'] ?? 3000) + 1)],
    siteOrigin: withSiteOrigin(undefined),
    identity,
    middlewareEnv: { LOG_LEVEL: env['LOG_LEVEL'] ?? 'warn' },
  });
  Object.assign(process.env, {
    DEMO_SERVER_BASE_URL: stack.middlewareUrl,
    DEMO_AUTH_SERVER_BASE_URL: stack.authMiddlewareUrl,
    DEMO_AGENT_CONSOLE_URL: stack.emulator.consoleUrl,
    DEMO_IDENTITY_JWT_SECRET: identity.secret,
    DEMO_IDENTITY_JWT_ISSUER: identity.issuer,
    DEMO_IDENTITY_JWT_AUDIENCE: identity.audience,
  });
  const autoAgent = env['EMULATOR_AUTO_AGENT'] === 'true';
  return {
    lines: [
      `  Genesys emulator   ${stack.emulator.url}   (no Genesys org needed; agents Alex Agent and Blair Expert are on queue)`,
      autoAgent
        ? '  automatic agent    on: an agent accepts every chat and answers by itself (EMULATOR_AUTO_AGENT=true)'
        : '  automatic agent    off: you play the agent in the console (EMULATOR_AUTO_AGENT=true adds one that answers)',
      channel === 'web-messaging'
        ? '  channel            Web Messaging (GENESYS_CHANNEL=guest-chat for guest chat)'
        : '  channel            guest chat (GENESYS_CHANNEL=guest-chat; unset for Web Messaging)',
      `  middleware         ${stack.middlewareUrl}   (deployment ${channel === 'web-messaging' ? DEMO.messengerDeploymentId : DEMO.deploymentId})`,
      `  middleware (auth)  ${stack.authMiddlewareUrl}   (authenticated deployment, demo login on)`,
    ],
    close: () => stack.close(),
  };
}

async function startWithGenesys(env: Record<string, string>): Promise<Running> {
  const port = Number(env['PORT'] ?? 3000);
  const serverEnv = {
    ...env,
    ALLOWED_ORIGINS: withSiteOrigin(env['ALLOWED_ORIGINS']),
    LOG_LEVEL: env['LOG_LEVEL'] ?? 'warn',
  };
  const main = await startMiddleware(serverEnv, port);
  const apps = [main.app];
  const lines = [
    `  middleware         ${main.url}   (Genesys Cloud ${env['GENESYS_ENVIRONMENT'] ?? 'mypurecloud.com'}, deployment ${env['DEPLOYMENT_ID']})`,
  ];
  process.env['DEMO_SERVER_BASE_URL'] = main.url;
  const authDeployment = env['DEMO_AUTH_DEPLOYMENT_ID'];
  if (authDeployment && env['IDENTITY_JWT_SECRET']) {
    const auth = await startMiddleware(
      { ...serverEnv, DEPLOYMENT_ID: authDeployment },
      Number(env['AUTH_PORT'] ?? port + 1),
    );
    apps.push(auth.app);
    Object.assign(process.env, {
      DEMO_AUTH_SERVER_BASE_URL: auth.url,
      DEMO_IDENTITY_JWT_SECRET: env['IDENTITY_JWT_SECRET'],
      DEMO_IDENTITY_JWT_ISSUER: env['IDENTITY_JWT_ISSUER'],
      DEMO_IDENTITY_JWT_AUDIENCE: env['IDENTITY_JWT_AUDIENCE'],
    });
    lines.push(`  middleware (auth)  ${auth.url}   (deployment ${authDeployment}, demo login on)`);
  } else {
    lines.push(
      '  demo login         off (set DEMO_AUTH_DEPLOYMENT_ID and IDENTITY_JWT_SECRET to try authenticated chat)',
    );
  }
  return { lines, close: async () => void (await Promise.all(apps.map((a) => a.close()))) };
}

async function main(): Promise<void> {
  const env = settings();
  // fastify-server/.env-sample's values are the emulator's: a copy of it is not a real org.
  const realOrg = env['GENESYS_CLIENT_ID'] !== undefined && env['GENESYS_CLIENT_ID'] !== DEMO.clientId;
  const backend = realOrg ? await startWithGenesys(env) : await startWithEmulator(env);
  let vite: ViteDevServer | undefined;
  try {
    process.env['VITE_CONFIG_NATIVE_IGNORE_WARNING'] ??= 'true';
    vite = await createServer({ configFile: resolve(ROOT, 'vite.config.ts'), server: { ...SITE, strictPort: true } });
    await vite.listen();
  } catch (e) {
    await backend.close();
    throw e;
  }

  const consoleUrl = process.env['DEMO_AGENT_CONSOLE_URL'];
  console.log(`
Genesys hand-off demo is running ${realOrg ? 'against your Genesys Cloud org' : 'on the local Genesys emulator'}.

  customer page      ${SITE_ORIGIN}/
  agent console      ${consoleUrl ?? '(your Genesys Cloud agent desktop)'}

${backend.lines.join('\n')}
  watsonx embed      ${SITE_ORIGIN}/watsonx-embed.html

Ctrl+C stops everything.
`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping...`);
    // A stuck close must not keep the terminal hostage.
    setTimeout(() => process.exit(1), 5000).unref();
    void Promise.allSettled([vite?.close(), backend.close()]).then(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e: unknown) => {
  const message = e instanceof Error ? e.message : String(e);
  const inUse = (e as NodeJS.ErrnoException).code === 'EADDRINUSE' || /EADDRINUSE|already in use/.test(message);
  console.error(
    `pnpm dev failed to start: ${message}${inUse ? '\nA port is taken: is another `pnpm dev` (or `pnpm emulator`) running? DEMO_PORT, PORT, AUTH_PORT and EMULATOR_PORT move the servers.' : ''}`,
  );
  process.exit(1);
});
