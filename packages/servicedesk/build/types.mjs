// The package's declarations, one bundle per entry (`dist/esm/index.d.mts`, `dist/esm/guest-chat.d.mts`, shared
// declarations in chunks): bundled, they resolve under every module resolution (`bundler`, `node16`) although the
// sources import each other without file extensions. The JavaScript is built by Vite (`vite.config.ts`, mode `esm`).
import { build } from 'rolldown';
import { dts } from 'rolldown-plugin-dts';
import { fileURLToPath } from 'node:url';

const pkg = fileURLToPath(new URL('..', import.meta.url));
await build({
  cwd: pkg,
  input: { index: 'src/index.ts', 'guest-chat': 'src/guest-chat.ts' },
  external: [/^rxjs/, 'purecloud-guest-chat-client', /^@carbon\/ai-chat/],
  plugins: [dts({ tsconfig: 'tsconfig.build.json', dtsOnly: true })],
  output: { dir: 'dist/esm', format: 'es', entryFileNames: '[name].mjs', chunkFileNames: 'chunks/[name].mjs' },
});
