import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { startMiddleware } from '../../../scripts/local-stack';
import { callControl, startEmulator, type EmulatorOptions, type RunningEmulator } from 'genesys-handoff-emulator';
import { createGenesysServiceDeskFactory, type GenesysServiceDeskOptions } from '../src/guest-chat';
import { RecordingCallback } from './recording-callback';
import type { GenesysServiceDesk } from '../src/service-desk/genesys-service-desk';

/**
 * The whole stack on loopback for integration tests: the Genesys emulator, the real middleware (fastify-server)
 * pointed at it, and service desks built by the public factory with `ws` as the WebSocket.
 */

export const IDENTITY_SECRET = 'integration-tests-identity-secret-0123456789';
export const IDENTITY = { issuer: 'https://shop.example', audience: 'genesys-chat' };

export interface Stack {
  emu: RunningEmulator;
  middlewareUrl: string;
  close(): Promise<void>;
}

export async function startStack(
  emulatorOptions: EmulatorOptions = {},
  env: Record<string, string> = {},
): Promise<Stack> {
  const emu = await startEmulator({ port: 0, ...emulatorOptions });
  const { app, url: middlewareUrl } = await startMiddleware(
    {
      ORGANIZATION_ID: emu.options.organizationId,
      DEPLOYMENT_ID: emu.options.deployments[0]!.id,
      // A web chat deployment: guest chat, unless a test names the channel and a Messenger deployment.
      GENESYS_CHANNEL: 'guest-chat',
      QUEUE_TARGET: emu.options.queues[0]!.name,
      GENESYS_CLIENT_ID: emu.options.oauthClients[0]!.clientId,
      GENESYS_CLIENT_SECRET: emu.options.oauthClients[0]!.clientSecret,
      GENESYS_API_BASE_URL: emu.url,
      ALLOWED_ORIGINS: 'http://127.0.0.1',
      IDENTITY_JWT_SECRET: IDENTITY_SECRET,
      IDENTITY_JWT_ISSUER: IDENTITY.issuer,
      IDENTITY_JWT_AUDIENCE: IDENTITY.audience,
      AVAILABILITY_REFRESH_INTERVAL_MS: '50',
      RATE_LIMIT_MAX: '100000',
      LOG_LEVEL: 'silent',
      ...env,
    },
    0,
  );
  return {
    emu,
    middlewareUrl,
    close: async () => {
      // The stack is torn down: end the middleware's remaining connections too (a keep-alive connection caught
      // between a response and idle would otherwise hold close() for the 72 s keep-alive timeout).
      const closing = app.close();
      app.server.closeAllConnections();
      await closing;
      await emu.close();
    },
  };
}

export { RecordingCallback, historyText, type HistoryItem } from './recording-callback';
export { connectMessage } from './connect-message';

export interface DeskUnderTest {
  desk: GenesysServiceDesk;
  cb: RecordingCallback;
  name: string;
  /** The simulated page's window (its `pageEvents`): where `pagehide` and `visibilitychange` are dispatched. */
  page: EventTarget;
}

/**
 * The page goes away without ending the chat (a reload, a navigation): the browser fires `pagehide`, then the page's
 * sockets and timers die with it.
 */
export function leavePage(d: DeskUnderTest): void {
  d.page.dispatchEvent(new Event('pagehide'));
  (d.desk as unknown as { disposeChat(): void }).disposeChat();
}

/** A service desk from the public factory, for one simulated page. */
export async function makeDesk(
  stack: Stack,
  options: Partial<GenesysServiceDeskOptions> = {},
  cb = new RecordingCallback(),
  instance?: unknown,
): Promise<DeskUnderTest> {
  const name =
    options.userProfile && typeof options.userProfile === 'object' && options.userProfile.displayName
      ? options.userProfile.displayName
      : `Guest ${randomUUID().slice(0, 8)}`;
  const page = new EventTarget();
  const factory = createGenesysServiceDeskFactory({
    serverBaseUrl: stack.middlewareUrl,
    pageEvents: page,
    webSocketCtor: WebSocket as unknown as NonNullable<GenesysServiceDeskOptions['webSocketCtor']>,
    host: 'carbon',
    availability: true,
    availabilityRefreshMs: 100,
    userProfile: { displayName: name },
    backoff: { initialMs: 50, maxMs: 200 },
    ...options,
  });
  const desk = await factory({ callback: cb, instance });
  return { desk, cb, name, page };
}

/** The emulator's view of the chat the given guest is in. */
export async function chatOf(
  stack: Stack,
  guestName: string,
): Promise<{
  id: string;
  state: string;
  endReason: string | null;
  guest: { memberId: string; customFields: Record<string, string>; authenticatedGuest: boolean };
}> {
  const res = await fetch(`${stack.emu.controlUrl}/chats`);
  const body = (await res.json()) as {
    entities: Array<{
      id: string;
      state: string;
      endReason: string | null;
      guest: {
        displayName: string;
        memberId: string;
        customFields: Record<string, string>;
        authenticatedGuest: boolean;
      };
    }>;
  };
  const found = body.entities.filter((c) => c.guest.displayName === guestName).pop();
  if (!found) throw new Error(`no chat for ${guestName}`);
  return found;
}

export function control<T = unknown>(stack: Stack, method: string, path: string, body?: unknown): Promise<T> {
  return callControl<T>(stack.emu.controlUrl, method, path, body);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls until `check` passes (for effects that show on the emulator side). */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(20);
  }
}

/**
 * The customer types at each of `moments` (ms after the first call's clock), with the page's clock (`Date.now`) set
 * to each in turn, then `check`s; the real clock is back afterwards. Typing is throttled on that clock.
 */
export async function typeAt(
  desk: Pick<GenesysServiceDesk, 'userTyping'>,
  steps: Array<{ moments: number[]; check: () => Promise<void> | void }>,
): Promise<void> {
  const t0 = Date.now();
  const now = jest.spyOn(Date, 'now');
  try {
    for (const { moments, check } of steps) {
      for (const m of moments) {
        now.mockReturnValue(t0 + m);
        await desk.userTyping(true);
      }
      await check();
    }
  } finally {
    now.mockRestore();
  }
}
