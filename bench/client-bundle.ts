/**
 * Bundle: gzip size of the classic-script bundles including the SDK and RxJS (target: each channel's runtime at most
 * 30 KB; the reference integration loads a 26 KB-gzip SDK from a CDN on top of its own bundle).
 *
 *   pnpm bench:client:bundle
 *
 * Builds each bundle with `vite build --mode bundle[-<channel>]`, measures it raw and gzip -9 (zlib level 9), splits its bytes by
 * origin through the source map, and compares with the gzip size of the SDK's own minified browser build.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT, machine, table, today, verdict, writeSubsection } from './client-report';

const TARGET_KB = 30;
const DIST = join(ROOT, 'packages/servicedesk/dist');
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
  if (source.includes('/transports/web-messaging/')) return 'the client: Web Messaging transport';
  if (source.includes('/transports/guest-chat/')) return 'the client: guest chat transport';
  if (/^\.\.\/(src|build)\//.test(source)) return 'the client: desk, hosts, streams';
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

/** The classic-script bundles, one per channel (each channel's runtime alone). */
const BUNDLES = [
  { mode: 'bundle', file: 'servicedesk.bundle.js', what: 'Web Messaging', target: true },
  {
    mode: 'bundle-guest-chat',
    file: 'servicedesk.guest-chat.bundle.js',
    what: 'guest chat only, SDK included',
    target: true,
  },
] as const;

function build(mode: string): number {
  const t0 = Date.now();
  const run = spawnSync('pnpm', ['exec', 'vite', 'build', '--mode', mode, '--logLevel', 'warn'], {
    cwd: ROOT,
    env: { ...process.env, SERVICEDESK_BUNDLE_SOURCEMAP: 'true' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (run.status !== 0) {
    console.error(run.stdout, run.stderr);
    throw new Error(`vite build --mode ${mode} failed (${run.status})`);
  }
  return (Date.now() - t0) / 1000;
}

function main(): void {
  const measured = BUNDLES.map((b) => {
    const seconds = build(b.mode);
    const path = join(DIST, b.file);
    const code = readFileSync(path);
    const parts = existsSync(`${path}.map`)
      ? byOrigin(code.toString('utf8'), `${path}.map`)
      : new Map<string, string>();
    return { ...b, seconds, raw: code.length, gz: gzip9(code), parts };
  });
  const sdk = sdkMinified();
  const sdkRaw = sdk ? readFileSync(sdk).length : undefined;
  const sdkGz = sdk ? gzip9(readFileSync(sdk)) : undefined;

  const rows = [
    ...measured.map((m) => [
      `\`${m.file}\` (${m.what})`,
      kb(m.raw),
      kb(m.gz),
      m.target ? `≤ ${TARGET_KB} KB: ${verdict(m.gz <= TARGET_KB * KB)}` : '',
    ]),
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
  const both = measured[0]!;
  const origins = [...new Set(measured.flatMap((m) => [...m.parts.keys()]))].filter((k) => !k.startsWith('unmapped'));
  const size = (m: (typeof measured)[number], k: string) => {
    const v = m.parts.get(k);
    return v === undefined ? '–' : `${kb(v.length)} / ${kb(gzip9(v))}`;
  };
  const tParts = table(
    ['origin (source map): raw / gzip -9 alone, KB', ...measured.map((m) => m.what)],
    origins
      .sort((a, b) => (both.parts.get(b)?.length ?? 0) - (both.parts.get(a)?.length ?? 0))
      .map((k) => [k, ...measured.map((m) => size(m, k))]),
  );
  const t = table(['file', 'raw, KB', 'gzip -9, KB', 'target'], rows);
  console.log(`\n${t}\n\n${tParts}\n`);
  const pass = measured.every((m) => !m.target || m.gz <= TARGET_KB * KB);
  const seconds = measured.reduce((sum, m) => sum + m.seconds, 0);

  writeSubsection(
    'Bundle',
    `Command: \`pnpm bench:client:bundle\` (\`bench/client-bundle.ts\`): runs \`pnpm exec vite build --mode <mode>\` for
\`bundle\` and \`bundle-guest-chat\` (${seconds.toFixed(1)} s in all), then gzips each with zlib
level 9. Run ${today()} on ${machine()}. KB = 1,024 bytes.

${t}

By origin, from each bundle's source map (each part gzipped on its own, so the parts add up to more than the whole):

${tParts}

Target: each channel's runtime at most ${TARGET_KB} KB gzip, SDK and RxJS included — **${verdict(pass)}**, with one
bundle per channel: \`servicedesk.bundle.js\` is Web Messaging, \`servicedesk.guest-chat.bundle.js\` guest chat (the
legacy channel). The reference integration loads the guest chat SDK alone at
${sdkGz ? `${kb(sdkGz)} KB` : '~26 KB'} gzip (its \`web-cjs\` build) on top of its own bundle.`,
  );
  console.log('BENCHMARKS.md updated (Browser client / Bundle).');
}

main();
