import type { GenesysPlatform } from './platform-client';
import { UpstreamError } from './upstream-error';

export type Readiness = { ready: true; checkedAt: number } | { ready: false; checkedAt: number; error: UpstreamError };

/**
 * "Genesys reachable with a valid token": `GET /api/v2/tokens/me` (needs no permission, docs/platform-api.md, "Health"), cached for
 * a while and shared by concurrent probes, so orchestrator probes cost a bounded number of upstream calls.
 */
export class ReadinessProbe {
  private last: Readiness | undefined;
  private inflight: Promise<Readiness> | undefined;

  constructor(
    private readonly platform: Pick<GenesysPlatform, 'tokenInfo'>,
    private readonly cacheMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  check(): Promise<Readiness> {
    if (this.last && this.now() - this.last.checkedAt < this.cacheMs) return Promise.resolve(this.last);
    this.inflight ??= this.platform
      .tokenInfo({ retries: 0 })
      .then(
        (): Readiness => ({ ready: true, checkedAt: this.now() }),
        (e: unknown): Readiness => ({
          ready: false,
          checkedAt: this.now(),
          error: e instanceof UpstreamError ? e : new UpstreamError('token info', { kind: 'rejected' }),
        }),
      )
      .then((r) => {
        this.last = r;
        this.inflight = undefined;
        return r;
      });
    return this.inflight;
  }
}
