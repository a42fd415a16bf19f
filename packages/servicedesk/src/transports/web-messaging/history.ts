import { GenesysApiError } from '../../errors';
import type { Incoming } from './detectors/types';
import { parseMessage } from './parse-frame';

export interface HistoryRequest {
  apiBaseUrl: string;
  /** The JWT of `getJwt`. */
  jwt: string;
  /** The last message already handled: the history after it is what was missed. */
  after: string | undefined;
  /** After a reload: the messages up to `after` come back as replayed (they tell who the agent is, nothing is shown). */
  replay: boolean;
  fetch: typeof fetch;
  pageSize?: number;
  /** A bound on what one backfill reads. @default 20 */
  maxPages?: number;
}

/**
 * The conversation's history from `GET /api/v2/webmessaging/messages` (newest first, page by page) back to the
 * message `after`, oldest first. Nothing missed while the socket was away is replayed on it; this fills the gap,
 * and de-duplication by id drops what was already seen.
 */
export async function fetchHistory(r: HistoryRequest): Promise<Incoming[]> {
  const pageSize = r.pageSize ?? 25;
  const maxPages = r.maxPages ?? 20;
  const newestFirst: Incoming[] = [];
  let anchorFound = false;
  for (let page = 1; page <= maxPages && !anchorFound; page++) {
    const url = `${r.apiBaseUrl.replace(/\/+$/, '')}/api/v2/webmessaging/messages?pageSize=${pageSize}&pageNumber=${page}`;
    let res: Response;
    try {
      res = await r.fetch(url, { headers: { accept: 'application/json', authorization: `Bearer ${r.jwt}` } });
    } catch (e) {
      throw new GenesysApiError('history', { cause: e });
    }
    if (!res.ok) throw new GenesysApiError('history', { status: res.status });
    const body = (await res.json()) as { entities?: unknown; pageCount?: unknown };
    const entities = Array.isArray(body.entities) ? body.entities : [];
    for (const e of entities) {
      const m = parseMessage(e);
      if ('kind' in m) continue;
      if (m.id === r.after) anchorFound = true;
      newestFirst.push(r.replay && (anchorFound || m.id === r.after) ? { ...m, replayed: 'more' } : m);
    }
    if (entities.length < pageSize || (typeof body.pageCount === 'number' && page >= body.pageCount)) break;
  }
  const oldestFirst = newestFirst.reverse();
  if (r.after === undefined) return oldestFirst;
  if (!r.replay)
    return anchorFound ? oldestFirst.slice(oldestFirst.findIndex((m) => m.id === r.after) + 1) : oldestFirst;
  // Without the resume point in reach, showing everything again would show it twice: all of it is replayed.
  const marked = anchorFound ? oldestFirst : oldestFirst.map((m) => ({ ...m, replayed: 'more' as const }));
  let last = -1;
  marked.forEach((m, i) => (last = m.replayed ? i : last));
  if (last >= 0) marked[last] = { ...marked[last]!, replayed: 'last' };
  return marked;
}
