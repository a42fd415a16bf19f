import { DEFAULT_RETRY_AFTER_CAP_MS, retryAfterMs } from './retry-after';

/**
 * One typed failure for everything a Genesys call can reject with. The SDK rejects in three shapes
 * (docs/platform-api.md, "The SDK"): an extended error response `{status, headers, body, error}`, a raw AxiosError (login,
 * timeouts, refused connections), or a plain string (a missing required argument). Only the facts needed to decide
 * and to log are kept: never the body, the request headers (they carry the token) or the raw error.
 */
export type UpstreamFailure =
  | { kind: 'rate-limited'; status: 429; retryAfterMs: number }
  | { kind: 'timeout' }
  | { kind: 'unavailable'; status?: number; transportCode?: string }
  | { kind: 'unauthorized'; status: number }
  | { kind: 'not-found'; status: 404 }
  | { kind: 'rejected'; status?: number }
  /** An answer that is not what Genesys sends (HTML, truncated JSON, null, a wrong shape; `upstream-answers.ts`). */
  | { kind: 'malformed'; status?: number };

export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';

  constructor(
    readonly operation: string,
    readonly failure: UpstreamFailure,
    /** Upstream requests this call made, retries included. */
    readonly attempts = 1,
    /** When known, how long until the operation may be tried again (a paced login, `login-pace.ts`). */
    readonly retryInMs?: number,
  ) {
    super(`Genesys ${operation} failed: ${describe(failure)}`);
  }

  get retryable(): boolean {
    // A garbled answer comes from something broken between us and Genesys, like a 5xx: worth another try.
    const k = this.failure.kind;
    return k === 'rate-limited' || k === 'timeout' || k === 'unavailable' || k === 'malformed';
  }

  /** What a log line may show. */
  toLog(): Record<string, unknown> {
    return { operation: this.operation, attempts: this.attempts, ...this.failure };
  }
}

function describe(f: UpstreamFailure): string {
  switch (f.kind) {
    case 'rate-limited':
      return `429, retry after ${f.retryAfterMs} ms`;
    case 'timeout':
      return 'timed out';
    case 'unavailable':
      return f.status ? `HTTP ${f.status}` : `no response (${f.transportCode ?? 'network error'})`;
    case 'unauthorized':
      return `HTTP ${f.status}`;
    case 'not-found':
      return 'HTTP 404';
    case 'rejected':
      return f.status ? `HTTP ${f.status}` : 'rejected before sending';
    case 'malformed':
      return `an answer${f.status ? ` (HTTP ${f.status})` : ''} that is not what Genesys sends`;
  }
}

type HeaderBag = Record<string, unknown> | { get?: (name: string) => unknown } | undefined;

/**
 * Classifies whatever an SDK call or login rejected with. A 429's wait is bounded here, once, by `retryAfterCapMs`
 * (`retry-after.ts`), so every pause it causes, shared through Redis or not, is bounded too.
 */
export function toUpstreamError(
  raw: unknown,
  operation: string,
  attempts = 1,
  retryAfterCapMs = DEFAULT_RETRY_AFTER_CAP_MS,
): UpstreamError {
  if (raw instanceof UpstreamError) return raw;
  const { status, headers, transportCode } = inspect(raw);
  return new UpstreamError(operation, classify(status, headers, transportCode, retryAfterCapMs), attempts);
}

function inspect(raw: unknown): { status?: number; headers?: HeaderBag; transportCode?: string } {
  if (typeof raw !== 'object' || raw === null) return {};
  const r = raw as Record<string, unknown>;
  // Extended response (setReturnExtendedResponses(true)): status and headers at the top.
  if (typeof r['status'] === 'number' && 'headers' in r)
    return { status: r['status'], headers: r['headers'] as HeaderBag };
  // AxiosError: a response when the server answered, else a transport code (ECONNABORTED, ECONNREFUSED, ...).
  const response = r['response'] as Record<string, unknown> | undefined;
  if (response && typeof response['status'] === 'number')
    return { status: response['status'], headers: response['headers'] as HeaderBag };
  if (typeof r['code'] === 'string') return { transportCode: r['code'] };
  // Plain-mode error body `{status, code, message}`.
  if (typeof r['status'] === 'number') return { status: r['status'] };
  return {};
}

const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT']);

function classify(
  status: number | undefined,
  headers: HeaderBag,
  transportCode: string | undefined,
  retryAfterCapMs: number,
): UpstreamFailure {
  if (status === undefined) {
    if (transportCode && TIMEOUT_CODES.has(transportCode)) return { kind: 'timeout' };
    if (transportCode && (transportCode.startsWith('E') || transportCode.startsWith('ERR_')))
      return { kind: 'unavailable', transportCode };
    return { kind: 'rejected' };
  }
  if (status === 429) return { kind: 'rate-limited', status, retryAfterMs: retryAfterMs(headers, retryAfterCapMs) };
  if (status === 408 || status === 504) return { kind: 'timeout' };
  if (status >= 500) return { kind: 'unavailable', status };
  if (status === 401 || status === 403) return { kind: 'unauthorized', status };
  if (status === 404) return { kind: 'not-found', status };
  return { kind: 'rejected', status };
}
