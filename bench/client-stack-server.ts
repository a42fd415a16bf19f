/**
 * The emulator and the real middleware on loopback (the client tests' `startStack`), run as a child process by the
 * client benchmarks so that their memory and handles stay out of the measured process. Prints one JSON line with the
 * addresses, then runs until its stdin closes (the parent exited) or at most 10 minutes.
 */
import { DEMO, emulatorMiddlewareEnv } from 'genesys-handoff-emulator';
import { startStack } from 'genesys-handoff-servicedesk/test-helpers';
import { startMiddleware } from '../scripts/local-stack';

export interface StackAddresses {
  emulatorUrl: string;
  controlUrl: string;
  /** The middleware of a web chat deployment (guest chat). */
  middlewareUrl: string;
  /** A second middleware, of the emulator's Messenger deployment (Web Messaging). */
  wmMiddlewareUrl: string;
  agentIds: string[];
  pid: number;
}

async function main(): Promise<void> {
  const stack = await startStack();
  const wm = await startMiddleware(
    {
      ...emulatorMiddlewareEnv(stack.emu, DEMO.messengerDeploymentId),
      GENESYS_MEDIA_TYPE: 'message',
      ALLOWED_ORIGINS: 'http://127.0.0.1',
      RATE_LIMIT_MAX: '100000',
      LOG_LEVEL: 'silent',
    },
    0,
  );
  const addresses: StackAddresses = {
    emulatorUrl: stack.emu.url,
    controlUrl: stack.emu.controlUrl,
    middlewareUrl: stack.middlewareUrl,
    wmMiddlewareUrl: wm.url,
    agentIds: [...stack.emu.engine.agents.keys()],
    pid: process.pid,
  };
  process.stdout.write(`${JSON.stringify(addresses)}\n`);
  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    await wm.app.close().catch(() => undefined);
    await stack.close().catch(() => undefined);
    process.exit(0);
  };
  process.stdin.on('end', () => void close());
  process.stdin.on('close', () => void close());
  process.stdin.resume();
  process.on('SIGTERM', () => void close());
  setTimeout(() => void close(), 10 * 60_000).unref();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
