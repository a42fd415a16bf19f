/** Typed errors with a code and a cause. The ServiceDesk maps them to the host's `setErrorStatus` in one place. */

export type ServiceDeskErrorCode =
  | 'MIDDLEWARE_UNAVAILABLE'
  | 'MIDDLEWARE_REFUSED'
  | 'IDENTITY_UNAVAILABLE'
  | 'GENESYS_REFUSED'
  | 'GENESYS_UNAVAILABLE'
  | 'SOCKET_FAILED'
  | 'NO_CHAT'
  | 'MESSAGE_TOO_LONG'
  /** A file Genesys (or the session's upload policy) does not take: its type, size or name. */
  | 'FILE_REFUSED'
  /** A file could not be uploaded (the upload target failed, or the channel has no uploads). */
  | 'UPLOAD_FAILED';

export class ServiceDeskError extends Error {
  readonly code: ServiceDeskErrorCode;
  /** HTTP status of the failed call, when there was one. */
  readonly status: number | undefined;
  /** How long Genesys asked to wait before trying again (a rate limit's `retryAfter`), when it said. */
  readonly retryAfterMs: number | undefined;
  override readonly cause: unknown;

  constructor(
    code: ServiceDeskErrorCode,
    message: string,
    options: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message);
    this.name = 'ServiceDeskError';
    this.code = code;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.cause = options.cause;
  }
}

/** A Genesys REST call failed: `status` and Genesys' `code` when the service answered, none on a network error. */
export class GenesysApiError extends ServiceDeskError {
  readonly genesysCode: string | undefined;

  constructor(
    operation: string,
    options: { status?: number; genesysCode?: string; detail?: string; retryAfterMs?: number; cause?: unknown },
  ) {
    const what = options.status
      ? `${options.status}${options.genesysCode ? ` ${options.genesysCode}` : ''}`
      : 'no answer';
    super(
      options.status && options.status < 500 && options.status !== 429 ? 'GENESYS_REFUSED' : 'GENESYS_UNAVAILABLE',
      `Genesys ${operation} failed: ${what}${options.detail ? ` (${options.detail})` : ''}`,
      {
        ...(options.status !== undefined ? { status: options.status } : {}),
        ...(options.retryAfterMs !== undefined ? { retryAfterMs: options.retryAfterMs } : {}),
        cause: options.cause,
      },
    );
    this.name = 'GenesysApiError';
    this.genesysCode = options.genesysCode;
  }
}

/** One line for the host's `logInfo`: the code and message of our errors, the message of others. */
export function describeError(e: unknown): string {
  if (e instanceof ServiceDeskError) return `${e.code}: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}

/** The message of an error, or of an error-like value (a socket's close or error event), or the value in words. */
export function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  const m = (e as { message?: unknown } | null)?.message;
  return typeof m === 'string' ? m : String(e);
}
