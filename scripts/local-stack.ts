import type { Channel } from 'genesys-handoff-servicedesk';
import type { AddressInfo } from 'node:net';
import { buildApp } from 'genesys-handoff-server/app';
import { loadConfig } from 'genesys-handoff-server/config';
import {
  DEMO,
  emulatorMiddlewareEnv,
  startEmulator,
  type EmulatorOptions,
  type RunningEmulator,
} from 'genesys-handoff-emulator';

type Middleware = Awaited<ReturnType<typeof buildApp>>;

/** The Genesys channel browser clients use (the middleware's `GENESYS_CHANNEL`): the client's own type. */
export type { Channel };

/**
 * The product without a Genesys org, in-process on loopback: the Genesys emulator (demo organisation) and the real
 * middleware pointed at it, twice: one instance per web chat deployment, because the deployment id is middleware
 * configuration (`GET /setup`) and the emulator's authenticated deployment requires a signed-in customer. Used by
 * `pnpm dev` (scripts/dev.ts) and the browser E2E tests (e2e/stack.ts).
 *
 * On Web Messaging the middlewares name the emulator's Messenger deployments and count waiting `message`
 * conversations for the queue figures; on guest chat, its web chat deployments and `chat` conversations.
 */

export interface LocalStackOptions {
  /** @default 'web-messaging' */
  channel?: Channel;
  /** @default 8787 (0: a free port) */
  emulatorPort?: number;
  emulator?: EmulatorOptions;
  /** Ports of the middleware for anonymous chats and the one for authenticated chats. @default [3000, 3001] (0: free ports) */
  middlewarePorts?: [number, number];
  /** The web page's origin, allowed to call the middlewares (CORS). */
  siteOrigin: string;
  /** What the site signs its identity tokens with; the authenticated middleware verifies them. */
  identity: { secret: string; issuer: string; audience: string };
  /** Extra middleware variables (both instances), e.g. `LOG_LEVEL`, `AVAILABILITY_REFRESH_INTERVAL_MS`. */
  middlewareEnv?: Record<string, string>;
}

export interface LocalStack {
  channel: Channel;
  emulator: RunningEmulator;
  /** Middleware with the normal deployment. */
  middlewareUrl: string;
  /** Middleware with the deployment that requires authentication. */
  authMiddlewareUrl: string;
  close(): Promise<void>;
}

/**
 * Builds and starts one middleware from variables, exactly as its server would (validated configuration), except
 * that closing it ends every connection at once: with Fastify's default ('idle'), a keep-alive connection caught
 * between a response and idle held close() for the 72 s keep-alive timeout (a test stack's teardown took 70 s under
 * load). The production server keeps the default, so that a graceful shutdown lets requests in flight finish.
 */
export async function startMiddleware(
  env: Record<string, string>,
  port: number,
): Promise<{ app: Middleware; url: string }> {
  const config = loadConfig({ dotenv: false, env: { PORT: String(port), HOST: '127.0.0.1', ...env } });
  const app = await buildApp(config, { serverOptions: { forceCloseConnections: true } });
  await app.listen({ host: config.server.host, port: config.server.port });
  return { app, url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const emulator = await startEmulator({
    port: options.emulatorPort ?? 8787,
    // Authenticated Web Messaging signs customers in with the site's own identity tokens (HS256, the demo login's).
    messengerIdentityProvider: {
      issuer: options.identity.issuer,
      audience: options.identity.audience,
      publicKeyJwk: { kty: 'oct', k: Buffer.from(options.identity.secret).toString('base64url'), alg: 'HS256' },
    },
    ...options.emulator,
  });
  const started: Middleware[] = [];
  try {
    const [port, authPort] = options.middlewarePorts ?? [3000, 3001];
    const common = {
      ALLOWED_ORIGINS: options.siteOrigin,
      IDENTITY_JWT_SECRET: options.identity.secret,
      IDENTITY_JWT_ISSUER: options.identity.issuer,
      IDENTITY_JWT_AUDIENCE: options.identity.audience,
      ...options.middlewareEnv,
    };
    const channel = options.channel ?? 'web-messaging';
    const [deployment, authDeployment] =
      channel === 'web-messaging'
        ? [DEMO.messengerDeploymentId, DEMO.messengerAuthDeploymentId]
        : [DEMO.deploymentId, DEMO.authDeploymentId];
    const channelEnv = {
      GENESYS_CHANNEL: channel,
      GENESYS_MEDIA_TYPE: channel === 'web-messaging' ? 'message' : 'chat',
    };
    const anonymous = await startMiddleware(
      { ...emulatorMiddlewareEnv(emulator, deployment), ...channelEnv, ...common },
      port,
    );
    started.push(anonymous.app);
    const authenticated = await startMiddleware(
      { ...emulatorMiddlewareEnv(emulator, authDeployment), ...channelEnv, ...common },
      authPort,
    );
    started.push(authenticated.app);
    return {
      channel,
      emulator,
      middlewareUrl: anonymous.url,
      authMiddlewareUrl: authenticated.url,
      close: async () => {
        await Promise.all(started.map((a) => a.close()));
        await emulator.close();
      },
    };
  } catch (e) {
    await Promise.all(started.map((a) => a.close()));
    await emulator.close();
    throw e;
  }
}
