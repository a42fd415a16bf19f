import { backoffDelay } from './backoff';
import { toUpstreamError } from './upstream-error';

describe('toUpstreamError', () => {
  it.each([
    [
      'extended 429',
      { status: 429, headers: { 'retry-after': '3' }, body: {} },
      { kind: 'rate-limited', status: 429, retryAfterMs: 3000 },
    ],
    ['extended 503', { status: 503, headers: {}, body: {} }, { kind: 'unavailable', status: 503 }],
    ['extended 504', { status: 504, headers: {}, body: {} }, { kind: 'timeout' }],
    ['extended 401', { status: 401, headers: {}, body: {} }, { kind: 'unauthorized', status: 401 }],
    ['extended 404', { status: 404, headers: {}, body: {} }, { kind: 'not-found', status: 404 }],
    ['extended 400', { status: 400, headers: {}, body: {} }, { kind: 'rejected', status: 400 }],
    [
      'axios login 401',
      { isAxiosError: true, code: 'ERR_BAD_REQUEST', response: { status: 401, headers: {} } },
      { kind: 'unauthorized', status: 401 },
    ],
    ['axios timeout', { isAxiosError: true, code: 'ECONNABORTED' }, { kind: 'timeout' }],
    [
      'axios refused',
      { isAxiosError: true, code: 'ECONNREFUSED' },
      { kind: 'unavailable', transportCode: 'ECONNREFUSED' },
    ],
    ['SDK missing argument', 'Missing the required parameter "queueId"', { kind: 'rejected' }],
  ])('classifies %s', (_name, raw, failure) => {
    expect(toUpstreamError(raw, 'op').failure).toEqual(failure);
  });

  it('keeps nothing of the raw error (it carries the bearer token)', () => {
    const e = toUpstreamError(
      {
        status: 500,
        headers: {},
        body: { message: 'boom' },
        error: { config: { headers: { Authorization: 'Bearer secret-token' } } },
      },
      'op',
    );
    expect(JSON.stringify(e.toLog())).not.toContain('secret-token');
    expect(e.message).not.toContain('secret-token');
  });
});

describe('backoffDelay', () => {
  it('doubles from initialMs (attempt 1 is the first retry), half of it random, and is capped', () => {
    expect(backoffDelay(1, { initialMs: 100 }, () => 0)).toBe(100);
    expect(backoffDelay(1, { initialMs: 100 }, () => 1)).toBe(50);
    expect(backoffDelay(4, { initialMs: 100 }, () => 0)).toBe(800);
    expect(backoffDelay(20, { initialMs: 100, maxMs: 2000 }, () => 0)).toBe(2000);
    expect(backoffDelay(2, { initialMs: 100, jitter: 0 }, () => 1)).toBe(200);
  });
});
