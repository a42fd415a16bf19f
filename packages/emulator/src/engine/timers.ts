import type { WebSocket } from 'ws';
import { GenesysError } from '../errors';

/**
 * Every timer the engine runs, held in one place so that closing the engine stops them all: delays, one timeout per
 * key (a conversation's inactivity), and one interval per guest socket (its heartbeat).
 */
export class EngineTimers {
  private readonly pending = new Set<NodeJS.Timeout>();
  private readonly keyed = new Map<string, NodeJS.Timeout>();
  private readonly intervals = new Map<WebSocket, NodeJS.Timeout>();
  private closed = false;

  /** Run `fn` after `ms`, swallowing the conflict it may meet if the chat moved on meanwhile. */
  later(ms: number, fn: () => void): void {
    if (this.closed) return;
    const t = setTimeout(() => {
      this.pending.delete(t);
      try {
        fn();
      } catch (e) {
        if (!(e instanceof GenesysError)) throw e;
      }
    }, ms);
    this.pending.add(t);
  }

  /** Start (or start again) the timeout held under `key`. */
  restart(key: string, ms: number, fn: () => void): void {
    this.cancel(key);
    const t = setTimeout(() => {
      this.pending.delete(t);
      this.keyed.delete(key);
      fn();
    }, ms);
    this.pending.add(t);
    this.keyed.set(key, t);
  }

  cancel(key: string): void {
    const t = this.keyed.get(key);
    if (t) {
      clearTimeout(t);
      this.pending.delete(t);
      this.keyed.delete(key);
    }
  }

  /** Run `fn` every `ms` while the socket lives; the interval does not keep the process alive. */
  every(ws: WebSocket, ms: number, fn: () => void): void {
    const t = setInterval(fn, ms);
    t.unref();
    this.intervals.set(ws, t);
  }

  stopEvery(ws: WebSocket): void {
    const t = this.intervals.get(ws);
    if (t) clearInterval(t);
    this.intervals.delete(ws);
  }

  close(): void {
    this.closed = true;
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
    this.keyed.clear();
    for (const t of this.intervals.values()) clearInterval(t);
    this.intervals.clear();
  }
}
