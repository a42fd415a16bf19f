// Runs the package scripts named on the command line at the same time (`pnpm run <name>` each), for checks that are
// single-threaded and independent (ESLint and Prettier, the type check): together they take as long as the slowest.
// Each one's output is printed whole when it ends, so two never interleave; the exit code is the first failure's.
import { spawn } from 'node:child_process';

const names = process.argv.slice(2);
if (names.length === 0) {
  console.error('usage: node scripts/run-together.mjs <script> [<script> ...] (names of package.json scripts)');
  process.exit(2);
}

const runs = names.map((name) =>
  new Promise((resolve) => {
    const child = spawn('pnpm', ['run', '--silent', name], { stdio: ['ignore', 'pipe', 'pipe'] });
    const output = [];
    child.stdout.on('data', (d) => output.push(d));
    child.stderr.on('data', (d) => output.push(d));
    child.on('error', (e) => resolve({ name, code: 1, output: [Buffer.from(`${e.message}\n`)] }));
    child.on('close', (code, signal) => resolve({ name, code: code ?? (signal ? 1 : 0), output }));
  }).then((r) => {
    process.stdout.write(Buffer.concat(r.output));
    console.log(`${r.code === 0 ? 'done' : `FAILED (exit ${r.code})`}: pnpm run ${r.name}`);
    return r.code;
  }),
);

const codes = await Promise.all(runs);
process.exitCode = codes.find((c) => c !== 0) ?? 0;
