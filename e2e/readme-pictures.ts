import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { CustomerPage } from './pages';
import { ARTIFACTS, ROOT } from './stack';

/**
 * A README picture: kept with the run's artifacts (per channel), and written to `docs/` from the default channel's
 * run (Web Messaging) when missing or when asked for (`UPDATE_SCREENSHOT=true`), since a few anti-aliased pixels
 * differ from run to run.
 */
export async function saveScreenshot(customer: CustomerPage, docsPath: string, channel: string): Promise<void> {
  await customer.page.mouse.move(0, 0);
  const png = await customer.page.screenshot({ animations: 'disabled', caret: 'hide' });
  await mkdir(ARTIFACTS, { recursive: true });
  await writeFile(join(ARTIFACTS, `${channel}-${basename(docsPath)}`), png);
  const docs = join(ROOT, docsPath);
  if (channel !== 'web-messaging') return;
  if (process.env['UPDATE_SCREENSHOT'] === 'true' || !existsSync(docs)) await writeFile(docs, png);
}
