/**
 * A per-queue ceiling on upstream requests: at most `limit` in any `windowMs` (a sliding log of send times). The
 * pace of attempts keeps the average at one call per interval; this keeps a burst (a cold fill's retries right
 * after a paced attempt) from pushing any single minute past the documented figure.
 */
export class CallBudget {
  private readonly sent: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  /** Requests that may still be sent now. */
  room(): number {
    const since = this.now() - this.windowMs;
    while (this.sent.length > 0 && (this.sent[0] ?? 0) <= since) this.sent.shift();
    return this.limit - this.sent.length;
  }

  /** Records one request about to be sent; false (nothing recorded) when the budget is spent. */
  take(): boolean {
    if (this.room() <= 0) return false;
    this.sent.push(this.now());
    return true;
  }
}
