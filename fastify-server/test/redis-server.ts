import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect, createServer } from 'node:net';

/**
 * A real Redis for tests: Debian's `redis-server` (installed by `.ci/run` when missing) on a free loopback port, no
 * persistence. It can be stopped and started again on the same port, and frozen (SIGSTOP) to play a Redis that
 * accepts connections and never answers.
 */
export interface TestRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  running(): boolean;
  freeze(): void;
  thaw(): void;
}

export const REDIS_SERVER = process.env['REDIS_SERVER'] ?? '/usr/bin/redis-server';

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
    s.on('error', fail);
  });
}

export async function startRedis(): Promise<TestRedis> {
  if (!existsSync(REDIS_SERVER))
    throw new Error(`${REDIS_SERVER} is missing: install it (apt-get install redis-server), as .ci/run does`);
  const port = await freePort();
  let child: ChildProcess | undefined;

  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  const start = () =>
    new Promise<void>((ok, fail) => {
      if (running()) return ok();
      const c = spawn(
        REDIS_SERVER,
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child = c;
      let output = '';
      const timer = setTimeout(() => fail(new Error(`redis-server did not start: ${output}`)), 10_000);
      const ready = () => {
        clearTimeout(timer);
        ok();
      };
      // With --loglevel warning the server prints nothing when ready: ask it.
      const poll = setInterval(() => {
        const socket = connect(port, '127.0.0.1');
        socket.once('connect', () => socket.write('PING\r\n'));
        socket.once('data', (d) => {
          socket.destroy();
          if (!d.toString().startsWith('+PONG')) return;
          clearInterval(poll);
          ready();
        });
        socket.once('error', () => socket.destroy());
      }, 20);
      c.stdout?.on('data', (d: Buffer) => (output += d.toString()));
      c.stderr?.on('data', (d: Buffer) => (output += d.toString()));
      c.once('exit', (code) => {
        clearInterval(poll);
        clearTimeout(timer);
        if (code !== 0 && code !== null) fail(new Error(`redis-server exited ${code}: ${output}`));
      });
    });

  const stop = () =>
    new Promise<void>((ok) => {
      const c = child;
      if (!c || !running()) return ok();
      c.kill('SIGCONT');
      c.once('exit', () => ok());
      c.kill('SIGKILL');
    });

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    start,
    running,
    freeze: () => child?.kill('SIGSTOP'),
    thaw: () => child?.kill('SIGCONT'),
  };
}
