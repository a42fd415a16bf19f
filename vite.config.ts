import { resolve } from 'node:path';
import { defaultClientConditions, defineConfig, type AliasOptions } from 'vite';
import { demoServer, demoServerOptionsFromEnv } from './packages/demo/vite/demo-server';
import { servicedeskBundle } from './packages/demo/vite/servicedesk-bundle';

/**
 * - `vite`, `vite build`, `vite preview` (no mode): the demo app in `packages/demo` (Carbon AI Chat + the local
 *   assistant + our service desk), built to `packages/demo/dist` with its two pages. `pnpm dev` starts it with the
 *   emulator and the middleware (`scripts/dev.ts`); its run-time settings are the `DEMO_*` variables read below.
 * - `vite build --mode bundle`: `servicedesk.bundle.js`, the IIFE that defines `window.WebChatServiceDeskFactory`
 *   for the hosted watsonx web chat (Web Messaging); `--mode bundle-guest-chat`: `servicedesk.guest-chat.bundle.js`,
 *   the same for guest chat, the legacy channel. `SERVER_BASE_URL` (environment, at build time) is the middleware's
 *   default origin.
 * - `vite build --mode esm`: the ESM package's JavaScript (`dist/esm/index.mjs` and `guest-chat.mjs`; rxjs and guest
 *   chat's SDK stay imports); its declarations are bundled by `packages/servicedesk/build/types.mjs`.
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
    // Two entries, as the package's `exports` name them; code both use is shared in chunks. rxjs and guest chat's SDK
    // stay imports (dependencies of the installing app). The declarations are bundled after this (`build/types.mjs`).
    return {
      build: {
        outDir: resolve(client, 'dist/esm'),
        emptyOutDir: true,
        // No source maps: the installing app's bundler makes its own from this readable, unminified code.
        sourcemap: false,
        minify: false,
        lib: {
          entry: { index: resolve(client, 'src/index.ts'), 'guest-chat': resolve(client, 'src/guest-chat.ts') },
          formats: ['es'],
          fileName: (_format, name) => `${name}.mjs`,
        },
        rolldownOptions: {
          external: [/^rxjs/, 'purecloud-guest-chat-client'],
          output: { chunkFileNames: 'chunks/[name]-[hash].mjs' },
        },
      },
    };
  }
  if (mode === 'esm-guest-chat-browser') {
    // The `guest-chat` entry for browsers (its `browser` export condition): guest chat's SDK inside, as in its bundle,
    // because the SDK's own browser build defines a global instead of exporting anything a bundler can import. Node
    // takes `guest-chat.mjs`, which imports the SDK's Node build.
    return {
      resolve: { alias: browserClientAliases, conditions: browserClientConditions },
      build: {
        outDir: resolve(client, 'dist/esm'),
        emptyOutDir: false,
        sourcemap: false,
        minify: false,
        lib: { entry: resolve(client, 'src/guest-chat.ts'), formats: ['es'], fileName: () => 'guest-chat.browser.mjs' },
        rolldownOptions: { external: [/^rxjs/] },
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
        // ES2022 (browsers from 2021 on: Chrome 94, Safari 15.4, Firefox 93): classes keep their native fields rather
        // than transpiled ones, which is smaller, and every browser the hosted web chat supports has them.
        target: 'es2022',
        // Not shipped with maps (the package carries no sources for a map to point into); the bundle-size benchmark
        // asks for one to tell which module each byte comes from.
        sourcemap: process.env['SERVICEDESK_BUNDLE_SOURCEMAP'] === 'true',
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
      // The demo imports the client by name; in the workspace its exports are its sources (published: its build).
      alias: browserClientAliases,
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
