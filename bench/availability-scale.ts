/**
 * Benchmark of POST /availability over several middleware instances sharing Redis (issue #18). Run from the
 * repository root: `pnpm bench:availability:scale`.
 *
 * On loopback: the emulator (in this process), a real redis-server, the bare node:http server of
 * bench/availability.ts, and 1, 2 and 4 middleware processes started with the image's command (children). Phases
 * of `PHASE_SECONDS` each, load from autocannon's CLI (one process per instance, the connections split between them):
 *   - bare server; one instance without Redis; one instance with Redis (throughput and p99, Redis off / on);
 *   - 2 and 4 instances with Redis, load spread over all: upstream observations + wait-time calls per minute for the
 *     queue (emulator request log), aggregate and per-instance requests/s.
 * Results go to stdout and to BENCHMARKS.md ("Middleware: several instances"). Every child is stopped at the end.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { emulatorMiddlewareEnv, startEmulator } from 'genesys-handoff-emulator';
import { startRedis } from 'genesys-handoff-server/redis-server';
import {
  IMAGE,
  IMAGE_NODE_FLAGS,
  OBSERVATIONS,
  ROOT,
  SERVER_DIR,
  WAIT_TIME,
  BODY,
  cannon,
  children,
  freePort,
  round,
  start,
  stop,
  waitFor,
  type CannonResult,
  runBenchmark,
  writeBenchmarkSection,
} from './availability-harness';

// At least a minute: the upstream figure is a count over the phase, and a fill's two calls come together.
const PHASE_SECONDS = Number(process.env['BENCH_PHASE_SECONDS'] ?? 60);
const CONNECTIONS = 100;

interface Phase {
  name: string;
  instances: number;
  redis: boolean;
  rps: number;
  perInstanceRps: number;
  p50: number;
  p99: number;
  non2xx: number;
  dataCallsPerMinute: number | null;
}

async function main(): Promise<void> {
  console.log('building the middleware (production build)...');
  execFileSync('pnpm', ['--filter', 'genesys-handoff-server', 'build'], { cwd: ROOT, stdio: 'ignore' });
  const emu = await startEmulator({ port: 0 });
  const redis = await startRedis();
  const [node, ...imageArgs] = IMAGE.command;
  if (node !== 'node') throw new Error(`the image's CMD does not start with node: ${IMAGE.command.join(' ')}`);
  const phases: Phase[] = [];
  try {
    const middleware = async (redisOn: boolean, prefix: string): Promise<{ url: string; child: ChildProcess }> => {
      const port = await freePort();
      const child = start(
        process.execPath,
        imageArgs,
        {
          ...emulatorMiddlewareEnv(emu),
          HOST: '127.0.0.1',
          PORT: String(port),
          RATE_LIMIT_MAX: '1000000000',
          LOG_LEVEL: 'warn',
          NODE_ENV: 'production',
          ...(redisOn ? { REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix } : {}),
        },
        SERVER_DIR,
      );
      // Generous: the instances start while others are under load on the same cores.
      await waitFor(`http://127.0.0.1:${port}/healthz`, {}, 60_000);
      return { url: `http://127.0.0.1:${port}/availability`, child };
    };

    /** Load over `urls` at once (connections split), after a 3 s warm-up; upstream calls counted during the phase. */
    const phase = async (name: string, urls: string[], redisOn: boolean, countUpstream: boolean) => {
      const per = Math.max(1, Math.floor(CONNECTIONS / urls.length));
      await Promise.all(urls.map((u) => cannon(u, ['-c', String(per), '-d', '3'])));
      emu.log.clear();
      console.log(`${name}: ${urls.length} × ${per} connections, ${PHASE_SECONDS} s...`);
      const results: CannonResult[] = await Promise.all(
        urls.map((u) => cannon(u, ['-c', String(per), '-d', String(PHASE_SECONDS)])),
      );
      const log = emu.log.query({ limit: 10_000 });
      const times = log.entries
        .filter((e) => e.endpoint === OBSERVATIONS || e.endpoint === WAIT_TIME)
        .map((e) => Date.parse(e.at));
      const rps = results.reduce((n, r) => n + r.requests.average, 0);
      phases.push({
        name,
        instances: urls.length,
        redis: redisOn,
        rps: round(rps),
        perInstanceRps: round(rps / urls.length),
        p50: Math.max(...results.map((r) => r.latency.p50)),
        p99: Math.max(...results.map((r) => r.latency.p99)),
        non2xx: results.reduce((n, r) => n + r.non2xx + r.errors, 0),
        dataCallsPerMinute: countUpstream ? callsPerMinute(times) : null,
      });
    };

    // The bare server answers the middleware's own answer.
    const probe = await middleware(false, 'probe:');
    const answer = await (
      await fetch(probe.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY })
    ).text();
    await stop(probe.child);
    const barePort = await freePort();
    const bare = start(process.execPath, [
      ...IMAGE_NODE_FLAGS,
      join(ROOT, 'bench', 'bare-server.cjs'),
      String(barePort),
      answer,
    ]);
    const bareUrl = `http://127.0.0.1:${barePort}/availability`;
    await waitFor(bareUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY });
    await phase('bare node:http', [bareUrl], false, false);
    await stop(bare);

    const solo = await middleware(false, 'solo:');
    await phase('1 instance, Redis off', [solo.url], false, true);
    await stop(solo.child);

    for (const count of [1, 2, 4]) {
      const fleet = await Promise.all(Array.from({ length: count }, () => middleware(true, `bench-${count}:`)));
      await phase(
        `${count} instance${count > 1 ? 's' : ''}, Redis on`,
        fleet.map((f) => f.url),
        true,
        true,
      );
      await Promise.all(fleet.map((f) => stop(f.child)));
    }
    console.log(JSON.stringify(phases, null, 2));
    writeReport(phases);
    console.log('BENCHMARKS.md updated.');
  } finally {
    await Promise.all(children.map(stop));
    await redis.stop();
    await emu.close();
  }
}

