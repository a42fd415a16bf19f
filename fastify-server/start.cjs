#!/usr/bin/env -S node --max-semi-space-size=16 --no-allocation-site-pretenuring
'use strict';
/**
 * What `pnpm start`, the image and the package's bin (`npx genesys-handoff-server`, with the same Node options on its
 * first line) run: the compiled server, or, when it has not been compiled yet, a plain message
 * that says how to build instead of Node's "Cannot find module" stack.
 */
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const server = join(__dirname, 'dist', 'server.js');
if (!existsSync(server)) {
  process.stderr.write(
    'genesys-handoff-server is not built yet (no dist/server.js).\n' +
      'Build it first:  pnpm --filter genesys-handoff-server build\n' +
      'or run the TypeScript sources directly:  pnpm --filter genesys-handoff-server dev\n',
  );
  process.exit(1);
}
require(server);
