import { resolve } from 'node:path';
import { defaultClientConditions, defineConfig, type AliasOptions } from 'vite';
import { demoServer, demoServerOptionsFromEnv } from './packages/demo/vite/demo-server';
import { servicedeskBundle } from './packages/demo/vite/servicedesk-bundle';

/**
 * - `vite`, `vite build`, `vite preview` (no mode): the demo app in `packages/demo` (Carbon AI Chat + the local
 *   assistant + our service desk), built to `packages/demo/dist` with its two pages. `pnpm dev` starts it with the
 *   emulator and the middleware (`scripts/dev.ts`); its run-time settings are the `DEMO_*` variables read below.
 * - `vite build --mode bundle`: `servicedesk.bundle.js`, the IIFE that defines `window.WebChatServiceDeskFactory`
 *   for the hosted watsonx web chat (both channels); `--mode bundle-web-messaging` / `bundle-guest-chat`: the same for
 *   one channel (`servicedesk.web-messaging.bundle.js`, `servicedesk.guest-chat.bundle.js`). `SERVER_BASE_URL` (environment, at build time) is the middleware's default origin.
 * - `vite build --mode esm`: the ESM package (`dist/esm/index.mjs`; rxjs and the Genesys SDK stay imports).
 */
const client = resolve(__dirname, 'packages/servicedesk');
const demo = resolve(__dirname, 'packages/demo');

/** How the browser client's dependencies are bundled for browsers (the IIFE bundle and the demo alike). */
const browserClientAliases: AliasOptions = {
  // The SDK's "browser" build bundles axios; its ESM sources let the bundler share and shrink dependencies.
  'purecloud-guest-chat-client': 'purecloud-guest-chat-client/src/purecloud-guest-chat-client/index.js',
  // The SDK's ESM sources import axios only to call `axios.request(config)`; in the browser bundle the
  // fetch-based redaxios serves that at a fraction of the size (errors are normalised in guest-api.ts).
  axios: 'redaxios',
  ...Object.fromEntries(
    ['configparser', 'winston', 'fs', 'os', 'path'].map((m) => [m, resolve(client, 'build/node-only.js')]),
  ),
};

/**
 * Export conditions for browser builds: Vite's, plus `es2015`, which RxJS 7 uses for its ES2015 build (`dist/esm`).
 * Without it RxJS resolves to its ES5 build (`dist/esm5`), whose `for...of` loops go through tslib's `__values`: an
 * iterator object and a result object per subscriber for every value a Subject passes on, on the client's hottest
 * path (bench/client-pipeline.ts), in more bytes.
 */
const browserClientConditions = ['es2015', ...defaultClientConditions];

export default defineConfig(({ mode }) => {
  if (mode === 'esm') {
    return {
      build: {
        outDir: resolve(client, 'dist/esm'),
        emptyOutDir: true,
        sourcemap: true,
        lib: { entry: resolve(client, 'src/index.ts'), formats: ['es'], fileName: () => 'index.mjs' },
        rolldownOptions: { external: [/^rxjs/, 'purecloud-guest-chat-client'] },
      },
    };
  }
  if (mode.startsWith('bundle')) {
    // `bundle`: both channels; `bundle-web-messaging` / `bundle-guest-chat`: one channel's runtime only.
    const only = mode === 'bundle' ? '' : mode.slice('bundle-'.length);
    return {
      define: { __SERVER_BASE_URL__: JSON.stringify(process.env.SERVER_BASE_URL ?? 'http://localhost:3000') },
      resolve: { alias: browserClientAliases, conditions: browserClientConditions },
      build: {
        outDir: resolve(client, 'dist'),
        emptyOutDir: false,
        target: 'es2020',
        sourcemap: true,
        lib: {
          entry: resolve(client, only ? `src/bundle-entry-${only}.ts` : 'src/bundle-entry.ts'),
          name: 'WebChatServiceDeskFactory',
          formats: ['iife'],
          fileName: () => (only ? `servicedesk.${only}.bundle.js` : 'servicedesk.bundle.js'),
        },
        rolldownOptions: { output: { exports: 'default' } },
      },
    };
  }
  return {
    root: demo,
    // Not `.env` files of the demo: the DEMO_* settings come from the environment (scripts/dev.ts sets them).
    envDir: false,
    resolve: {
      alias: {
        // The demo uses the client's source, like the tests (the package's own exports point at its build).
        'genesys-handoff-servicedesk': resolve(client, 'src/index.ts'),
        ...browserClientAliases,
      },
      conditions: browserClientConditions,
    },
    plugins: [
      demoServer(demoServerOptionsFromEnv(process.env)),
      servicedeskBundle({ configFile: resolve(__dirname, 'vite.config.ts'), watchDir: resolve(client, 'src') }),
    ],
    server: { host: '127.0.0.1', port: 5173 },
    preview: { host: '127.0.0.1', port: 4173 },
    build: {
      outDir: resolve(demo, 'dist'),
      emptyOutDir: true,
      // React + Carbon AI Chat is one ~3.4 MB entry chunk (docs/webchat-hosts.md, "Browser tests"); that is expected.
      chunkSizeWarningLimit: 4000,
      rolldownOptions: {
        input: { main: resolve(demo, 'index.html'), 'watsonx-embed': resolve(demo, 'watsonx-embed.html') },
      },
    },
  };
});
