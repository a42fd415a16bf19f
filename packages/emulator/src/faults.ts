import { randomUUID } from 'node:crypto';

/** A fault injected into the emulated Genesys endpoints (`POST /control/faults`). */
export interface FaultRule {
  id: string;
  /**
   * Which requests: "METHOD /route/pattern" as the request log names them (e.g.
   * "POST /api/v2/analytics/queues/observations/query"), or a URL path prefix (e.g. "/api/v2/routing").
   * Absent: every emulated Genesys endpoint.
   */
  endpoint?: string;
  /** Delay before the request is handled (ms). */
  latencyMs?: number;
  /**
   * Answer with this status instead (500, 502, 503, 504 or 429) and a Genesys error body; with {@link body}, any
   * status from 200 to 599 (default 200).
   */
  status?: number;
  /** Error code in the body. @default derived from the status */
  code?: string;
  /** `Retry-After` seconds for a 429. @default 1 */
  retryAfterSeconds?: number;
  /** The `Retry-After` header of a 429 exactly as given (a huge, negative or malformed value); wins over `retryAfterSeconds`. */
  retryAfter?: string;
  /**
   * Answer with this body as it is (HTML from a proxy, truncated JSON, `null`, a wrong shape) instead of the
   * endpoint's: what a broken gateway in front of Genesys sends with a 200.
   */
  body?: string;
  /** Content type of {@link body}. @default 'application/json' */
  contentType?: string;
  /** Close the connection without answering (a connection reset). */
  reset?: boolean;
  /** Apply to this many matching requests, then remove the rule. Absent: until removed. */
  times?: number;
}

export type FaultInput = Omit<FaultRule, 'id'>;

const DEFAULT_CODES: Record<number, string> = {
  429: 'too.many.requests.retry.after',
  500: 'internal.server.error',
  502: 'bad.gateway',
  503: 'service.unavailable',
  504: 'request.timeout',
};

export function defaultFaultCode(status: number): string {
  return DEFAULT_CODES[status] ?? 'internal.server.error';
}

export class FaultInjector {
  private rules: FaultRule[] = [];

  add(input: FaultInput): FaultRule {
    if (input.body !== undefined) {
      if (input.status !== undefined && !(input.status >= 200 && input.status <= 599))
        throw new RangeError(`status with a body must be 200-599, got ${input.status}`);
    } else if (input.status !== undefined && !(input.status === 429 || (input.status >= 500 && input.status <= 599))) {
      throw new RangeError(`status must be 429 or 5xx, got ${input.status}`);
    }
    if (input.latencyMs === undefined && input.status === undefined && input.body === undefined && !input.reset)
      throw new RangeError('a fault needs latencyMs, status, body or reset');
    const rule: FaultRule = { id: randomUUID(), ...input };
    this.rules.push(rule);
    return rule;
  }

  list(): FaultRule[] {
    return [...this.rules];
  }

  remove(id?: string): void {
    this.rules = id ? this.rules.filter((r) => r.id !== id) : [];
  }

  /** The rules that apply to this request; each application counts against `times`. */
  take(endpoint: string, path: string): { latencyMs: number; failure?: FaultRule } {
    let latencyMs = 0;
    let failure: FaultRule | undefined;
    for (const rule of [...this.rules]) {
      if (rule.endpoint && rule.endpoint !== endpoint && !path.startsWith(rule.endpoint)) continue;
      latencyMs += rule.latencyMs ?? 0;
      if ((rule.status !== undefined || rule.body !== undefined || rule.reset) && !failure) failure = rule;
      if (rule.times !== undefined) {
        rule.times -= 1;
        if (rule.times <= 0) this.remove(rule.id);
      }
    }
    return failure ? { latencyMs, failure } : { latencyMs };
  }
}
