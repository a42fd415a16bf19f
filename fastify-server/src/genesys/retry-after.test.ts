import { browserRetryAfterSeconds, retryAfterMs } from './retry-after';
import { toUpstreamError } from './upstream-error';

describe('retryAfterMs', () => {
  it('reads seconds, an HTTP date, inin-ratelimit-reset, else 1 s', () => {
    expect(retryAfterMs({ 'retry-after': '42' })).toBe(42_000);
    expect(retryAfterMs({ 'retry-after': '1.5' })).toBe(1500);
    expect(retryAfterMs({ 'retry-after': new Date(10_000).toUTCString() }, 60_000, 4000)).toBe(6000);
    expect(retryAfterMs({ 'inin-ratelimit-reset': '7' })).toBe(7000);
    expect(retryAfterMs({})).toBe(1000);
    expect(retryAfterMs({ get: (n: string) => (n === 'retry-after' ? 2 : undefined) })).toBe(2000);
  });

  it('caps a long wait at the cap (60 s unless configured)', () => {
    expect(retryAfterMs({ 'retry-after': '600' })).toBe(60_000);
    expect(retryAfterMs({ 'retry-after': '600' }, 30_000)).toBe(30_000);
    expect(retryAfterMs({ 'retry-after': '3600' }, 3_600_000)).toBe(3_600_000);
    expect(retryAfterMs({ 'retry-after': new Date(1_800_000).toUTCString() }, 60_000, 0)).toBe(60_000);
  });

  it.each([
    ['over an hour', '86400'],
    ['absurdly long', '99999999999999999999'],
    ['negative', '-5'],
    ['an ISO date, which Date.parse would take', '2030-01-01'],
    ['words', 'soon'],
    ['empty', ''],
    ['exponent notation', '1e9'],
    ['a date more than an hour ahead', new Date(7_200_000).toUTCString()],
  ])('takes a Retry-After that is %s as absent (then inin-ratelimit-reset, else 1 s)', (_what, value) => {
    expect(retryAfterMs({ 'retry-after': value }, 60_000, 0)).toBe(1000);
    expect(retryAfterMs({ 'retry-after': value, 'inin-ratelimit-reset': '3' }, 60_000, 0)).toBe(3000);
  });

  it('bounds the wait of a classified 429 by the cap given', () => {
    const raw = { status: 429, headers: { 'retry-after': '900' }, body: {} };
    expect(toUpstreamError(raw, 'op', 1, 20_000).failure).toEqual({
      kind: 'rate-limited',
      status: 429,
      retryAfterMs: 20_000,
    });
  });
});

describe('browserRetryAfterSeconds', () => {
  it('is at least 1 s and at most an hour', () => {
    expect(browserRetryAfterSeconds(0)).toBe(1);
    expect(browserRetryAfterSeconds(2.1)).toBe(3);
    expect(browserRetryAfterSeconds(86_400)).toBe(3600);
    expect(browserRetryAfterSeconds(Number.POSITIVE_INFINITY)).toBe(3600);
    expect(browserRetryAfterSeconds(Number.NaN)).toBe(1);
  });
});
