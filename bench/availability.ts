/**
 * Benchmark of POST /availability (issue #5). Run from the repository root: `pnpm bench:availability`.
 *
 * Starts, all on loopback: the Genesys emulator (in this process), the middleware's production build started with
 * the container image's command (its CMD and NODE_OPTIONS, read from fastify-server/Dockerfile; a child process), a
 * bare node:http server answering the same cached JSON and Fastify alone answering it (children too). Load comes
 * from autocannon's CLI in its own process.
 *   (a) 1,000 connections, 2,000 requests/s in total, 30 s: upstream calls per minute (emulator request log),
 *       p50/p99 latency.
 *   (b) 100 connections, unthrottled, 10 s runs alternating bare / Fastify alone / middleware / the middleware started
 *       as plain `node dist/server.js` (after the same cold start under load, against an emulator of its own), five
 *       times: median requests/s of each, their ratio to bare, server CPU per request.
 * Results go to stdout and to BENCHMARKS.md ("Middleware: /availability"). Bounded: every child is killed at the end.
 */
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { emulatorMiddlewareEnv, startEmulator } from 'genesys-handoff-emulator';
import {
  BODY,
  IMAGE,
  IMAGE_NODE_FLAGS,
  IMAGE_NODE_OPTIONS,
  OBSERVATIONS,
  ROOT,
  SERVER_DIR,
  WAIT_TIME,
  cannon,
  children,
  freePort,
  maxInWindow,
  measured,
  median,
  round,
  start,
  stop,
  waitFor,
  type Run,
  runBenchmark,
  writeBenchmarkSection,
} from './availability-harness';

const A = { connections: 1000, overallRate: 2000, seconds: 30 };
const B = { connections: 100, seconds: 10, rounds: 5 };

