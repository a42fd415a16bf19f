import { randomUUID } from 'node:crypto';
import type { ChatEngine } from '../chat-engine';
import type { CardRecord, Conversation } from '../conversation';
import { badRequest, conflict } from '../errors';
import { isObject } from '../params';

/** Reading the control API's request bodies: what each field may be, and the acting agent. */

/** Quick replies as a list of texts or of `{text, payload}`. */
export function parseQuickReplies(v: unknown): Array<{ text: string; payload: string }> | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length === 0) invalid('quickReplies must be a non-empty list');
  return (v as unknown[]).map((q) => {
    if (typeof q === 'string' && q !== '') return { text: q, payload: q };
    if (isObject(q) && typeof q['text'] === 'string' && q['text'] !== '')
      return { text: q['text'], payload: typeof q['payload'] === 'string' ? q['payload'] : q['text'] };
    return invalid('each quick reply is a text or {text, payload}');
  });
}

/** Cards as `{title, description?, image?, actions: [{type: 'Link', text, url} | {type: 'Postback', text, payload?}]}`. */
export function parseCards(v: unknown): CardRecord[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length === 0) invalid('cards must be a non-empty list');
  return (v as unknown[]).map((c) => {
    if (!isObject(c) || typeof c['title'] !== 'string' || c['title'] === '') invalid('each card needs a title');
    const optional = (k: string) => {
      const x = c[k];
      if (x !== undefined && typeof x !== 'string') invalid(`a card's ${k} must be a string`);
      return typeof x === 'string' && x !== '' ? { [k]: x } : {};
    };
    const actions = Array.isArray(c['actions']) ? (c['actions'] as unknown[]) : [];
    return {
      title: c['title'] as string,
      ...optional('description'),
      ...optional('image'),
      actions: actions.map((a): CardRecord['actions'][number] => {
        if (!isObject(a) || typeof a['text'] !== 'string' || a['text'] === '') invalid('each card action needs a text');
        const text = a['text'] as string;
        if (a['type'] === 'Link') {
          if (typeof a['url'] !== 'string' || a['url'] === '') invalid('a Link action needs a url');
          return { type: 'Link', text, url: a['url'] as string };
        }
        if (a['type'] === 'Postback')
          return { type: 'Postback', text, payload: typeof a['payload'] === 'string' ? a['payload'] : text };
        return invalid('a card action is of type Link or Postback');
      }),
    };
  });
}

export function invalid(message: string): never {
  throw badRequest('bad.request', message);
}

/**
 * `agentId` in the body says who acts (the console sends the agent it acts as): only the chat's own agent can write,
 * type in or end it, as in Genesys, where only a participant can. Without `agentId` the chat's agent acts.
 */
export function requireActingAgent(
  engine: ChatEngine,
  c: Conversation,
  b: Record<string, unknown>,
  what: string,
): void {
  const acting = b['agentId'];
  if (acting === undefined) return;
  if (typeof acting !== 'string') invalid('agentId must be a string');
  const member = c.agentMember;
  if (member?.agentId === acting) return;
  const who = engine.agent(acting).name;
  throw conflict(
    member
      ? `The chat is with ${member.displayName}; ${who} cannot ${what}.`
      : `No agent is in this chat; ${who} cannot ${what}.`,
  );
}

/** The agent named by `agentId` or `name` (an unknown name creates that agent, with `avatarImageUrl` if given). */
export function agentFor(engine: ChatEngine, b: Record<string, unknown>): string {
  if (typeof b['agentId'] === 'string') return engine.agent(b['agentId']).id;
  if (typeof b['name'] === 'string' && b['name'].trim() !== '') {
    const existing = [...engine.agents.values()].find((a) => a.name === b['name']);
    if (existing) return existing.id;
    return engine.addAgent({
      id: randomUUID(),
      name: b['name'],
      ...(typeof b['avatarImageUrl'] === 'string' ? { avatarImageUrl: b['avatarImageUrl'] } : {}),
    }).id;
  }
  const first = [...engine.agents.values()][0];
  if (!first) throw conflict('No agent is configured; name one with agentId or name.');
  return first.id;
}
