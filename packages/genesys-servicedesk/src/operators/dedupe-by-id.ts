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
    return source.pipe(
      filter((f) => {
        if (f.kind === 'member-change') return true;
        if (seen.has(f.id)) return false;
        seen.add(f.id);
        if (seen.size > capacity) seen.delete(seen.values().next().value as string);
        return true;
      }),
    );
  };
}
