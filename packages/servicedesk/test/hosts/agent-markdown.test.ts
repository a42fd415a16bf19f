import { hostMarkdown } from '../../src/hosts/agent-markdown';

const REL = '{{rel="noopener noreferrer"}}';

describe("an agent's Markdown as the host's renderer is given it: the safe subset formatted, the rest as typed", () => {
  test('bold, italics, strikethrough, inline code and lists pass to the renderer unchanged', () => {
    const text = '**bold** __also__ *it* _it_ ~~gone~~ `a<b>{{x}}`\n- one\n* two\n+ three\n1. first\n2) second';
    expect(hostMarkdown(text)).toBe(text);
  });

  test('a fenced code block is passed as typed, its info string only when it is a language name', () => {
    expect(hostMarkdown('```js\n<img src=x onerror=alert(1)> {{id=x}} [a](javascript:x)\n```\nafter <b>')).toBe(
      '```js\n<img src=x onerror=alert(1)> {{id=x}} [a](javascript:x)\n```\nafter \\<b\\>',
    );
    expect(hostMarkdown('~~~ {{class="x"}}\ncode\n~~~')).toBe('~~~\ncode\n~~~');
  });

  test('a fence not at the start of its line is not taken for code: what follows it is escaped', () => {
    // In a list item the block would end with the item, and the unindented line below would be raw HTML.
    expect(hostMarkdown('1. step\n   ```\n<img src=x onerror=alert(1)>')).toBe(
      '1. step\n   \\`\\`\\`\n\\<img src=x onerror=alert(1)\\>',
    );
  });

  test('a backtick fence whose info has a backtick is not a fence (as the renderer reads it)', () => {
    expect(hostMarkdown('``` a`b\n<b>x</b>')).toBe('\\`\\`\\` a\\`b\n\\<b\\>x\\</b\\>');
  });

  test('raw HTML, attribute blocks, headings, quotes and tables are shown as typed', () => {
    expect(hostMarkdown('<script>alert(1)</script> **hi**{{target="_self"}}\n# Title\n> quote\n| a | b |')).toBe(
      '\\<script\\>alert(1)\\</script\\> **hi**\\{\\{target="_self"\\}\\}\n\\# Title\n\\> quote\n\\| a \\| b \\|',
    );
  });

  test('a rule or a heading underline is shown as typed', () => {
    expect(hostMarkdown('Title\n===\ntext\n---\n* * *')).toBe('Title\n\\===\ntext\n\\---\n\\* * *');
  });

  test('a link to an http(s) address keeps its label and gets rel; its destination is normalised', () => {
    expect(hostMarkdown('See [our FAQ](https://help.example/faq?a=1) now')).toBe(
      `See [our FAQ](<https://help.example/faq?a=1>)${REL} now`,
    );
  });

  test('a bare URL becomes a link to itself with rel; sentence punctuation stays outside', () => {
    expect(hostMarkdown('Go to https://help.example/a.')).toBe(
      `Go to [https\\:/\\/help\\.example/a](<https://help.example/a>)${REL}.`,
    );
  });

  test('links to other schemes, bare domains and e-mail addresses are not made links', () => {
    expect(hostMarkdown('[click](javascript:alert(1)) [x](data:text/html,hi) www.evil.example me@evil.example')).toBe(
      '\\[click\\](javascript\\:alert(1)) \\[x\\](data\\:text/html,hi) www\\.evil\\.example me\\@evil\\.example',
    );
    expect(hostMarkdown('ftp://files.example mailto:me@x.example //cdn.example')).toBe(
      'ftp\\:/\\/files\\.example mailto\\:me\\@x\\.example /\\/cdn\\.example',
    );
  });

  test('an image is not loaded: its text shows, and an http(s) picture becomes a link to it', () => {
    expect(hostMarkdown('![pixel](https://tracker.example/p.gif) Hi!')).toBe(
      `\\![pixel](<https://tracker.example/p.gif>)${REL} Hi\\!`,
    );
  });

  test("the agent's own escapes and code spans stay as typed; an unmatched backtick is escaped", () => {
    expect(hostMarkdown('\\*not italic\\* `` a ` b `` and ` alone')).toBe('\\*not italic\\* `` a ` b `` and \\` alone');
  });
});
