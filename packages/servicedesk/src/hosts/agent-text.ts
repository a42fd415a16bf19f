/**
 * Text from Genesys (agents, flows, queues) as the host is given it. Both hosts render a text message as Markdown,
 * with raw HTML, attribute blocks (`{{target=…}}`) and bare domains turned into links that open in a new tab without
 * `rel`. Guest chat messages are plain text, so the customer is shown exactly what was typed: Markdown and HTML
 * syntax is escaped, and each `http(s)` URL becomes a link whose text is its own address and which opens with
 * `rel="noopener noreferrer"`. A Markdown link an agent typed shows its label followed by its real destination.
 * (docs/architecture.md, "Agent content in the page")
 */
export function hostText(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(LINK_OR_URL)) {
    const start = m.index;
    const label = m[1];
    const labelledUrl = m[2];
    let url = labelledUrl ?? m[3] ?? '';
    let end = start + m[0].length;
    if (labelledUrl === undefined) {
      const trimmed = trimTrailing(url);
      end -= url.length - trimmed.length;
      url = trimmed;
    }
    const href = httpUrl(url);
    if (!href) continue;
    out += escapeText(text.slice(last, start));
    out += label !== undefined && label.trim() !== url ? `${escapeText(label)} (${link(href, url)})` : link(href, url);
    last = end;
  }
  return out + escapeText(text.slice(last));
}

/** `[label](http…)` as an agent may type it, or a bare `http(s)://` URL. */
const LINK_OR_URL = /\[([^\]\n]{1,500})\]\((https?:\/\/[^\s<>()]+)\)|(https?:\/\/[^\s<>"]+)/gi;

/**
 * Markdown and HTML syntax, and what the renderer would make a link of: `.` and `@` inside a word (a bare domain, an
 * e-mail address), `:` after a word (`mailto:`, `ftp:`), the second `/` of `//`.
 */
const SYNTAX = /[\\`*_{}[\]<>#|~&]|(?<=\w)[.@](?=\w)|(?<=\w):|(?<=\/)\//g;

/** A list item's marker or a heading's underline at the start of a line (of the text, or of a piece of it). */
const LINE_START = /^([ \t]*)([-+=]|\d{1,9}[.)](?=\s|$))/gm;

function escapeText(s: string): string {
  return s
    .replace(SYNTAX, (c) => `\\${c}`)
    .replace(LINE_START, (_, space: string, marker: string) => `${space}${marker.slice(0, -1)}\\${marker.slice(-1)}`);
}

/** Sentence punctuation after a URL is not part of it; a closing parenthesis only when it has no opening one. */
export function trimTrailing(url: string): string {
  let u = url;
  for (;;) {
    const c = u.at(-1);
    if (c && '.,;:!?\'"'.includes(c)) u = u.slice(0, -1);
    else if (c === ')' && (u.match(/\(/g)?.length ?? 0) < (u.match(/\)/g)?.length ?? 0)) u = u.slice(0, -1);
    else return u;
  }
}

/** An `http(s)` address as a link may point to it (normalised), or undefined for any other kind or a malformed one. */
export function httpUrl(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/** A link in the pointed-bracket form (no `<`, `>` or line break can be in `href`), its text the address shown. */
export function link(href: string, shown: string): string {
  return `[${escapeText(shown)}](<${href}>){{rel="noopener noreferrer"}}`;
}

/**
 * A link named by Genesys (a file's name, a card button's text), escaped as any text from Genesys; `href` must already
 * be checked.
 */
export function namedLink(name: string, href: string): string {
  return `[${escapeText(name)}](<${new URL(href).href}>){{rel="noopener noreferrer"}}`;
}

/** Text from Genesys shown as typed, with no link made of it. */
export function plainText(text: string): string {
  return escapeText(text);
}
