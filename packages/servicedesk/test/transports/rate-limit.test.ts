import { VirtualTimeScheduler } from 'rxjs';
import { ServiceDeskError } from '../../src/errors';
import { MAX_RETRY_AFTER_MS, RATE_LIMIT_RETRIES, retryRateLimited } from '../../src/transports/rate-limit';
import { isTransient, retryTransient } from '../../src/transports/retry-transient';

const limited = (retryAfterMs?: number) =>
  new ServiceDeskError('GENESYS_UNAVAILABLE', 'Genesys refused the message: 429', {
    status: 429,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });

/** Runs `p` to its end on virtual time; the times (ms) at which `run` was called. */
async function onVirtualTime(make: (s: VirtualTimeScheduler, at: number[]) => Promise<unknown>) {
  const scheduler = new VirtualTimeScheduler();
  const at: number[] = [];
  let settled = false;
  const p = make(scheduler, at).finally(() => (settled = true));
  p.catch(() => undefined);
  while (!settled) {
    await new Promise((r) => setImmediate(r));
    scheduler.flush();
  }
  return { p, at };
}

describe('retryRateLimited (the one layer that retries a 429)', () => {
  test("sent again after each retryAfter (1 s when Genesys named none), at most RATE_LIMIT_RETRIES times; then the 429 is the caller's", async () => {
    const { p, at } = await onVirtualTime((scheduler, at) =>
      retryRateLimited(async () => {
        at.push(scheduler.now());
        throw limited(at.length === 1 ? undefined : 3000);
      }, scheduler),
    );
    await expect(p).rejects.toMatchObject({ status: 429 });
    expect(RATE_LIMIT_RETRIES).toBe(3);
    expect(at).toEqual([0, 1000, 4000, 7000]);
  });

  test("a retryAfter longer than MAX_RETRY_AFTER_MS is not waited for: the 429 is the caller's at once", async () => {
    const { p, at } = await onVirtualTime((scheduler, at) =>
      retryRateLimited(async () => {
        at.push(scheduler.now());
        throw limited(MAX_RETRY_AFTER_MS + 1);
      }, scheduler),
    );
    await expect(p).rejects.toMatchObject({ status: 429 });
    expect(at).toEqual([0]);
  });

  test('a refusal other than 429 and a success are not retried', async () => {
    const refused = await onVirtualTime((scheduler, at) =>
      retryRateLimited(async () => {
        at.push(scheduler.now());
        throw new ServiceDeskError('GENESYS_REFUSED', '400');
      }, scheduler),
    );
    await expect(refused.p).rejects.toMatchObject({ code: 'GENESYS_REFUSED' });
    expect(refused.at).toEqual([0]);
    const ok = await onVirtualTime((scheduler, at) =>
      retryRateLimited(async () => {
        at.push(scheduler.now());
        if (at.length === 1) throw limited(500);
        return 'echoed';
      }, scheduler),
    );
    await expect(ok.p).resolves.toBe('echoed');
    expect(ok.at).toEqual([0, 500]);
  });

  test('a 429 is not transient: retryTransient (the summary) does not retry it a second time', async () => {
    expect(isTransient(limited(1000))).toBe(false);
    expect(isTransient(new ServiceDeskError('GENESYS_UNAVAILABLE', '5000', { status: 5000 }))).toBe(true);
    const { p, at } = await onVirtualTime((scheduler, at) =>
      retryTransient(
        async () => {
          at.push(scheduler.now());
          throw limited(1000);
        },
        { scheduler },
      ),
    );
    await expect(p).rejects.toMatchObject({ status: 429 });
    expect(at).toEqual([0]);
  });
});
