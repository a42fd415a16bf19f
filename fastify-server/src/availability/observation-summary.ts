import type { QueueObservationResponse } from '../genesys/platform-client';
import type { MediaType } from '../config';

/** What the middleware needs from one queue observation query (docs/platform-api.md, "Queue observations"). */
export interface ObservationSummary {
  /** Agents on queue: `oOnQueueUsers` summed over every routing status except NOT_RESPONDING. */
  onQueueAgents: number;
  /** `oOnQueueUsers` per routing status, as reported. */
  agentsByStatus: Readonly<Record<string, number>>;
  /** Conversations of the chat media type waiting in the queue. */
  waiting: number;
  /** 1-based place of each waiting conversation of that media type, in routing order. */
  positions: ReadonlyMap<string, number>;
  /** Genesys cut the list of waiting conversations short; an id missing from it has an unknown place. */
  truncated: boolean;
}

interface WaitingEntry {
  conversationId: string;
  observedAt: number;
  priority: number;
  index: number;
}

const count = (stats: unknown): number => {
  const n = (stats as { count?: unknown } | undefined)?.count;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 0;
};

/**
 * Reads a `QueueObservationQueryResponse` defensively: every level may be missing or empty (`data: []` when no
 * agent is on queue), entries are matched by metric, qualifier and group, never by position in an array.
 */
export function summarizeObservations(
  response: QueueObservationResponse | undefined,
  queueId: string,
  mediaType: MediaType,
): ObservationSummary {
  const agentsByStatus: Record<string, number> = {};
  let onQueueAgents = 0;
  let waiting = 0;
  let truncated = false;
  const entries: WaitingEntry[] = [];

  for (const result of Array.isArray(response?.results) ? response.results : []) {
    const group = result?.group ?? {};
    if (group['queueId'] !== queueId) continue;
    const groupMedia = group['mediaType'];
    for (const datum of Array.isArray(result?.data) ? result.data : []) {
      if (!datum || typeof datum !== 'object') continue;
      const n = count(datum.stats);
      // User metrics come in the group without a media type, one entry per routing status (docs/platform-api.md, "Queue observations").
      if (datum.metric === 'oOnQueueUsers' && groupMedia === undefined) {
        const status = typeof datum.qualifier === 'string' ? datum.qualifier : 'UNKNOWN';
        agentsByStatus[status] = (agentsByStatus[status] ?? 0) + n;
        // NOT_RESPONDING agents were offered an interaction and did not answer; they take nothing until they do.
        if (status !== 'NOT_RESPONDING') onQueueAgents += n;
      } else if (datum.metric === 'oWaiting' && groupMedia === mediaType) {
        // Only the chat media type: voice calls or e-mails waiting in the same queue are not ahead of a chat.
        waiting += n;
        if (datum.truncated === true) truncated = true;
        for (const o of Array.isArray(datum.observations) ? datum.observations : []) {
          if (!o || typeof o.conversationId !== 'string') continue;
          const observedAt = Date.parse(String(o.observationDate ?? ''));
          entries.push({
            conversationId: o.conversationId,
            observedAt: Number.isNaN(observedAt) ? Number.POSITIVE_INFINITY : observedAt,
            priority: typeof o.routingPriority === 'number' ? o.routingPriority : 0,
            index: entries.length,
          });
        }
      }
    }
  }

  // Routing order: higher priority first, then the longest waiting (docs/platform-api.md, "Queue observations"). This ignores skills and
  // bullseye rings, so it is an estimate of the place, as Genesys itself offers none.
  entries.sort((a, b) => b.priority - a.priority || a.observedAt - b.observedAt || a.index - b.index);
  const positions = new Map<string, number>();
  for (const e of entries) if (!positions.has(e.conversationId)) positions.set(e.conversationId, positions.size + 1);
  return { onQueueAgents, agentsByStatus, waiting, positions, truncated };
}
