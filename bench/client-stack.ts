import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT } from './client-report';
import type { StackAddresses } from './client-stack-server';

/** The emulator + middleware in a child process (see `client-stack-server.ts`), and the emulator's control API. */
export interface ChildStack extends StackAddresses {
  child: ChildProcess;
  control<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

export async function startChildStack(): Promise<ChildStack> {
  // The same Node and the same TypeScript loader (tsx) as this process, without --expose-gc or profiling flags.
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--expose-gc') && !a.startsWith('--cpu-prof'));
  const child = spawn(process.execPath, [...execArgv, join(ROOT, 'bench/client-stack-server.ts')], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error('the stack did not start within 60 s')), 60_000);
    rl.once('line', (l) => {
      clearTimeout(timer);
      rl.close();
      resolve(l);
    });
    child.once('exit', (code) => reject(new Error(`the stack exited with ${code}`)));
  });
  const addresses = JSON.parse(line) as StackAddresses;
  return {
    ...addresses,
    child,
    control: (method, path, body) => control(addresses.controlUrl, method, path, body),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.stdin!.end();
      }),
  };
}

/**
 * A control API call over a connection of its own (no keep-alive pool), so that the benchmark's own traffic leaves
 * no socket behind that could be taken for the client's.
 */
export function control<T = unknown>(controlUrl: string, method: string, path: string, body?: unknown): Promise<T> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise<T>((resolve, reject) => {
    const req = request(
      `${controlUrl}${path}`,
      {
        method,
        agent: false,
        headers: {
          connection: 'close',
          ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 500) >= 400)
            return reject(new Error(`control ${method} ${path}: ${res.statusCode} ${text}`));
          resolve((text ? JSON.parse(text) : undefined) as T);
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** The conversation at the emulator of the chat a desk persisted (guest chat keeps its id; Web Messaging its token). */
export async function conversationOf(stack: ChildStack, persisted: Record<string, unknown>): Promise<string> {
  const saved = persisted['genesysChat'] as { conversationId?: string; token?: string } | null | undefined;
  if (saved?.conversationId) return saved.conversationId;
  if (!saved?.token) throw new Error('no chat persisted');
  const s = await stack.control<{ conversationId: string | null }>('GET', `/messaging/sessions/${saved.token}`);
  if (!s.conversationId) throw new Error('the Web Messaging session has no conversation');
  return s.conversationId;
}
