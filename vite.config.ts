import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/**
 * Builds of the browser client (the demo page gets its own config beside it):
 * - `vite build --mode bundle`: `servicedesk.bundle.js`, the IIFE that defines `window.WebChatServiceDeskFactory`
 *   for the hosted watsonx web chat. `SERVER_BASE_URL` (environment, at build time) is the middleware's default origin.
 * - `vite build --mode esm`: the ESM package (`dist/esm/index.mjs`; rxjs and the Genesys SDK stay imports).
 */
const client = resolve(__dirname, 'packages/genesys-servicedesk');

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
  return {
    define: { __SERVER_BASE_URL__: JSON.stringify(process.env.SERVER_BASE_URL ?? 'http://localhost:3000') },
    resolve: {
      alias: {
        // The SDK's "browser" build bundles axios; its ESM sources let the bundler share and shrink dependencies.
        'purecloud-guest-chat-client': 'purecloud-guest-chat-client/src/purecloud-guest-chat-client/index.js',
        // The SDK's ESM sources import axios only to call `axios.request(config)`; in the browser bundle the
        // fetch-based redaxios serves that at a fraction of the size (errors are normalised in guest-api.ts).
        axios: 'redaxios',
        ...Object.fromEntries(['configparser', 'winston', 'fs', 'os', 'path'].map((m) => [m, resolve(client, 'build/node-only.js')])),
      },
    },
    build: {
      outDir: resolve(client, 'dist'),
      emptyOutDir: false,
      target: 'es2020',
      sourcemap: true,
      lib: {
        entry: resolve(client, 'src/bundle-entry.ts'),
        name: 'WebChatServiceDeskFactory',
        formats: ['iife'],
        fileName: () => 'servicedesk.bundle.js',
      },
      rolldownOptions: { output: { exports: 'default' } },
    },
  };
});
