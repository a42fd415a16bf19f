import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The command line's variables for who may connect and TLS (EMULATOR_ALLOWED_HOSTS, EMULATOR_TLS, EMULATOR_TLS_DIR,
 * EMULATOR_TLS_CERT/KEY), through the real `pnpm emulator` entry point run as a child process.
 */

const PACKAGE = join(__dirname, '..');
const TSX = join(PACKAGE, 'node_modules/.bin/tsx');

function run(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number> } {
  const child = spawn(TSX, ['src/cli.ts'], {
    cwd: PACKAGE,
    env: { ...process.env, EMULATOR_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? -1)));
  return { child, output: () => text, exited };
}

async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function status(port: number, host: string, ca: string, servername = host): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port, path: '/control/state', headers: { host: `${host}:${port}` }, ca, servername },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

test('EMULATOR_TLS=self-signed with EMULATOR_ALLOWED_HOSTS: https, the kept certificate names the host, others are refused', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'emu-cli-tls-'));
  const emu = run({ EMULATOR_TLS: 'self-signed', EMULATOR_TLS_DIR: dir, EMULATOR_ALLOWED_HOSTS: 'emulator, box.lan' });
  try {
    await until(() => /TLS\s+.*cert\.pem/.test(emu.output()));
    const port = Number(/listening on https:\/\/127\.0\.0\.1:(\d+)/.exec(emu.output())?.[1]);
    expect(port).toBeGreaterThan(0);
    const cert = await readFile(join(dir, 'cert.pem'), 'utf8');
    expect(emu.output()).toContain(`NODE_EXTRA_CA_CERTS=${join(dir, 'cert.pem')}`);
    expect(await status(port, 'emulator', cert)).toBe(200);
    expect(await status(port, 'box.lan', cert)).toBe(200);
    expect(await status(port, 'localhost', cert)).toBe(200);
    // A name not allowed (sent over a connection the certificate does cover) is refused.
    expect(await status(port, 'rebound.example', cert, 'localhost')).toBe(403);
  } finally {
    emu.child.kill('SIGTERM');
    await emu.exited;
    await rm(dir, { recursive: true, force: true });
  }
}, 40_000);

test('EMULATOR_TLS_CERT without EMULATOR_TLS_KEY, or an unknown EMULATOR_TLS, stops with a message naming them', async () => {
  const half = run({ EMULATOR_TLS_CERT: '/nonexistent/cert.pem' });
  expect(await half.exited).toBe(2);
  expect(half.output()).toContain('EMULATOR_TLS_CERT and EMULATOR_TLS_KEY go together');
  const odd = run({ EMULATOR_TLS: 'yes' });
  expect(await odd.exited).toBe(2);
  expect(odd.output()).toContain('EMULATOR_TLS must be "self-signed"');
}, 40_000);
