import { randomUUID } from 'node:crypto';
import { RecentIds, keyOf } from '../../src/operators/recent-ids';

describe('RecentIds', () => {
  test('remembers ids: a second add of the same id is refused', () => {
    const seen = new RecentIds(10);
    const a = randomUUID();
    expect(seen.add(a)).toBe(true);
    expect(seen.add(`${a}`.slice(0))).toBe(false);
    expect(seen.add(randomUUID())).toBe(true);
  });

  test('ids that share a key are told apart (compared whole)', () => {
    // Same length and same last twelve characters: the same key, different ids.
    const tail = '-4a2b-9c3d-0123456789ab';
    const x = `aaaaaaaa-bbbb${tail}`;
    const y = `cccccccc-dddd${tail}`;
    expect(keyOf(x)).toBe(keyOf(y));
    const seen = new RecentIds(10);
    expect([seen.add(x), seen.add(y), seen.add(x), seen.add(y)]).toEqual([true, true, false, false]);
  });

  test('short and odd ids work too', () => {
    const seen = new RecentIds(10);
    expect(['1', '2', '', 'x'.repeat(500), '1', '', 'x'.repeat(500)].map((id) => seen.add(id))).toEqual([
      true,
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  test('remembers at least the last `capacity` ids and at most twice as many', () => {
    const seen = new RecentIds(3);
    const ids = Array.from({ length: 7 }, (_, i) => `id-${i}`);
    for (const id of ids.slice(0, 6)) expect(seen.add(id)).toBe(true); // two full generations: 0-2, 3-5
    expect(seen.add('id-0')).toBe(false); // still known (the previous generation)
    expect(seen.add(ids[6]!)).toBe(true); // starts a third generation: 0-2 are forgotten
    expect(seen.add('id-1')).toBe(true);
    expect(seen.add('id-4')).toBe(false);
  });

  test('stays exact over many generations of random ids', () => {
    const seen = new RecentIds(500);
    const ids = Array.from({ length: 20_000 }, () => randomUUID());
    expect(ids.every((id) => seen.add(id))).toBe(true);
    // The last 500 are remembered whatever happened before.
    expect(ids.slice(-500).some((id) => seen.add(id))).toBe(false);
  });

  test('refuses a capacity that is not a positive integer', () => {
    expect(() => new RecentIds(0)).toThrow(/positive integer \(got 0\)/);
  });
});
