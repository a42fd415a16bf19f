import type { MonoTypeOperatorFunction } from 'rxjs';
import { perSubscription } from './per-subscription';

/**
 * Drops values whose id was seen before (a channel may re-deliver, and an echo can race a REST answer or a backfill).
 * Values without an id (`idOf` gives undefined) pass through. Remembers the ids in two generations: when the current
 * one holds `capacity`, it becomes the previous one and the one before is forgotten whole. So at least the last
 * `capacity` ids and at most twice as many are known, and a long chat does not grow memory without bound.
 */
export function dedupeById<T>(idOf: (value: T) => string | undefined, capacity = 2000): MonoTypeOperatorFunction<T> {
  return perSubscription<T, T>((out) => {
    let current = new Set<string>();
    let previous = new Set<string>();
    return (value) => {
      const id = idOf(value);
      if (id !== undefined) {
        if (current.has(id) || previous.has(id)) return;
        if (current.size >= capacity) {
          previous = current;
          current = new Set();
        }
        current.add(id);
      }
      out.next(value);
    };
  });
}
