import type { MessengerDeployment } from './messaging/deployment';

/**
 * Size limits of what the emulator reads, so that no request or frame can make it buffer without bound. Where
 * Genesys documents a limit it is Genesys'; the others are the emulator's, documented in its README ("Limits").
 */

/** Every REST body: Genesys' `request.bytes.max` (docs/platform-api.md, "Limits and 429"). */
export const REQUEST_BODY_LIMIT = 512_000;

/**
 * One WebSocket frame (or message of several frames) from a client, on every socket. Genesys publishes no limit;
 * the default holds the longest guest text (each character escaped as `\uXXXX`) with room for attributes and
 * content. A larger frame closes the socket with 1009 (Message Too Big) as soon as its header announces the size,
 * before its payload is read.
 */
export function defaultMaxFrameBytes(maxMessageLength: number): number {
  return Math.max(64 * 1024, maxMessageLength * 6 + 16 * 1024);
}

/**
 * A PUT to a presigned upload URL: twice the largest `maxFileSizeKB` of the Messenger deployments (at least 1 MiB),
 * so that a file over its deployment's limit still reaches the check that answers it with UploadFailureEvent 4002,
 * while nothing larger is read at all.
 */
export function uploadBodyLimit(deployments: readonly MessengerDeployment[]): number {
  const largestKB = Math.max(0, ...deployments.map((d) => (d.attachments.enabled ? d.attachments.maxFileSizeKB : 0)));
  return Math.max(1024 * 1024, largestKB * 1024 * 2);
}
