/**
 * The READMEs' copyable code is the examples' code: a code block right after `<!-- snippet: <file> -->` is that file,
 * word for word (packages/servicedesk/test/readme-snippets.test.ts checks it; the examples are built and run from
 * the packed packages by `pnpm test:examples`). `pnpm snippets` writes each file's current text into its block.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..');
export const READMES = [
  'README.md',
  'packages/servicedesk/README.md',
  'fastify-server/README.md',
  'packages/emulator/README.md',
];
const MARKED = /(<!-- snippet: (\S+) -->\n```[a-z]*\n)([\s\S]*?)```/g;

export interface Snippet {
  file: string;
  code: string;
}

export function snippetsOf(readme: string): Snippet[] {
  return [...readme.matchAll(MARKED)].map((m) => ({ file: m[2]!, code: m[3]! }));
}

export function withCurrentSnippets(readme: string): string {
  return readme.replace(
    MARKED,
    (_all, head: string, file: string) => `${head}${readFileSync(join(ROOT, file), 'utf8')}\`\`\``,
  );
}

if (require.main === module) {
  for (const readme of READMES) {
    const path = join(ROOT, readme);
    const text = readFileSync(path, 'utf8');
    const next = withCurrentSnippets(text);
    if (next !== text) {
      writeFileSync(path, next);
      console.log(`${readme}: snippets updated`);
    }
  }
}
