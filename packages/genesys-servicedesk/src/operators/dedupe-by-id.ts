import type { MonoTypeOperatorFunction } from 'rxjs';
import type { EventFrame } from '../genesys/frames';
import { perSubscription } from './per-subscription';

/**
 * Drops message and typing frames whose id was seen before (Genesys may re-deliver, and an echo can race the REST
 * response or a backfill). Member changes carry no id and pass through; their duplicates are handled by
 * `memberChanges`. Remembers at least the last `capacity` ids (and at most twice as many), so a long chat does not
 * grow memory without bound.
 *
 * Two generations of ids: new ids go into the current one; when it holds `capacity`, it becomes the previous one and
 * the one before is dropped whole. Nothing is ever deleted one by one: evicting the oldest id for every new one
 * (through the Set's iterator, later through a ring) kept the Set's table churning and cost more than parsing the
 * frame's id.
 */
export function dedupeById<T extends EventFrame>(capacity = 2000): MonoTypeOperatorFunction<T> {
  return perSubscription<T, T>((out) => {
    let current = new Set<string>();
    let previous = new Set<string>();
    return (f) => {
      if (f.kind !== 'member-change' && capacity >= 1) {
        const id = f.id;
        if (current.has(id) || previous.has(id)) return;
        if (current.size >= capacity) {
          previous = current;
          current = new Set();
        }
        current.add(id);
      }
      out.next(f);
    };
  });
}
