/**
 * Bundle: gzip size of `servicedesk.bundle.js` including the SDK and RxJS (target: at most 30 KB; the reference
 * integration loads a 26 KB-gzip SDK from a CDN on top of its own bundle).
 *
 *   pnpm bench:client:bundle
 *
 * Builds the bundle with `vite build --mode bundle`, measures it raw and gzip -9 (zlib level 9), splits its bytes by
 * origin through the source map, and compares with the gzip size of the SDK's own minified browser build.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT, machine, table, today, verdict, writeSubsection } from './client-report';

const TARGET_KB = 30;
const BUNDLE = join(ROOT, 'packages/servicedesk/dist/servicedesk.bundle.js');
const KB = 1024;

const gzip9 = (b: Buffer | string) => gzipSync(b, { level: 9 }).length;
const kb = (n: number) => (n / KB).toFixed(1);

/** The SDK's minified browser build, wherever pnpm put the version the client depends on. */
function sdkMinified(): string | undefined {
  const direct = join(
    ROOT,
    'packages/servicedesk/node_modules/purecloud-guest-chat-client/dist/web-cjs/purecloud-guest-chat-client.min.js',
  );
  if (existsSync(direct)) return direct;
  const store = join(ROOT, 'node_modules/.pnpm');
  const dir = existsSync(store)
    ? readdirSync(store).find((d) => d.startsWith('purecloud-guest-chat-client@'))
    : undefined;
  const p =
    dir && join(store, dir, 'node_modules/purecloud-guest-chat-client/dist/web-cjs/purecloud-guest-chat-client.min.js');
  return p && existsSync(p) ? p : undefined;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Source-map VLQ segments of one generated line: [generated column, source index | undefined]. */
function* segments(mappings: string): Generator<{ line: number; col: number; src: number | undefined }> {
  let src = 0;
  const lines = mappings.split(';');
  for (let line = 0; line < lines.length; line++) {
    let col = 0;
    for (const seg of lines[line]!.split(',')) {
      if (seg === '') continue;
      const fields: number[] = [];
      let value = 0;
      let shift = 0;
      for (const ch of seg) {
        const digit = B64.indexOf(ch);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      col += fields[0]!;
      if (fields.length > 1) src += fields[1]!;
      yield { line, col, src: fields.length > 1 ? src : undefined };
    }
  }
}

function originOf(source: string): string {
  if (source.includes('purecloud-guest-chat-client')) return 'Genesys guest chat SDK';
  if (source.includes('/rxjs/')) return 'RxJS';
  if (source.includes('/tslib/')) return 'RxJS (its tslib helpers)';
  if (source.includes('redaxios')) return 'redaxios (axios stand-in)';
  // Paths are relative to dist/: the client's own sources are ../src and ../build.
  if (/^\.\.\/(src|build)\//.test(source)) return 'the client (src)';
  return 'other';
}

/** Bytes of the bundle by origin, as the source map attributes them (the rest: wrapper and glue). */
function byOrigin(code: string, mapFile: string): Map<string, string> {
  const map = JSON.parse(readFileSync(mapFile, 'utf8')) as { sources: string[]; mappings: string };
  const lines = code.split('\n');
  const parts = new Map<string, string[]>();
  const segs = [...segments(map.mappings)];
  let covered = 0;
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    if (s.src === undefined) continue;
    const next = segs[i + 1];
    const text = lines[s.line] ?? '';
    const end = next && next.line === s.line ? next.col : text.length;
    const origin = originOf(map.sources[s.src] ?? '');
    const chunk = text.slice(s.col, end);
    covered += chunk.length;
    (parts.get(origin) ?? parts.set(origin, []).get(origin)!).push(chunk);
  }
  const out = new Map<string, string>();
  for (const [k, v] of parts) out.set(k, v.join(''));
  out.set('unmapped (wrapper, glue)', 'x'.repeat(Math.max(0, code.length - covered)));
  return out;
}

function main(): void {
  const t0 = Date.now();
  const build = spawnSync('pnpm', ['exec', 'vite', 'build', '--mode', 'bundle', '--logLevel', 'warn'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (build.status !== 0) {
    console.error(build.stdout, build.stderr);
    throw new Error(`vite build --mode bundle failed (${build.status})`);
  }
  const buildSeconds = (Date.now() - t0) / 1000;
  const code = readFileSync(BUNDLE);
  const raw = code.length;
  const gz = gzip9(code);
  const sdk = sdkMinified();
  const sdkRaw = sdk ? readFileSync(sdk).length : undefined;
  const sdkGz = sdk ? gzip9(readFileSync(sdk)) : undefined;

  const parts = existsSync(`${BUNDLE}.map`)
    ? byOrigin(code.toString('utf8'), `${BUNDLE}.map`)
    : new Map<string, string>();
  const breakdown = [...parts]
    .filter(([k]) => !k.startsWith('unmapped'))
    .sort((a, b) => b[1].length - a[1].length)
    .map(([k, v]) => [k, kb(v.length), kb(gzip9(v))]);
  const unmapped = parts.get('unmapped (wrapper, glue)')?.length ?? 0;

  const pass = gz <= TARGET_KB * KB;
  const rows = [
    [
      '`servicedesk.bundle.js` (client + SDK + RxJS + redaxios)',
      kb(raw),
      kb(gz),
      `≤ ${TARGET_KB} KB: ${verdict(pass)}`,
    ],
    ...(sdk
      ? [
          [
            'for comparison: the SDK alone, `dist/web-cjs/purecloud-guest-chat-client.min.js`',
            kb(sdkRaw!),
            kb(sdkGz!),
            '',
          ],
        ]
      : []),
  ];
  const t = table(['file', 'raw, KB', 'gzip -9, KB', 'target'], rows);
  const tParts = table(
    ['origin (source map)', 'raw, KB', 'gzip -9 alone, KB'],
    [...breakdown, ['unmapped (IIFE wrapper, glue)', kb(unmapped), '']],
  );
  console.log(`\n${t}\n\n${tParts}\n`);

  writeSubsection(
    'Bundle',
    `Command: \`pnpm bench:client:bundle\` (\`bench/client-bundle.ts\`): runs \`pnpm exec vite build --mode bundle\` (${buildSeconds.toFixed(1)} s), then
gzips with zlib level 9. Run ${today()} on ${machine()}. KB = 1,024 bytes.

${t}

By origin, from the bundle's source map (each part gzipped on its own, so the parts add up to more than the whole):

${tParts}

Target: gzip at most ${TARGET_KB} KB including the SDK and RxJS — **${verdict(pass)}** (${kb(gz)} KB). The reference integration
loads the SDK alone at ${sdkGz ? `${kb(sdkGz)} KB` : '~26 KB'} gzip (measured here from its \`web-cjs\` build) on top of its own bundle.`,
  );
  console.log('BENCHMARKS.md updated (Browser client / Bundle).');
}

main();
