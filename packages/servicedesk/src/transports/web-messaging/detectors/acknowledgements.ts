import type { OperatorFunction } from 'rxjs';
import { perSubscription } from '../../../streams/per-subscription';
import type { WmFrame } from '../frames';

/** What became of a request sent with a `tracingId`. */
export type Acknowledgement =
  | { tracingId: string; accepted: true; messageId: string }
  | { tracingId: string; accepted: false; code: number; text: string; retryAfter: number | undefined };

/**
 * Requests acknowledged or refused, by their `tracingId`: a message is accepted when its Inbound echo comes back with
 * that id (the echo is the only acknowledgement Web Messaging gives, and is never shown), refused by an error frame
 * carrying it (409 read-only, 4011 too long, 429 with `retryAfter`, …). Frames without a tracingId pass by.
 */
export function acknowledgements(): OperatorFunction<WmFrame, Acknowledgement> {
  return perSubscription<WmFrame, Acknowledgement>((out) => (f) => {
    if (f.kind === 'message' && f.tracingId && f.message.direction === 'Inbound') {
      out.next({ tracingId: f.tracingId, accepted: true, messageId: f.message.id });
    } else if (f.kind === 'error' && f.tracingId) {
      out.next({ tracingId: f.tracingId, accepted: false, code: f.code, text: f.text, retryAfter: f.retryAfter });
    }
  });
}
