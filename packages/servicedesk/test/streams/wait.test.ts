import { VirtualTimeScheduler } from 'rxjs';
import { wait } from '../../src/streams/wait';

describe('wait (the one pause on the scheduler)', () => {
  test('resolves false after `ms` of scheduler time, and leaves no timer behind', async () => {
    const scheduler = new VirtualTimeScheduler();
    let settled: boolean | undefined;
    void wait(500, scheduler).then((woken) => (settled = woken));
    scheduler.maxFrames = 499;
    scheduler.flush();
    await Promise.resolve();
    expect(settled).toBeUndefined();
    scheduler.maxFrames = 500;
    scheduler.flush();
    await Promise.resolve();
    expect(settled).toBe(false);
    expect(scheduler.actions).toHaveLength(0);
  });

  test('woken early: resolves true at once and cancels its timer; a second wake changes nothing', async () => {
    const scheduler = new VirtualTimeScheduler();
    let wake: (() => void) | undefined;
    const woken = wait(10_000, scheduler, (w) => (wake = w));
    wake!();
    wake!();
    await expect(woken).resolves.toBe(true);
    expect(scheduler.actions).toHaveLength(0);
  });
});
