import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';

/** The hosted web chat's bundles, each the root config's build mode that makes it. */
const BUNDLES: Record<string, string> = {
  'servicedesk.bundle.js': 'bundle',
  'servicedesk.guest-chat.bundle.js': 'bundle-guest-chat',
};

/**
 * Puts `servicedesk.bundle.js` and `servicedesk.guest-chat.bundle.js` (the IIFEs for the hosted watsonx web chat:
 * Web Messaging, and both channels) beside the demo pages, so
 * `watsonx-embed.html` loads it exactly as a customer's page would: emitted into the build output, and served by
 * the dev server. Each is the root config's `vite build --mode <mode>` of the current client source, run in its own
 * Node process (under tsx, as in `pnpm dev`, an in-process nested build resolves the SDK's browser entry instead of
 * the aliased ESM sources) into a temporary directory, so the package's own `dist/` is left alone.
 */
export function servicedeskBundle(options: { configFile: string; watchDir: string }): Plugin {
  const vite = join(dirname(options.configFile), 'node_modules/vite/bin/vite.js');
  const cached = new Map<string, Promise<string>>();

  const bundle = (file: string, mode: string) => {
    let made = cached.get(file);
    if (made) return made;
    made = new Promise<string>((resolve, reject) => {
      const outDir = mkdtempSync(join(tmpdir(), 'servicedesk-bundle-'));
      const args = [vite, 'build', '--config', options.configFile, '--mode', mode];
      args.push('--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn');
      execFile(
        process.execPath,
        args,
        { cwd: dirname(options.configFile), env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' } },
        (error, stdout, stderr) => {
          try {
            if (error) return reject(new Error(`building ${file} failed: ${error.message}\n${stdout}\n${stderr}`));
            resolve(readFileSync(join(outDir, file), 'utf8'));
          } catch (e) {
            reject(e instanceof Error ? e : new Error(String(e)));
          } finally {
            rmSync(outDir, { recursive: true, force: true });
          }
        },
      );
    });
    made.catch(() => cached.delete(file));
    cached.set(file, made);
    return made;
  };

  return {
    name: 'genesys-handoff-servicedesk-bundle',
    async generateBundle() {
      // One after the other: each build is a process of its own, and two at once only compete for the same cores.
      for (const [file, mode] of Object.entries(BUNDLES)) {
        this.emitFile({ type: 'asset', fileName: file, source: await bundle(file, mode) });
      }
    },
    configureServer(server) {
      // A change to the client's source rebuilds the bundles on the next request.
      server.watcher.add(options.watchDir);
      server.watcher.on('change', (file) => {
        if (file.startsWith(options.watchDir)) cached.clear();
      });
      server.middlewares.use((req, res, next) => {
        const file = (req.url ?? '').split('?')[0]!.slice(1);
        const mode = BUNDLES[file];
        if (!mode) return next();
        bundle(file, mode)
          .then((code) => {
            res.setHeader('content-type', 'text/javascript; charset=utf-8');
            res.setHeader('cache-control', 'no-cache');
            res.end(code);
          })
          .catch(next);
      });
    },
  };
}
