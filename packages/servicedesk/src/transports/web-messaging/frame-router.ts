import type { Logger } from '../../logger';
import { isDisconnect, type Incoming } from './detectors/types';
import type { ErrorFrame, InvalidFrame, SessionFrame, UploadResultFrame, WmFrame } from './frames';
import { HEARTBEAT_TRACING_ID } from './parse-frame';
import { SESSION_GONE } from './wm-errors';

export interface FrameHandlers {
  /** The answer to a pending request (by tracingId): true when it was one. */
  answer: (tracingId: string, f: WmFrame) => boolean;
  /** A SessionResponse. */
  session: (f: SessionFrame) => void;
  /** A message of the conversation (the customer's own echoes too). */
  message: (m: Incoming) => void;
  /** The agent ended the chat read-only: Genesys takes no more messages in this session. */
  readOnly: () => void;
  /** Genesys' word on an upload no request waits for. */
  uploadResult: (f: UploadResultFrame) => void;
  /** A refusal of the last typing notice: true when it was one. */
  typingRefused: (f: ErrorFrame & { tracingId: string }) => boolean;
  /** A refusal of the sign-in: true when it was one. */
  signInRefused: (f: ErrorFrame) => boolean;
  /** The chat cannot go on: `expired` when the session is gone. */
  end: (reason: string, how: 'finished' | 'expired') => void;
  log: Logger;
}

/** What each frame from the socket means for the chat, in one place. */
export function routeFrame(f: WmFrame | InvalidFrame, h: FrameHandlers): void {
  switch (f.kind) {
    case 'invalid':
      return h.log.warn?.(`Web Messaging: dropped a frame: ${f.reason}`);
    case 'unused':
      return h.log.debug?.(`Web Messaging: ${f.class} is not used`);
    case 'pong':
      return void h.answer(HEARTBEAT_TRACING_ID, f);
    case 'session':
      return h.session(f);
    case 'message':
      if (f.tracingId) h.answer(f.tracingId, f);
      if (isDisconnect(f.message) && f.message.readOnly) h.readOnly();
      return h.message(f.message);
    case 'jwt':
    case 'upload-url':
      return f.tracingId ? void h.answer(f.tracingId, f) : undefined;
    case 'upload-result':
      if (f.tracingId && h.answer(f.tracingId, f)) return;
      return h.uploadResult(f);
    case 'error':
      return routeError(f, h);
    case 'connection-closed':
      return h.end(`Genesys closed the connection${f.reason ? ` (${f.reason})` : ''}`, 'finished');
    case 'session-expired':
      return h.end('the session expired', 'expired');
    case 'session-cleared':
      return h.end('the conversation was cleared', 'finished');
    case 'logout':
      return h.end('the customer signed out', 'finished');
  }
}

function routeError(f: ErrorFrame, h: FrameHandlers): void {
  const tracingId = f.tracingId;
  if (tracingId !== undefined) {
    if (h.answer(tracingId, f)) return;
    if (h.typingRefused({ ...f, tracingId })) {
      if (f.code !== 429) h.log.warn?.(`Web Messaging: typing refused: ${f.code} ${f.text}`);
      return;
    }
  }
  if (h.signInRefused(f)) return;
  if (SESSION_GONE.has(f.code)) return h.end(`the session is gone (${f.code} ${f.text})`, 'expired');
  h.log.warn?.(`Web Messaging: ${f.code} ${f.text}`);
}
