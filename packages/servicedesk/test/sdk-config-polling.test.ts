import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * In Node the guest chat SDK polls a config file in the home folder for every client, its process-wide default one
 * included, and a file that appears there re-points it (and calls back into a module registry that may be gone). Once
 * our guest API is loaded, nothing polls: a config file written afterwards changes nothing. Run in a child process
 * with a home folder of its own.
 */
test('a config file that appears in the home folder does not re-point the guest chat SDK', () => {
  const home = mkdtempSync(join(tmpdir(), 'sdk-home-'));
  try {
    const script = `
      import { mkdirSync, writeFileSync } from 'node:fs';
      import { join } from 'node:path';
      import guestChat from 'purecloud-guest-chat-client';
      import ${JSON.stringify(resolve(__dirname, '../src/transports/guest-chat/guest-api.ts'))};
      const dir = join(process.env.HOME, '.genesyscloudjavascript-guest');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'config'), '[general]\\nhost = https://api.elsewhere.example\\n');
      // The SDK polls every 5,007 ms.
      setTimeout(() => console.log('basePath=' + guestChat.ApiClient.config.basePath), 6000);
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: resolve(__dirname, '..'),
      env: { ...process.env, HOME: home },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('basePath=https://api.mypurecloud.com');
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
