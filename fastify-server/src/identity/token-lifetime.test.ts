import { lifetimeProblem } from './token-lifetime';

const NOW = 1_800_000_000_000;
const s = (ms: number) => (NOW + ms) / 1000;
const rules = { maxAgeMs: 3_600_000, clockToleranceMs: 5000 };

it.each<[string, Record<string, unknown>, RegExp | null]>([
  ['a 5-minute token', { iat: s(0), exp: s(300_000) }, null],
  ['a token of exactly the maximum age', { iat: s(0), exp: s(3_600_000) }, null],
  ['a token without iat within the maximum', { exp: s(3_600_000) }, null],
  ['iat within the tolerance ahead', { iat: s(5000), exp: s(60_000) }, null],
  ['exp beyond the maximum age plus tolerance', { exp: s(3_606_000) }, /too far ahead/],
  ['exp 1e308', { exp: 1e308 }, /too far ahead/],
  ['exp Infinity (not JSON, but a number)', { exp: Infinity }, /must be a number/],
  ['iat in the future', { iat: s(6000), exp: s(60_000) }, /issued in the future/],
  ['iat a year ahead', { iat: s(365 * 86_400_000), exp: s(60_000) }, /issued in the future/],
  ['a declared lifetime over the maximum', { iat: s(-7_200_000), exp: s(60_000) }, /lifetime/],
  ['a string iat', { iat: 'now', exp: s(60_000) }, /"iat" must be a number/],
])('%s', (_name, claims, problem) => {
  const result = lifetimeProblem(claims, NOW, rules);
  if (problem === null) expect(result).toBeNull();
  else expect(result).toMatch(problem);
});
