/**
 * The ids seen lately, in two generations: new ids go into the current one; when it holds `capacity`, it becomes the
 * previous one and the one before is forgotten whole. Remembers at least the last `capacity` ids and at most twice
 * as many. Nothing is deleted one by one: evicting the oldest id for every new one (through a Set's iterator, later
 * through a ring) kept the table churning and cost more than parsing the frame's id.
 *
 * Each generation is an open-addressing table on typed arrays, keyed by a small integer made from the id's last
 * characters; the id itself is kept beside its key and compared whole, so ids that share a key are still told apart.
 * Why not a `Set<string>`: the ids come fresh from `JSON.parse`, and a Set hashes every one of them through the
 * engine's string hasher and grows its table again for every generation, which made this the costliest step of the
 * client's event pipeline after `JSON.parse` itself (bench/client-pipeline.ts: about 260 ns of 2,400 per frame with
 * a Set, about 120 with a Map keyed by the same integers). Genesys ids are random UUIDs, whose last twelve hex digits
 * spread the keys well; any other id shape stays exact, only slower if many ids share a key.
 */
export class RecentIds {
  private current: Generation;
  private previous: Generation;

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`RecentIds capacity must be a positive integer (got ${capacity})`);
    this.current = new Generation(capacity);
    this.previous = new Generation(capacity);
  }

  /** Remembers `id`; false if it was remembered already. */
  add(id: string): boolean {
    const key = keyOf(id);
    if (this.current.has(key, id) || this.previous.has(key, id)) return false;
    if (this.current.size >= this.capacity) {
      const forgotten = this.previous;
      this.previous = this.current;
      forgotten.clear();
      this.current = forgotten;
    }
    this.current.insert(key, id);
    return true;
  }
}

/** One generation: at most `capacity` ids in a table of at least twice as many slots (linear probing). */
class Generation {
  /** Key + 1 in each used slot (0 = empty). */
  private readonly keys: Int32Array;
  private readonly ids: Array<string | undefined>;
  private readonly mask: number;
  size = 0;

  constructor(capacity: number) {
    let slots = 8;
    while (slots < capacity * 2) slots *= 2;
    this.keys = new Int32Array(slots);
    this.ids = new Array<string | undefined>(slots).fill(undefined);
    this.mask = slots - 1;
  }

  has(key: number, id: string): boolean {
    const tag = key + 1;
    for (let i = key & this.mask; ; i = (i + 1) & this.mask) {
      const k = this.keys[i];
      if (k === 0) return false;
      if (k === tag && this.ids[i] === id) return true;
    }
  }

  insert(key: number, id: string): void {
    let i = key & this.mask;
    while (this.keys[i] !== 0) i = (i + 1) & this.mask;
    this.keys[i] = key + 1;
    this.ids[i] = id;
    this.size++;
  }

  clear(): void {
    this.keys.fill(0);
    this.ids.fill(undefined);
    this.size = 0;
  }
}

/** A 30-bit integer from the id's length and last 12 characters. */
export function keyOf(id: string): number {
  const n = id.length;
  let h = n;
  for (let i = n > 12 ? n - 12 : 0; i < n; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x5bd1e995);
  return (h ^ (h >>> 15)) & 0x3fffffff;
}
