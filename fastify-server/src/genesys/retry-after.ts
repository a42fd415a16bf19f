/**
 * How long a Genesys 429 makes the middleware wait, and what a browser is told (README "Genesys access", "Bounds").
 * Genesys asks for waits within a minute; a header that asks for more is a broken proxy or an attack on our
 * availability, and a wait it sets is shared by every instance through Redis. So every wait is bounded here, once.
 */

/** The wait when a 429 carries no usable Retry-After (none, malformed, negative or absurd). */
export const DEFAULT_RETRY_AFTER_MS = 1000;

/** The longest wait taken from a 429, unless configured otherwise (`GENESYS_RETRY_AFTER_CAP_MS`). */
export const DEFAULT_RETRY_AFTER_CAP_MS = 60_000;

/** A Retry-After asking for more than an hour is not a rate-limit wait but a broken header: treated as absent. */
export const ABSURD_RETRY_AFTER_MS = 3_600_000;

/** The longest `Retry-After` (seconds) a browser is ever sent. */
export const MAX_BROWSER_RETRY_AFTER_S = 3600;

type HeaderBag = Record<string, unknown> | { get?: (name: string) => unknown } | undefined;

/** RFC 9110 delay-seconds (a fraction tolerated), and the IMF-fixdate form of an HTTP date. */
const SECONDS = /^\d{1,10}(\.\d{1,3})?$/;
const HTTP_DATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

function header(headers: HeaderBag, name: string): string | undefined {
  if (!headers) return undefined;
  const value =
    typeof (headers as { get?: unknown }).get === 'function'
      ? (headers as { get: (n: string) => unknown }).get(name)
      : (headers as Record<string, unknown>)[name];
  return value === undefined || value === null ? undefined : String(value).trim();
}

/** A wait in ms from one header value, or undefined when it is not usable. */
function parse(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  let ms: number | undefined;
  if (SECONDS.test(value)) ms = Math.round(Number(value) * 1000);
  else if (HTTP_DATE.test(value)) {
    const date = Date.parse(value);
    if (!Number.isNaN(date)) ms = Math.max(0, date - now);
  }
  return ms === undefined || ms > ABSURD_RETRY_AFTER_MS ? undefined : ms;
}

/**
 * The wait a 429 asks for: `Retry-After` (seconds or an HTTP date), else `inin-ratelimit-reset` (seconds), else
 * {@link DEFAULT_RETRY_AFTER_MS} (docs/platform-api.md, "Limits and 429"); never more than `capMs`.
 */
export function retryAfterMs(headers: HeaderBag, capMs = DEFAULT_RETRY_AFTER_CAP_MS, now = Date.now()): number {
  const ms =
    parse(header(headers, 'retry-after'), now) ??
    parse(header(headers, 'inin-ratelimit-reset'), now) ??
    DEFAULT_RETRY_AFTER_MS;
  return Math.min(ms, capMs);
}

/** The `Retry-After` seconds a browser is sent for a wait of `seconds`: at least 1, at most an hour. */
export function browserRetryAfterSeconds(seconds: number): number {
  if (Number.isNaN(seconds)) return 1;
  if (!Number.isFinite(seconds)) return MAX_BROWSER_RETRY_AFTER_S;
  return Math.min(MAX_BROWSER_RETRY_AFTER_S, Math.max(1, Math.ceil(seconds)));
}
