/**
 * The emulator and the real middleware on loopback (the client tests' `startStack`), run as a child process by the
 * client benchmarks so that their memory and handles stay out of the measured process. Prints one JSON line with the
 * addresses, then runs until its stdin closes (the parent exited) or at most 10 minutes.
 */
import { startStack } from 'genesys-handoff-servicedesk/test-helpers';

export interface StackAddresses {
  emulatorUrl: string;
  controlUrl: string;
  middlewareUrl: string;
  agentIds: string[];
  pid: number;
}

async function main(): Promise<void> {
  const stack = await startStack();
  const addresses: StackAddresses = {
    emulatorUrl: stack.emu.url,
    controlUrl: stack.emu.controlUrl,
    middlewareUrl: stack.middlewareUrl,
    agentIds: [...stack.emu.engine.agents.keys()],
    pid: process.pid,
  };
  process.stdout.write(`${JSON.stringify(addresses)}\n`);
  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
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