async function main(): Promise<void> {
  console.log('building the middleware (production build)...');
  execFileSync('pnpm', ['--filter', 'genesys-handoff-server', 'build'], { cwd: ROOT, stdio: 'ignore' });

  const emu = await startEmulator({ port: 0 });
  const mwPort = await freePort();
  const barePort = await freePort();
  const fastifyPort = await freePort();
  const [node, ...imageArgs] = IMAGE.command;
  const middlewareEnv = (e: Parameters<typeof emulatorMiddlewareEnv>[0], port: number) => ({
    ...emulatorMiddlewareEnv(e),
    HOST: '127.0.0.1',
    PORT: String(port),
    // All load comes from one loopback address: lift the per-address limit (the limiter still runs).
    RATE_LIMIT_MAX: '1000000000',
    // Request log lines at info would measure stdout, not the server.
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  });
  if (node !== 'node') throw new Error(`the image's CMD does not start with node: ${IMAGE.command.join(' ')}`);
  const middleware = start(process.execPath, imageArgs, middlewareEnv(emu, mwPort), SERVER_DIR);
  let emu2: Awaited<ReturnType<typeof startEmulator>> | undefined;
  const mwUrl = `http://127.0.0.1:${mwPort}/availability`;
  try {
    await waitFor(`http://127.0.0.1:${mwPort}/healthz`);
    emu.log.clear();

    // ---- (a) fixed rate, many connections, from a cold cache
    console.log(`(a) ${A.connections} connections, ${A.overallRate} req/s for ${A.seconds} s...`);
    const aArgs = ['-c', String(A.connections), '-R', String(A.overallRate), '-d', String(A.seconds)];
    const a = await cannon(mwUrl, aArgs);
    const aLog = emu.log.query({ limit: 10_000 });
    const aCounts = aLog.counts;
    const aData = (aCounts[OBSERVATIONS] ?? 0) + (aCounts[WAIT_TIME] ?? 0);
    // Rate from the spacing of the calls (the cold fill's two calls count as two): a count over a 30 s window
    // depends on whether a 5 s tick falls just inside or just outside it.
    const aTimes = aLog.entries
      .filter((e) => e.endpoint === OBSERVATIONS || e.endpoint === WAIT_TIME)
      .map((e) => Date.parse(e.at));
    const aSpan = aTimes.length > 1 ? (Math.max(...aTimes) - Math.min(...aTimes)) / 1000 : 0;
    const aPerMinute = aTimes.length > 1 && aSpan > 0 ? ((aTimes.length - 1) * 60) / aSpan : aData;
    const aMaxIn60s = maxInWindow(aTimes, 60_000);

    // The bare server answers the middleware's own answer.
    const answer = await (
      await fetch(mwUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY })
    ).text();
    const bare = start(process.execPath, [
      ...IMAGE_NODE_FLAGS,
      join(ROOT, 'bench', 'bare-server.cjs'),
      String(barePort),
      answer,
    ]);
    const bareUrl = `http://127.0.0.1:${barePort}/availability`;
    await new Promise((r) => setTimeout(r, 500));
    // Same load on the bare server: how much of (a)'s latency is the load generator's 1,000 connections.
    console.log('(a) the same load on the bare server, for reference...');
    const aBare = await cannon(bareUrl, aArgs);

    // Fastify alone (no plugins) answering the same JSON: how much of the gap is Fastify, how much our plugins.
    const fastify = start(
      process.execPath,
      [...IMAGE_NODE_FLAGS, join(ROOT, 'bench', 'bare-fastify.cjs'), String(fastifyPort), answer],
      {},
      SERVER_DIR,
    );
    const fastifyUrl = `http://127.0.0.1:${fastifyPort}/availability`;
    await waitFor(fastifyUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY });

    // The middleware as the image ran it before the V8 flags of its CMD (plain `node dist/server.js`), against an
    // emulator of its own so that (b)'s upstream counts stay the shipped middleware's, after the same cold start
    // under (a)'s load (shorter): what the flags change, side by side.
    emu2 = await startEmulator({ port: 0 });
    const plainPort = await freePort();
    const plain = start(process.execPath, ['dist/server.js'], middlewareEnv(emu2, plainPort), SERVER_DIR);
    const plainUrl = `http://127.0.0.1:${plainPort}/availability`;
    await waitFor(`http://127.0.0.1:${plainPort}/healthz`);
    console.log("the middleware without the image's V8 flags: the same cold start under (a)'s load, 10 s...");
    await cannon(plainUrl, ['-c', String(A.connections), '-R', String(A.overallRate), '-d', '10']);

    // ---- (b) unthrottled, bare server vs middleware (and Fastify alone and the flag-less middleware, for
    // reference), alternating (after an unmeasured warm-up of each, so that none is measured while the JIT is still
    // compiling its hot path)
    for (const url of [bareUrl, fastifyUrl, mwUrl, plainUrl])
      await cannon(url, ['-c', String(B.connections), '-d', '3']);
    const bareRuns: Run[] = [];
    const fastifyRuns: Run[] = [];
    const mwRuns: Run[] = [];
    const plainRuns: Run[] = [];
    emu.log.clear();
    const bStarted = Date.now();
    const bArgs = ['-c', String(B.connections), '-d', String(B.seconds)];
    for (let i = 0; i < B.rounds; i += 1) {
      console.log(
        `(b) round ${i + 1}/${B.rounds}: bare, Fastify alone, middleware, middleware without flags, ${B.connections} connections, ${B.seconds} s each...`,
      );
      bareRuns.push(await measured(bareUrl, bare.pid, bArgs));
      fastifyRuns.push(await measured(fastifyUrl, fastify.pid, bArgs));
      mwRuns.push(await measured(mwUrl, middleware.pid, bArgs));
      plainRuns.push(await measured(plainUrl, plain.pid, bArgs));
    }
    const bCounts = emu.log.query().counts;
    const bData = (bCounts[OBSERVATIONS] ?? 0) + (bCounts[WAIT_TIME] ?? 0);
    const bSeconds = (Date.now() - bStarted) / 1000;
    await stop(bare);
    await stop(fastify);
    await stop(plain);

    const bareRps = median(bareRuns.map((r) => r.requests.average));
    const mwRps = median(mwRuns.map((r) => r.requests.average));
    const ratio = mwRps / bareRps;
    const results = {
      date: new Date().toISOString(),
      node: process.version,
      cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
      memoryGiB: round(totalmem() / 2 ** 30, 1),
      a: {
        requests: a.requests.total,
        ok: a['2xx'],
        non2xx: a.non2xx,
        errors: a.errors,
        timeouts: a.timeouts,
        rps: round(a.requests.average),
        p50: a.latency.p50,
        p99: a.latency.p99,
        upstream: aCounts,
        dataCalls: aData,
        dataCallsSpanSeconds: round(aSpan, 1),
        dataCallsPerMinute: round(aPerMinute, 1),
        dataCallsMaxIn60s: aMaxIn60s,
        bareP50: aBare.latency.p50,
        bareP99: aBare.latency.p99,
      },
      b: {
        bareRps: bareRuns.map((r) => round(r.requests.average)),
        fastifyRps: fastifyRuns.map((r) => round(r.requests.average)),
        medianFastify: round(median(fastifyRuns.map((r) => r.requests.average))),
        fastifyCpuUs: median(fastifyRuns.map((r) => r.cpuUsPerRequest ?? 0)),
        middlewareRps: mwRuns.map((r) => round(r.requests.average)),
        plainRps: plainRuns.map((r) => round(r.requests.average)),
        medianPlain: round(median(plainRuns.map((r) => r.requests.average))),
        plainCpuUs: median(plainRuns.map((r) => r.cpuUsPerRequest ?? 0)),
        middlewareNon2xx: mwRuns.reduce((n, r) => n + r.non2xx + r.errors, 0),
        medianBare: round(bareRps),
        medianMiddleware: round(mwRps),
        ratio: round(ratio, 2),
        bareCpuUs: median(bareRuns.map((r) => r.cpuUsPerRequest ?? 0)),
        middlewareCpuUs: median(mwRuns.map((r) => r.cpuUsPerRequest ?? 0)),
        middlewareP50: median(mwRuns.map((r) => r.latency.p50)),
        middlewareP99: median(mwRuns.map((r) => r.latency.p99)),
        dataCallsPerMinute: round((bData * 60) / bSeconds, 1),
      },
    };
    console.log(JSON.stringify(results, null, 2));
    writeReport(results);
    console.log('BENCHMARKS.md updated.');
  } finally {
    await Promise.all(children.map(stop));
    await emu.close();
    await emu2?.close();
  }
}

