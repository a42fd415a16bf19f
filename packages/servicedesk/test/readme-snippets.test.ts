import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { READMES, ROOT, snippetsOf } from '../../../scripts/readme-snippets';

/**
 * The READMEs' copyable code is the examples' code, which `pnpm test:examples` type-checks, builds and runs from the
 * packed packages: a block marked `<!-- snippet: <file> -->` must be that file, word for word (`pnpm snippets`
 * writes them).
 */
describe.each(READMES)('%s', (readme) => {
  const text = readFileSync(join(ROOT, readme), 'utf8');
  const snippets = snippetsOf(text);

  it('marks only blocks it can check (every marker is followed by a code block)', () => {
    expect(snippets.length).toBe(text.split('<!-- snippet: ').length - 1);
  });

  for (const { file, code } of snippets) {
    it(`shows ${file} as it is (pnpm snippets updates it)`, () => {
      expect(code).toBe(readFileSync(join(ROOT, file), 'utf8'));
    });
  }
});

test('the servicedesk README shows both examples', () => {
  const text = readFileSync(join(ROOT, 'packages/servicedesk/README.md'), 'utf8');
  for (const file of ['examples/carbon-react/src/main.tsx', 'examples/watsonx-embed/index.html']) {
    expect(text).toContain(`<!-- snippet: ${file} -->`);
  }
});
