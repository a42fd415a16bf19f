/**
 * The ids seen lately, in two generations: new ids go into the current one; when it holds `capacity`, it becomes the
 * previous one and the one before is dropped whole. Remembers at least the last `capacity` ids and at most twice as
 * many. Nothing is ever deleted one by one: evicting the oldest id for every new one (through a Set's iterator, later
 * through a ring) kept the table churning and cost more than parsing the frame's id.
 *
 * Keyed by a small integer made from the id's last characters, not by the id: the ids come fresh from `JSON.parse`,
 * and a `Set<string>` hashes every one of them through the engine's string hasher, which made this the costliest step
 * of the client's event pipeline after `JSON.parse` itself (bench/client-pipeline.ts). The key only picks the slot;
 * ids are compared whole, so ids that share a key are still told apart. Genesys ids are random UUIDs, whose last
 * twelve hex digits make the keys spread well; any other id shape is still exact, only slower if many share a key.
 */
export class RecentIds {
  private current = new Map<number, string | string[]>();
  private previous = new Map<number, string | string[]>();
  private size = 0;

  constructor(private readonly capacity: number) {}

  /** Remembers `id`; false if it was remembered already. */
  add(id: string): boolean {
    const key = keyOf(id);
    if (holds(this.current, key, id) || holds(this.previous, key, id)) return false;
    if (this.size >= this.capacity) {
      this.previous = this.current;
      this.current = new Map();
      this.size = 0;
    }
    const slot = this.current.get(key);
    if (slot === undefined) this.current.set(key, id);
    else if (typeof slot === 'string') this.current.set(key, [slot, id]);
    else slot.push(id);
    this.size++;
    return true;
  }
}

function holds(m: Map<number, string | string[]>, key: number, id: string): boolean {
  const slot = m.get(key);
  return slot !== undefined && (slot === id || (typeof slot !== 'string' && slot.includes(id)));
}

/** A 30-bit integer (a small integer to the engine, cheap to hash) from the id's length and last 12 characters. */
export function keyOf(id: string): number {
  const n = id.length;
  let h = n;
  for (let i = n > 12 ? n - 12 : 0; i < n; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x5bd1e995);
  return (h ^ (h >>> 15)) & 0x3fffffff;
}