function writeReport(r: {
  date: string;
  node: string;
  cpus: string;
  memoryGiB: number;
  a: Record<string, unknown> & { upstream: Record<string, number> };
  b: Record<string, unknown>;
}): void {
  const a = r.a as typeof r.a & {
    requests: number;
    ok: number;
    non2xx: number;
    errors: number;
    timeouts: number;
    rps: number;
    p50: number;
    p99: number;
    dataCalls: number;
    dataCallsSpanSeconds: number;
    dataCallsPerMinute: number;
    dataCallsMaxIn60s: number;
    bareP50: number;
    bareP99: number;
  };
  const b = r.b as {
    bareRps: number[];
    fastifyRps: number[];
    medianFastify: number;
    fastifyCpuUs: number;
    middlewareRps: number[];
    plainRps: number[];
    medianPlain: number;
    plainCpuUs: number;
    middlewareNon2xx: number;
    medianBare: number;
    medianMiddleware: number;
    ratio: number;
    bareCpuUs: number;
    middlewareCpuUs: number;
    middlewareP50: number;
    middlewareP99: number;
    dataCallsPerMinute: number;
  };
  const upstream = Object.entries(a.upstream)
    .map(([k, v]) => `\`${k}\` ${v}`)
    .join(', ');
  const section = `## Middleware: /availability

Command (repository root): \`pnpm bench:availability\`. Machine: ${r.cpus}, ${r.memoryGiB} GiB;
Node ${r.node}; run ${r.date}. Everything on loopback: the Genesys emulator, the middleware's production build started
with the container image's command (\`${IMAGE.command.join(' ')}\`, \`LOG_LEVEL=warn\`, per-address rate limit lifted
because all load comes from one address) and a bare \`node:http\` server answering the same JSON; every server runs
with the image's \`NODE_OPTIONS=${IMAGE_NODE_OPTIONS}\` and node flags. Load from autocannon's CLI in a separate process.
Load generator, middleware and baseline share the same ${cpus().length} cores.

**(a) ${A.connections} connections, ${A.overallRate} requests/s in total, ${A.seconds} s, cold cache at the start**

| requests | 2xx | non-2xx / errors / timeouts | achieved req/s | p50 | p99 |
|---:|---:|---:|---:|---:|---:|
| ${a.requests} | ${a.ok} | ${a.non2xx} / ${a.errors} / ${a.timeouts} | ${a.rps} | ${a.p50} ms | ${a.p99} ms |

The same load against the bare server gives p50 ${a.bareP50} ms / p99 ${a.bareP99} ms: most of the latency above is the
load generator pacing ${A.connections} connections on a machine it shares, not the middleware.

Upstream calls during the run (emulator request log): ${upstream}.
Observations + wait-time calls for the one queue: **${a.dataCalls}** during the run (a cold fill of two, then one per
refresh interval), spread over ${a.dataCallsSpanSeconds} s: **${a.dataCallsPerMinute} per minute** from their spacing, and
${a.dataCallsMaxIn60s} in the busiest 60-second window (target: at most 12 per minute per queue), independent of the
${A.overallRate} req/s asked. The coalescing test (\`fastify-server/test/coalescing.test.ts\`) checks the same bound over a
simulated minute at 200 req/s.

**(b) ${B.connections} connections, unthrottled, ${B.seconds} s runs, the four servers alternated ${B.rounds} times (after a 3 s warm-up of each)**

| | runs (req/s) | median req/s | ratio to bare | server CPU per request (median) |
|---|---|---:|---:|---:|
| bare \`node:http\` | ${b.bareRps.join(', ')} | ${b.medianBare} | 1.00 | ${b.bareCpuUs} µs |
| Fastify alone (\`bench/bare-fastify.cjs\`: same schemas, logger, no plugins) | ${b.fastifyRps.join(', ')} | ${b.medianFastify} | ${round(b.medianFastify / b.medianBare, 2)} | ${b.fastifyCpuUs} µs |
| **middleware** (as shipped) | ${b.middlewareRps.join(', ')} | ${b.medianMiddleware} | **${b.ratio}** | ${b.middlewareCpuUs} µs |
| middleware started with plain \`node dist/server.js\` (before the image's V8 flag), after the same cold start under load | ${b.plainRps.join(', ')} | ${b.medianPlain} | ${round(b.medianPlain / b.medianBare, 2)} | ${b.plainCpuUs} µs |

Ratio middleware / bare: **${b.ratio}** (target: at least 0.5). Middleware p50 ${b.middlewareP50} ms, p99
${b.middlewareP99} ms (medians of the runs); non-2xx or errors: ${b.middlewareNon2xx}. Upstream observations + wait-time
calls during (b): ${b.dataCallsPerMinute} per minute.

Server CPU per request is the user + system time of the server process, all its threads, over each run. The
middleware's extra cost per request is what it does beyond the bare answer: Fastify itself with JSON parsing, schema
validation and a child logger (the Fastify-alone row), then CORS, the per-address rate limit, security headers, the
error handler, request ids and the cache lookup.

Why the last row: V8's allocation-site pretenuring. When many requests wait at the same time (the cold fill under
(a)'s 1,000 connections; in production a cold start under load or a slow upstream), V8 sees the objects of their
allocation sites survive collections and decides to allocate from those sites straight in the old generation, and the
server keeps that decision. From then on every request's garbage needs full collections and each scavenge takes 3 to
5 ms instead of 0.2 to 0.3 ms (\`node --trace-gc\`: the old generation grows about 2.5 MB per scavenge, 20 ms apart, then a
mark-compact every 0.7 s; 2026-12-01). Without (a) first, a plain start fell into that state in 3 of 6 runs; with
\`--no-allocation-site-pretenuring\`, in none of 6. The flag is a V8 option, which NODE_OPTIONS refuses, so it is on the
image's command line (and in \`pnpm start\`). In a CPU profile of the shipped middleware the rest is the kernel's
socket write (a bit more per answer than the bare server's: the security headers make the answer 616 bytes instead of
346) and Fastify's own work.

These figures move with whatever else runs on the machine: the bare server's own runs above spread by
${round((Math.max(...b.bareRps) / Math.min(...b.bareRps) - 1) * 100)} %. Compare runs made together, not single numbers.
`;
  writeBenchmarkSection('## Middleware: /availability', section);
}

runBenchmark(main);
