import type { ChatStartRequest } from '../chat-transport';

/**
 * The custom attributes a new conversation starts with: the customer's profile and the request's custom fields (the
 * assistant's session history key, topic, user id, …), as the flat string map Web Messaging takes. The agent sees them
 * as participant data.
 */
export function attributesFor(request: ChatStartRequest): Record<string, string> {
  const { displayName, firstName, lastName, email } = request.profile;
  return {
    displayName,
    ...(firstName ? { firstName } : {}),
    ...(lastName ? { lastName } : {}),
    ...(email ? { email } : {}),
    ...request.customFields,
  };
}

const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v)).length;

/**
 * The attributes that fit in `maxBytes` of JSON (the session's `maxCustomDataBytes`; Genesys refuses a larger map with
 * 4013 and the whole message with it), taken in order; what does not fit is left out and named in `dropped`.
 */
export function fitAttributes(
  attributes: Record<string, string>,
  maxBytes: number | undefined,
): { fitted: Record<string, string>; dropped: string[] } {
  if (maxBytes === undefined || bytes(attributes) <= maxBytes) return { fitted: attributes, dropped: [] };
  const fitted: Record<string, string> = {};
  const dropped: string[] = [];
  for (const [k, v] of Object.entries(attributes)) {
    fitted[k] = v;
    if (bytes(fitted) > maxBytes) {
      delete fitted[k];
      dropped.push(k);
    }
  }
  return { fitted, dropped };
}
