/**
 * Runs the event-pipeline benchmark (`bench/client-pipeline.ts`) on the RxJS build the browser gets.
 *
 *   pnpm bench:client:pipeline
 *   BUILD_ONLY=1 tsx bench/client-pipeline-browser.ts    (bundle only, e.g. to profile the result with node --cpu-prof)
 *
 * Under Node, `import 'rxjs'` resolves to RxJS's CommonJS build, which is ES5 (tslib's `__values` iterators in every
 * `for...of`, prototype functions for classes). The browser builds (`servicedesk.bundle.js`, the demo) resolve its
 * ES2015 build (the `es2015` export condition, vite.config.ts). So the benchmark is bundled first, with Vite, for Node,
 * with RxJS taken from that ES2015 build and everything else as it is, then run with `node --expose-gc`. Running
 * `tsx --expose-gc bench/client-pipeline.ts` instead measures the client as Node resolves it.
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { build } from 'vite';

const ROOT = resolve(__dirname, '..');
const CLIENT = join(ROOT, 'packages/servicedesk');
// Under the client's folder, so that what stays external (the Genesys SDK, Node's modules) resolves as it does there.
const OUT = join(CLIENT, 'node_modules/.cache/bench-pipeline');

async function main(): Promise<void> {
  await build({
    configFile: false,
    logLevel: 'warn',
    root: ROOT,
    // RxJS's export map lists `node` before `es2015`: without `node` among the conditions, its ES2015 build is taken.
    ssr: { noExternal: [/rxjs/], resolve: { conditions: ['es2015', 'module', 'production'] } },
    // bench/client-report.ts finds the repository (and BENCHMARKS.md) from its own folder.
    define: { __dirname: JSON.stringify(join(ROOT, 'bench')) },
    build: {
      ssr: join(ROOT, 'bench/client-pipeline.ts'),
      outDir: OUT,
      emptyOutDir: true,
      minify: false,
      target: 'node20',
      rolldownOptions: { output: { format: 'cjs', entryFileNames: 'client-pipeline.cjs' } },
    },
  });
  if (process.env['BUILD_ONLY']) return;
  const run = spawnSync(process.execPath, ['--expose-gc', join(OUT, 'client-pipeline.cjs')], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_RXJS_BUILD: 'es2015' },
  });
  process.exit(run.status ?? 1);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
