import { httpUrl, link, plainText, trimTrailing } from './agent-text';

/**
 * An agent's or the flow's Markdown (Web Messaging, when the deployment's Markdown setting is on) as the host is given
 * it. The host's own renderer draws it: both hosts render a text message with markdown-it, so no parser of ours
 * travels in the bundle. What reaches the renderer is the subset Genesys Messenger shows: bold, italics,
 * strikethrough, inline code and code blocks, bulleted and numbered lists, paragraphs and line breaks, and links to
 * `http(s)` addresses, each with `rel="noopener noreferrer"` (the host opens them in a new tab). Everything the host's
 * renderer does beyond it is shown as typed: raw HTML, attribute blocks (`{{…}}`), images (`![…](…)` shows its text
 * and links to the picture instead of loading it), headings, quotes, tables, task lists, links to any other scheme,
 * and the bare domains and e-mail addresses the renderer would make links of (docs/architecture.md, "Agent content in
 * the page").
 *
 * A code block counts only with its fence at the start of the line, where the renderer can take it for nothing else
 * (a fence inside a list item ends with the item, and what follows would be read as HTML); an indented one shows its
 * escapes. Inside code, text is passed as typed: the renderer shows code as text.
 */
export function hostMarkdown(text: string): string {
  const out: string[] = [];
  let fence: { char: string; length: number } | undefined;
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (fence) {
      out.push(line);
      if (closesFence(line, fence)) fence = undefined;
      continue;
    }
    const open = FENCE_OPEN.exec(line);
    const marker = open?.[1];
    if (marker && !(marker.startsWith('`') && open[2]?.includes('`'))) {
      fence = { char: marker.charAt(0), length: marker.length };
      out.push(marker + language(open[2] ?? ''));
      continue;
    }
    out.push(markdownLine(line));
  }
  return out.join('\n');
}

const FENCE_OPEN = /^(`{3,}|~{3,})(.*)$/;

/** Ends a block on any line the renderer might end it on (an earlier end than the renderer's only shows escapes). */
function closesFence(line: string, fence: { char: string; length: number }): boolean {
  const t = line.trim();
  return t.length >= fence.length && [...t].every((c) => c === fence.char);
}

/** A fence's info string only when it is a language name (the renderer also reads attribute blocks there). */
function language(info: string): string {
  const word = info.trim();
  return /^[\w+#.-]{1,30}$/.test(word) ? word : '';
}

/** A line that is only `-`, `=`, `*` or `_` (a rule, or a heading's underline) shows as typed. */
const RULE = /^(\s*)([-=*_])((?:\s*\2)*\s*)$/;

function markdownLine(line: string): string {
  const rule = RULE.exec(line);
  if (rule) return `${rule[1]}\\${rule[2]}${markdownInline(rule[3] ?? '')}`;
  return markdownInline(line);
}

/** ASCII punctuation: what a backslash escapes in Markdown. */
const PUNCTUATION = /[!-/:-@[-`{-~]/;
const LABELLED = /\[([^\]\n]{1,500})\]\((https?:\/\/[^\s<>()]+)\)/iy;
const BARE_URL = /https?:\/\/[^\s<>"]+/iy;
/**
 * Syntax outside the subset (`!` of an image, whatever follows it), and what the renderer would make a link of: `.` and `@` inside a word (a bare domain, an
 * e-mail address), `:` after a word (`mailto:`, `ftp:`), and the second `/` of `//`.
 */
const OUTSIDE = /[!{}[\]<>#|]|(?<=\w)[.@](?=\w)|(?<=\w):|(?<=\/)\//g;

/** One line outside code blocks: code spans as typed, links rebuilt with rel, other syntax outside the subset escaped. */
function markdownInline(s: string): string {
  let out = '';
  let text = '';
  const flush = () => {
    out += text.replace(OUTSIDE, (c) => `\\${c}`);
    text = '';
  };
  let i = 0;
  while (i < s.length) {
    const c = s.charAt(i);
    if (c === '\\' && PUNCTUATION.test(s.charAt(i + 1))) {
      flush();
      out += s.slice(i, i + 2);
      i += 2;
    } else if (c === '`') {
      const run = /`+/y;
      run.lastIndex = i;
      const ticks = run.exec(s)?.[0] ?? '`';
      const end = closingRun(s, i + ticks.length, ticks.length);
      flush();
      // An unmatched run is escaped, so the renderer opens no code span there either.
      out += end < 0 ? ticks.replace(/`/g, '\\`') : s.slice(i, end);
      i = end < 0 ? i + ticks.length : end;
    } else if (c === '[' || c === 'h' || c === 'H') {
      const made = linkAt(s, i);
      if (made) {
        flush();
        out += made.markdown;
        i = made.end;
      } else {
        text += c;
        i++;
      }
    } else {
      text += c;
      i++;
    }
  }
  flush();
  return out;
}

/** Where a code span opened by `length` backticks ends (just after its closing run), or -1 when it does not close. */
function closingRun(s: string, from: number, length: number): number {
  const runs = /`+/g;
  runs.lastIndex = from;
  for (let m = runs.exec(s); m; m = runs.exec(s)) {
    if (m[0].length === length) return m.index + length;
  }
  return -1;
}

/** A Markdown link to an `http(s)` address, or a bare one, at `i`: rebuilt with rel, its label shown as typed. */
function linkAt(s: string, i: number): { markdown: string; end: number } | undefined {
  LABELLED.lastIndex = i;
  const labelled = LABELLED.exec(s);
  if (labelled) {
    const href = httpUrl(labelled[2] ?? '');
    if (!href) return undefined;
    const label = plainText(labelled[1] ?? '');
    return { markdown: `[${label}](<${href}>){{rel="noopener noreferrer"}}`, end: i + labelled[0].length };
  }
  BARE_URL.lastIndex = i;
  const bare = BARE_URL.exec(s);
  if (!bare) return undefined;
  const url = trimTrailing(bare[0]);
  const href = httpUrl(url);
  return href ? { markdown: link(href, url), end: i + url.length } : undefined;
}
