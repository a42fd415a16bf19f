/** The edge's first step for every channel's socket messages, and the small readers parse steps share. */

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * One socket message as a JSON object, or (a string) why it is not one. Never throws. A string rather than a result
 * object: this runs for every frame, and the caller turns the reason into its own invalid frame.
 */
export function parseJsonObject(data: unknown): Record<string, unknown> | string {
  if (typeof data !== 'string') return 'the message is not text';
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return 'the message is not JSON';
  }
  return isRecord(json) ? json : 'the message is not a JSON object';
}
