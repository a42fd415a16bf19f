/**
 * Parsers of the variables whose values have a shape of their own (URLs, origin lists, proxy rules), for
 * `config.ts`. Each reports a problem naming the variable instead of throwing, so one boot reports them all.
 */

/** Reports a bad variable (`config.ts` collects them into one ConfigError). */
type Problem = (variable: string, message: string) => void;

/** The URL as given, after checking its shape; the message never shows it (it may hold a password). */
export function parseRedisUrl(value: string, problem: Problem): string | null {
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '') {
    problem('REDIS_URL', 'must be a redis:// or rediss:// URL such as redis://:password@redis:6379/0 (value hidden)');
    return null;
  }
  return value;
}

export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function httpUrl(value: string, variable: string, problem: Problem): URL | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problem(variable, `must be an absolute http(s) URL (got "${value}")`);
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    problem(variable, `must use http or https (got "${value}")`);
  if (url.search || url.hash || url.username || url.password)
    problem(variable, `must not carry a query, fragment or credentials (got "${value}")`);
  return url;
}

export function parseOrigins(value: string, allowAny: boolean, problem: Problem): string[] | '*' {
  const items = splitList(value);
  if (items.includes('*')) {
    if (!allowAny)
      problem('ALLOWED_ORIGINS', 'may be "*" only with ALLOW_ANY_ORIGIN_FOR_DEVELOPMENT=true (never in production)');
    return '*';
  }
  const origins: string[] = [];
  for (const item of items) {
    let url: URL | null = null;
    try {
      url = new URL(item);
    } catch {
      // reported below
    }
    // An origin is scheme://host[:port] and nothing else; a path or trailing slash never matches a browser's Origin header.
    if (
      !url ||
      (url.protocol !== 'http:' && url.protocol !== 'https:') ||
      url.origin !== item.replace(/\/$/, '').toLowerCase() ||
      item.endsWith('/')
    ) {
      problem(
        'ALLOWED_ORIGINS',
        `must list origins like https://www.example.com (scheme, host, optional port; no path or trailing slash), got "${item}"`,
      );
      continue;
    }
    origins.push(url.origin);
  }
  return origins;
}

export function parseTrustProxy(value: string, problem: Problem): false | number | string[] {
  const v = value.trim().toLowerCase();
  if (v === 'false' || v === '') return false;
  // Trusting every hop lets each client write its own address into X-Forwarded-For and get a fresh rate-limit
  // bucket per request; only the hops we know are ours may be believed.
  if (v === 'true') {
    problem(
      'TRUST_PROXY',
      'may not be "true" (every client could choose its own address and pass the rate limits); set the hop count of your proxies (1 behind one load balancer) or their addresses/CIDRs',
    );
    return false;
  }
  if (/^\d+$/.test(v)) return Number(v);
  const list = splitList(value);
  if (
    list.every(
      (item) => /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(item) || ['loopback', 'linklocal', 'uniquelocal'].includes(item),
    )
  )
    return list;
  problem(
    'TRUST_PROXY',
    `must be false, a hop count, or a comma-separated list of proxy addresses/CIDRs (got "${value}")`,
  );
  return false;
}
