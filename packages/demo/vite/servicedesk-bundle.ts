import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';

/**
 * Puts `servicedesk.bundle.js` (the IIFE for the hosted watsonx web chat) beside the demo pages, so
 * `watsonx-embed.html` loads it exactly as a customer's page would: emitted into the build output, and served by
 * the dev server. It is the root config's `vite build --mode bundle` of the current client source, run in its own
 * Node process (under tsx, as in `pnpm dev`, an in-process nested build resolves the SDK's browser entry instead of
 * the aliased ESM sources) into a temporary directory, so the package's own `dist/` is left alone.
 */
export function servicedeskBundle(options: { configFile: string; watchDir: string }): Plugin {
  const FILE = 'servicedesk.bundle.js';
  const vite = join(dirname(options.configFile), 'node_modules/vite/bin/vite.js');
  let cached: Promise<{ code: string; map: string | null }> | undefined;

  const bundle = () => {
    cached ??= new Promise((resolve, reject) => {
      const outDir = mkdtempSync(join(tmpdir(), 'servicedesk-bundle-'));
      const args = [
        vite,
        'build',
        '--config',
        options.configFile,
        '--mode',
        'bundle',
        '--outDir',
        outDir,
        '--emptyOutDir',
        '--logLevel',
        'warn',
      ];
      execFile(
        process.execPath,
        args,
        { cwd: dirname(options.configFile), env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' } },
        (error, stdout, stderr) => {
          try {
            if (error) return reject(new Error(`building ${FILE} failed: ${error.message}\n${stdout}\n${stderr}`));
            let map: string | null = null;
            try {
              map = readFileSync(join(outDir, `${FILE}.map`), 'utf8');
            } catch {
              // no source map: fine
            }
            resolve({ code: readFileSync(join(outDir, FILE), 'utf8'), map });
          } catch (e) {
            reject(e instanceof Error ? e : new Error(String(e)));
          } finally {
            rmSync(outDir, { recursive: true, force: true });
          }
        },
      );
    });
    cached.catch(() => (cached = undefined));
    return cached;
  };

  return {
    name: 'genesys-handoff-servicedesk-bundle',
    async generateBundle() {
      const { code, map } = await bundle();
      this.emitFile({ type: 'asset', fileName: FILE, source: code });
      if (map) this.emitFile({ type: 'asset', fileName: `${FILE}.map`, source: map });
    },
    configureServer(server) {
      // A change to the client's source rebuilds the bundle on the next request.
      server.watcher.add(options.watchDir);
      server.watcher.on('change', (file) => {
        if (file.startsWith(options.watchDir)) cached = undefined;
      });
      server.middlewares.use((req, res, next) => {
        const path = (req.url ?? '').split('?')[0];
        if (path !== `/${FILE}` && path !== `/${FILE}.map`) return next();
        bundle()
          .then(({ code, map }) => {
            const body = path.endsWith('.map') ? map : code;
            if (body === null) return next();
            res.setHeader(
              'content-type',
              path.endsWith('.map') ? 'application/json' : 'text/javascript; charset=utf-8',
            );
            res.setHeader('cache-control', 'no-cache');
            res.end(body);
          })
          .catch(next);
      });
    },
  };
}
