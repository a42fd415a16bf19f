import { badRequest } from '../errors';
import type { QueueConfig } from '../options';
import { isObject } from '../params';

/** The Platform API's query parameters and queue entities as the emulator reads and writes them. */

export function queueEntity(q: QueueConfig) {
  return {
    id: q.id,
    name: q.name,
    division: {
      id: 'a1b2c3d4-0000-4000-8000-000000000001',
      name: 'Home',
      selfUri: '/api/v2/authorization/divisions/a1b2c3d4-0000-4000-8000-000000000001',
    },
    mediaSettings: { chat: { alertingTimeoutSeconds: 30, serviceLevel: { percentage: 0.8, durationMs: 20000 } } },
    selfUri: `/api/v2/routing/queues/${q.id}`,
  };
}

/** Queue name filter: case-insensitive, with leading and trailing `*` wildcards (docs/platform-api.md, "Queues"). */
export function nameMatcher(pattern: string): (name: string) => boolean {
  const p = pattern.toLowerCase();
  const starts = p.endsWith('*');
  const ends = p.startsWith('*');
  const core = p.replace(/^\*+|\*+$/g, '');
  return (name) => {
    const n = name.toLowerCase();
    if (starts && ends) return n.includes(core);
    if (starts) return n.startsWith(core);
    if (ends) return n.endsWith(core);
    return n === core;
  };
}

export function collectPredicates(node: Record<string, unknown>, queueIds: Set<string>, mediaTypes: Set<string>): void {
  for (const p of Array.isArray(node['predicates']) ? node['predicates'] : []) {
    if (!isObject(p) || typeof p['value'] !== 'string') continue;
    if (p['dimension'] === 'queueId') queueIds.add(p['value']);
    if (p['dimension'] === 'mediaType') mediaTypes.add(p['value']);
  }
  for (const c of Array.isArray(node['clauses']) ? node['clauses'] : [])
    if (isObject(c)) collectPredicates(c, queueIds, mediaTypes);
}

export type Query = Record<string, string | string[] | undefined>;

/** One value of a scalar query parameter: given twice it is a 400, not a crash. */
export function single(q: Query, name: string): string | undefined {
  const v = q[name];
  if (Array.isArray(v)) throw badRequest('invalid.query.param.value', `${name} must be given once.`, name);
  return v;
}

/** A list parameter, repeated (`id=a&id=b`, "multi" in the API docs) or comma-joined (`id=a,b`, what SDK 262 sends: docs/platform-api.md, "The SDK"). */
export function list(q: Query, name: string): string[] {
  const v = q[name];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).flatMap((x) => x.split(',')).filter((x) => x !== '');
}

export function splitOnce(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}
