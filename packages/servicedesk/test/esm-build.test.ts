import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';

/** The ESM package as published (dist/esm + types) loads and works in plain Node >= 20. */
test('the ESM build imports in Node and creates a working factory', () => {
  const pkg = resolve(__dirname, '..');
  execFileSync(
    process.execPath,
    [
      resolve(pkg, '../../node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      '../../vite.config.ts',
      '--mode',
      'esm',
      '--logLevel',
      'error',
    ],
    { cwd: pkg, stdio: 'pipe' },
  );
  const out = execFileSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { createGenesysServiceDeskFactory, ErrorType } from ${JSON.stringify(join(pkg, 'dist/esm/index.mjs'))};
       const factory = createGenesysServiceDeskFactory({ serverBaseUrl: 'http://127.0.0.1:9', host: 'carbon' });
       const desk = await factory({ callback: {} });
       console.log(JSON.stringify({ name: desk.getName(), disconnected: ErrorType.DISCONNECTED, online: await desk.areAnyAgentsOnline() }));`,
    ],
    { cwd: pkg, encoding: 'utf8' },
  );
  expect(JSON.parse(out.trim())).toEqual({ name: 'Genesys Cloud', disconnected: 2, online: null });
}, 60_000);
