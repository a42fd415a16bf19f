import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * What the browser-client benchmarks share: the repository root, the machine line, a console table, and the
 * "Browser client" section of BENCHMARKS.md. Other sections of that file belong to other benchmarks (another script
 * writes "Middleware: /availability" at the same time): the file is re-read right before each write and only this
 * section's own subsection is replaced.
 */

export const ROOT = resolve(__dirname, '..');
export const BENCHMARKS_FILE = join(ROOT, 'BENCHMARKS.md');
const SECTION = '## Browser client';
/** Subsections in the order they appear, whichever benchmark ran first; a new benchmark adds its name here. */
const ORDER = ['Event pipeline', 'Teardown', 'Bundle', 'Round trips', 'Agent latency', 'Flood'] as const;
export type ClientBenchmark = (typeof ORDER)[number];

/** The machine, and how busy it was (it may be shared: other processes' load shows in the 1-minute load average). */
export function machine(): string {
  return `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}/${process.arch}, 1-min load average ${loadavg()[0]!.toFixed(2)} at the end`;
}

export const today = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export const verdict = (pass: boolean): string => (pass ? 'PASS' : 'FAIL');

/** A Markdown table; also readable as plain text on the console. */
export function table(head: readonly string[], rows: ReadonlyArray<readonly (string | number)[]>): string {
  const cells = [head.map(String), ...rows.map((r) => r.map(String))];
  const widths = head.map((_, i) => Math.max(3, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(cells[0]!), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...cells.slice(1).map(line)].join(
    '\n',
  );
}

/** Replaces (or adds) `### <name>` inside `## Browser client`, leaving every other part of the file as it was. */
export function writeSubsection(name: ClientBenchmark, body: string): void {
  const block = `### ${name}\n\n${body.trim()}\n`;
  // Re-read right before writing: another benchmark may have written its own section meanwhile.
  const current = existsSync(BENCHMARKS_FILE) ? readFileSync(BENCHMARKS_FILE, 'utf8') : '# Benchmarks\n';
  const start = current.indexOf(`\n${SECTION}\n`) + 1 || (current.startsWith(`${SECTION}\n`) ? 0 : -1);
  let before: string;
  let section: string;
  let after: string;
  if (start === -1) {
    before = `${current.trimEnd()}\n\n`;
    section = `${SECTION}\n\nFigures of \`packages/servicedesk\`; run all four with \`pnpm bench:client\` (scripts in \`bench/client-*.ts\`).\n`;
    after = '';
  } else {
    const end = current.indexOf('\n## ', start + SECTION.length);
    before = current.slice(0, start);
    section = end === -1 ? current.slice(start) : current.slice(start, end + 1);
    after = end === -1 ? '' : current.slice(end + 1);
  }
  // The section's intro, then its subsections by name.
  const parts = section.split(/\n(?=### )/);
  const intro = parts[0]!.trimEnd();
  const subsections = new Map<string, string>();
  for (const p of parts.slice(1))
    subsections.set(p.slice(4, p.indexOf('\n') === -1 ? undefined : p.indexOf('\n')).trim(), p.trimEnd());
  subsections.set(name, block.trimEnd());
  const known = ORDER.filter((n) => subsections.has(n)).map((n) => subsections.get(n)!);
  const unknown = [...subsections].filter(([n]) => !(ORDER as readonly string[]).includes(n)).map(([, b]) => b);
  const nextSection = `${[intro, ...known, ...unknown].join('\n\n')}\n`;
  const next = `${before}${nextSection}${after ? `\n${after}` : ''}`;
  const tmp = `${BENCHMARKS_FILE}.${process.pid}.tmp`;
  writeFileSync(tmp, next);
  renameSync(tmp, BENCHMARKS_FILE);
}
