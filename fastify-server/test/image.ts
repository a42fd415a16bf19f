import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** How the container image runs the server, read from the Dockerfile so tests and benchmarks cannot drift from it. */
export interface ImageRuntime {
  /** The runtime stage's `ENV NODE_OPTIONS`; empty when it sets none (all options on the command line). */
  nodeOptions: string;
  /** The runtime stage's `CMD`, e.g. `["node", "--no-allocation-site-pretenuring", "start.cjs"]`. */
  command: string[];
}

export function imageRuntime(dockerfile = resolve(__dirname, '../Dockerfile')): ImageRuntime {
  const text = readFileSync(dockerfile, 'utf8');
  const nodeOptions = /^ENV NODE_OPTIONS="([^"]*)"/m.exec(text)?.[1] ?? '';
  // The last CMD at the start of a line is the image's (the HEALTHCHECK's CMD is indented on its own line).
  const cmd = [...text.matchAll(/^CMD (\[.*\])\s*$/gm)].pop()?.[1];
  if (cmd === undefined) throw new Error(`${dockerfile}: no exec-form CMD [...]`);
  const command = JSON.parse(cmd) as unknown;
  if (!Array.isArray(command) || command.length === 0 || !command.every((c) => typeof c === 'string'))
    throw new Error(`${dockerfile}: CMD is not a JSON list of strings: ${cmd}`);
  return { nodeOptions, command };
}
