// The site is static: its page, its run-time settings, and the service desk's prebuilt bundle from the package.
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

mkdirSync('dist', { recursive: true });
copyFileSync(
  fileURLToPath(import.meta.resolve('genesys-handoff-servicedesk/servicedesk.bundle.js')),
  'dist/servicedesk.bundle.js',
);
copyFileSync('index.html', 'dist/index.html');
copyFileSync('handoff-config.js', 'dist/handoff-config.js');
