/**
 * A connection's `opened`: resolved once when the chat is ready for the customer, or rejected once when it cannot
 * start; later calls change nothing. Nobody may await it (a chat disposed at once), so a rejection is never an
 * unhandled one.
 */
export class ReadySignal {
  readonly promise: Promise<void>;
  private state: 'pending' | 'ready' | 'failed' = 'pending';
  private settle!: { resolve: () => void; reject: (e: Error) => void };

  constructor() {
    this.promise = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
    this.promise.catch(() => undefined);
  }

  /** The chat was ready for the customer. */
  get ready(): boolean {
    return this.state === 'ready';
  }

  resolve(): void {
    if (this.state !== 'pending') return;
    this.state = 'ready';
    this.settle.resolve();
  }

  reject(e: Error): void {
    if (this.state !== 'pending') return;
    this.state = 'failed';
    this.settle.reject(e);
  }
}
