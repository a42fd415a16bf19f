/** Every request and socket the emulator served as "Genesys", counted per endpoint, so tests can count round trips. */

export interface RequestLogEntry {
  at: string;
  /** "METHOD /route/pattern", e.g. "POST /api/v2/webchat/guest/conversations" or "WS /chat/jwt/:token". */
  endpoint: string;
  url: string;
  status: number;
  durationMs: number;
}

const MAX_ENTRIES = 10_000;

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private counts = new Map<string, number>();
  private total = 0;

  record(e: RequestLogEntry): void {
    this.total += 1;
    this.counts.set(e.endpoint, (this.counts.get(e.endpoint) ?? 0) + 1);
    this.entries.push(e);
    // Bounded so a load test cannot grow the emulator's memory without end; counts stay exact.
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
  }

  /** Counts per endpoint, and the most recent entries, optionally for endpoints starting with `endpoint`. */
  query(filter: { endpoint?: string; limit?: number } = {}): {
    total: number;
    counts: Record<string, number>;
    entries: RequestLogEntry[];
  } {
    const match = (ep: string) =>
      !filter.endpoint ||
      ep === filter.endpoint ||
      ep.startsWith(filter.endpoint) ||
      ep.split(' ')[1]?.startsWith(filter.endpoint);
    const counts: Record<string, number> = {};
    let total = 0;
    for (const [ep, n] of this.counts) {
      if (!match(ep)) continue;
      counts[ep] = n;
      total += n;
    }
    const entries = this.entries.filter((e) => match(e.endpoint)).slice(-(filter.limit ?? 200));
    return { total: filter.endpoint ? total : this.total, counts, entries };
  }

  clear(): void {
    this.entries = [];
    this.counts.clear();
    this.total = 0;
  }
}
