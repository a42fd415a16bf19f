import { filter, type MonoTypeOperatorFunction } from 'rxjs';
import type { EventFrame } from '../genesys/frames';

/**
 * Drops message and typing frames whose id was seen before (Genesys may re-deliver, and an echo can race the REST
 * response or a backfill). Member changes carry no id and pass through; their duplicates are handled by
 * `memberChanges`. Remembers the last `capacity` ids so a long chat does not grow memory without bound.
 */
export function dedupeById<T extends EventFrame>(capacity = 2000): MonoTypeOperatorFunction<T> {
  return (source) => {
    const seen = new Set<string>();
    // The oldest id is found in a ring of its own: taking it from the Set's iterator walks over every entry deleted
    // since the Set last rehashed (V8 keeps them as holes), which made each new id cost O(capacity).
    const ring: Array<string | undefined> = [];
    let oldest = 0;
    return source.pipe(
      filter((f) => {
        if (f.kind === 'member-change' || capacity < 1) return true;
        if (seen.has(f.id)) return false;
        seen.add(f.id);
        if (ring.length < capacity) ring.push(f.id);
        else {
          seen.delete(ring[oldest] as string);
          ring[oldest] = f.id;
          oldest = (oldest + 1) % capacity;
        }
        return true;
      }),
    );
  };
}
