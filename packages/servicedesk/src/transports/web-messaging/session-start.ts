import type { SchedulerLike } from 'rxjs';
import type { Logger } from '../../logger';
import type { BackoffConfig } from '../../streams/backoff';
import { retryTransient } from '../retry-transient';
import { fitAttributes } from './custom-attributes';

export interface NewSessionStart {
  /** The chat's custom attributes, sent with its Join within the session's `maxCustomDataBytes`. */
  attributes: Record<string, string>;
  maxCustomDataBytes: number | undefined;
  /** The summary for the agent: the conversation's first message. */
  summary: string | undefined;
  /** Sends an `onMessage` and resolves with the id of its echo. */
  send: (message: Record<string, unknown>) => Promise<string | undefined>;
  backoff?: BackoffConfig | undefined;
  scheduler: SchedulerLike;
  log: Logger;
}

/**
 * A new chat's first words, once its socket is bound: the Join (with the attributes that fit), then the summary the
 * agent must read first; a transient failure of the summary is retried, and one that cannot be delivered rejects
 * (the start fails, and the desk ends the conversation, so none is orphaned). Resolves with the summary's id.
 */
export async function joinAndSummarize(c: NewSessionStart): Promise<string | undefined> {
  const { fitted, dropped } = fitAttributes(c.attributes, c.maxCustomDataBytes);
  if (dropped.length > 0)
    c.log.warn?.(`Web Messaging: custom attributes left out (over maxCustomDataBytes): ${dropped.join(', ')}`);
  await c.send({
    type: 'Event',
    events: [{ eventType: 'Presence', presence: { type: 'Join' } }],
    ...(Object.keys(fitted).length > 0 ? { channel: { metadata: { customAttributes: fitted } } } : {}),
  });
  const summary = c.summary;
  if (!summary) return undefined;
  return retryTransient(() => c.send({ type: 'Text', text: summary }), { backoff: c.backoff, scheduler: c.scheduler });
}
