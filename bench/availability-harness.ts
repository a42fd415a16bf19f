/**
 * What the /availability benchmarks share (bench/availability.ts, bench/availability-scale.ts): the image's runtime
 * options, free ports, child servers that are always stopped, autocannon in its own process, CPU per request.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { DEMO } from 'genesys-handoff-emulator';
import { imageRuntime } from 'genesys-handoff-server/image';

export const ROOT = resolve(__dirname, '..');
export const SERVER_DIR = join(ROOT, 'fastify-server');
export const AUTOCANNON = join(SERVER_DIR, 'node_modules', 'autocannon', 'autocannon.js');
export const BODY = JSON.stringify({ queue_name: DEMO.queueName });
export const OBSERVATIONS = 'POST /api/v2/analytics/queues/observations/query';
export const WAIT_TIME = 'GET /api/v2/routing/queues/:queueId/estimatedwaittime';

/**
 * The container image's NODE_OPTIONS and the node flags of its CMD (fastify-server/Dockerfile), given to every server
 * so that all run as the middleware ships.
 */
export const IMAGE = imageRuntime(join(SERVER_DIR, 'Dockerfile'));
export const IMAGE_NODE_OPTIONS = IMAGE.nodeOptions;
export const IMAGE_NODE_FLAGS = IMAGE.command.slice(1).filter((a) => a.startsWith('--'));

export interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  '2xx': number;
}

export const children: ChildProcess[] = [];

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
    s.on('error', fail);
  });
}

export async function waitFor(url: string, init: RequestInit = {}, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (
      await fetch(url, init).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up in ${timeoutMs} ms`);
}

export function start(command: string, args: string[], env: Record<string, string> = {}, cwd = ROOT): ChildProcess {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, NODE_OPTIONS: IMAGE_NODE_OPTIONS, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return child;
}

export function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((ok) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      ok();
    });
    child.kill('SIGTERM');
  });
}

/** autocannon in a separate process, JSON result. */
export function cannon(url: string, args: string[]): Promise<CannonResult> {
  return new Promise((ok, fail) => {
    const child = spawn(
      process.execPath,
      [AUTOCANNON, '--json', '-m', 'POST', '-H', 'content-type=application/json', '-b', BODY, ...args, url],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    children.push(child);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      if (code !== 0) return fail(new Error(`autocannon exited ${code}`));
      try {
        ok(JSON.parse(out.trim().split('\n').pop() ?? '') as CannonResult);
      } catch (e) {
        fail(e as Error);
      }
    });
  });
}

/** The most timestamps (ms) in any window of `windowMs`. */
export function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((x, y) => x - y);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i += 1) {
    while ((sorted[i] ?? 0) - (sorted[j] ?? 0) >= windowMs) j += 1;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/**
 * CPU time (user + system, ms) a process has used, from /proc (Linux). Server CPU per request does not depend on
 * how much of the shared cores the load generator takes, so it complements the requests/s ratio.
 */
export function cpuMs(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

/** Runs autocannon against a server process and measures that process's CPU per completed request (µs). */
export type Run = CannonResult & { cpuUsPerRequest: number | null };
export async function measured(url: string, pid: number | undefined, args: string[]): Promise<Run> {
  const before = cpuMs(pid);
  const result = await cannon(url, args);
  const after = cpuMs(pid);
  const done = result['2xx'] + result.non2xx;
  return {
    ...result,
    cpuUsPerRequest:
      before === null || after === null || done === 0 ? null : round(((after - before) * 1000) / done, 1),
  };
}
export const round = (n: number, d = 0) => Math.round(n * 10 ** d) / 10 ** d;

/** Puts `section` (which starts with `heading`) into BENCHMARKS.md in place of the section of that heading, or at the end. */
export function writeBenchmarkSection(heading: string, section: string): void {
  const file = join(ROOT, 'BENCHMARKS.md');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const at = current.indexOf(heading);
  let next: string;
  if (at === -1) next = `${current.trimEnd()}\n\n${section}`;
  else {
    const after = current.indexOf('\n## ', at + 1);
    next = `${current.slice(0, at)}${section}${after === -1 ? '' : `\n${current.slice(after + 1)}`}`;
  }
  writeFileSync(file, next.endsWith('\n') ? next : `${next}\n`);
}

/** Runs a benchmark's main with a 10-minute guard; every child process is killed if it fails or runs over. */
export function runBenchmark(main: () => Promise<void>): void {
  const guard = setTimeout(() => {
    console.error('benchmark took longer than 10 minutes; stopping');
    for (const c of children) c.kill('SIGKILL');
    process.exit(2);
  }, 10 * 60_000);
  guard.unref();
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      for (const c of children) c.kill('SIGKILL');
      process.exit(1);
    },
  );
}
