import type { MonoTypeOperatorFunction } from 'rxjs';
import type { EventFrame } from '../genesys/frames';
import { perSubscription } from './per-subscription';
import { RecentIds } from './recent-ids';

/**
 * Drops message and typing frames whose id was seen before (Genesys may re-deliver, and an echo can race the REST
 * response or a backfill). Member changes carry no id and pass through; their duplicates are handled by
 * `memberChanges`. Remembers at least the last `capacity` ids (and at most twice as many, see {@link RecentIds}), so
 * a long chat does not grow memory without bound.
 */
export function dedupeById<T extends EventFrame>(capacity = 2000): MonoTypeOperatorFunction<T> {
  return perSubscription<T, T>((out) => {
    const seen = capacity >= 1 ? new RecentIds(capacity) : undefined;
    return (f) => {
      if (f.kind === 'member-change' || seen === undefined || seen.add(f.id)) out.next(f);
    };
  });
}
