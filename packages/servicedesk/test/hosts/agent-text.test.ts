import { hostText } from '../../src/hosts/agent-text';

const REL = '{{rel="noopener noreferrer"}}';

describe('text from Genesys as the host renders it (Markdown): what was typed, links with rel', () => {
  test('plain sentences pass unchanged', () => {
    expect(hostText('Thanks for contacting us. Finding an agent for you.')).toBe(
      'Thanks for contacting us. Finding an agent for you.',
    );
  });

  test('HTML and Markdown syntax are shown as typed, not rendered', () => {
    expect(hostText('<img src=x onerror=alert(1)> **bold** _it_ `code` # h &amp; {{target="_self"}}')).toBe(
      '\\<img src=x onerror=alert(1)\\> \\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\# h \\&amp; \\{\\{target="\\_self"\\}\\}',
    );
  });

  test('a bare URL becomes a link to itself with rel; sentence punctuation stays outside', () => {
    expect(hostText('See https://help.example/a_b?x=1. Thanks')).toBe(
      `See [https\\:/\\/help\\.example/a\\_b?x=1](<https://help.example/a_b?x=1>)${REL}. Thanks`,
    );
  });

  test('a Markdown link shows its label and its real destination', () => {
    expect(hostText('[Your bank](https://evil.example/login) now')).toBe(
      `Your bank ([https\\:/\\/evil\\.example/login](<https://evil.example/login>)${REL}) now`,
    );
  });

  test('a Markdown link whose label is its URL is one link', () => {
    expect(hostText('[https://a.example/](https://a.example/)')).toBe(
      `[https\\:/\\/a\\.example/](<https://a.example/>)${REL}`,
    );
  });

  test('javascript: and data: links are not links; bare domains and e-mails are not turned into links', () => {
    expect(hostText('[click](javascript:alert(1)) www.evil.example me@evil.example')).toBe(
      '\\[click\\](javascript\\:alert(1)) www\\.evil\\.example me\\@evil\\.example',
    );
  });
});

describe('plain text keeps its lines as typed', () => {
  test('list markers and heading underlines at the start of a line are not rendered', () => {
    expect(hostText('- one\n+ two\n  3. three\n4) four\n===\ntext\n---\nnot-a-list 5. x')).toBe(
      '\\- one\n\\+ two\n  3\\. three\n4\\) four\n\\===\ntext\n\\---\nnot-a-list 5. x',
    );
  });

  test('other schemes and protocol-relative addresses are not made links', () => {
    expect(hostText('ftp://files.example //cdn.example')).toBe('ftp\\:/\\/files\\.example /\\/cdn\\.example');
  });
});