function callsPerMinute(times: number[]): number {
  return round((times.length * 60) / PHASE_SECONDS, 1);
}

function writeReport(phases: Phase[]): void {
  const bare = phases[0]?.rps ?? 1;
  const rows = phases
    .map(
      (p) =>
        `| ${p.name} | ${p.rps} | ${p.perInstanceRps} | ${round(p.perInstanceRps / bare, 2)} | ${p.p50} ms | ${p.p99} ms | ${p.non2xx} | ${p.dataCallsPerMinute ?? '–'} |`,
    )
    .join('\n');
  const section = `## Middleware: several instances (Redis)

Command (repository root): \`pnpm bench:availability:scale\`. Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown'},
${round(totalmem() / 2 ** 30, 1)} GiB; Node ${process.version}; run ${new Date().toISOString()}. On loopback: the emulator, a
real \`redis-server\`, the bare \`node:http\` server of \`bench/availability.ts\` and middleware processes started with
the image's command (\`${IMAGE.command.join(' ')}\`, \`LOG_LEVEL=warn\`, per-address limit lifted). Each phase: a 3 s
warm-up, then ${PHASE_SECONDS} s of unthrottled load from autocannon, ${CONNECTIONS} connections split over the instances
(one autocannon process per instance). All instances, Redis, the emulator and the load generator share the same
${cpus().length} cores, so the aggregate cannot grow with the instance count here; what matters is the upstream rate
(the same whatever the count) and each instance's cost.

| phase | req/s, all instances | req/s per instance | per instance / bare | p50 (worst instance) | p99 (worst instance) | non-2xx / errors | upstream calls per minute for the queue |
|---|---:|---:|---:|---:|---:|---:|---:|
${rows}

Upstream calls are the observations and wait-time requests the emulator logged during the phase, per minute (their
count over the phase) (target: at most 12 per minute per queue, whatever the instance count). With Redis every request also costs
one rate-limit round trip to Redis (\`@fastify/rate-limit\`'s Redis store); the availability snapshot is synchronised
once per refresh interval per instance, not per request.
`;
  writeBenchmarkSection('## Middleware: several instances (Redis)', section);
}

runBenchmark(main);
