import { backoffDelay } from '../../src/streams/backoff';

describe('backoffDelay (the convention shared with the middleware)', () => {
  test('doubles from initialMs (attempt 1 is the first retry), half of it random, and is capped', () => {
    expect(backoffDelay(1, { initialMs: 100 }, () => 0)).toBe(100);
    expect(backoffDelay(1, { initialMs: 100 }, () => 1)).toBe(50);
    expect(backoffDelay(4, { initialMs: 100 }, () => 0)).toBe(800);
    expect(backoffDelay(20, { initialMs: 100, maxMs: 2000 }, () => 0)).toBe(2000);
    expect(backoffDelay(2, { initialMs: 100, jitter: 0 }, () => 1)).toBe(200);
  });

  test('defaults: 0.5 s doubling to 15 s', () => {
    expect(backoffDelay(1, {}, () => 0)).toBe(500);
    expect(backoffDelay(10, {}, () => 0)).toBe(15_000);
  });
});
