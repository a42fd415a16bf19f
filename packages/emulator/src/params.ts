import { badRequest } from './errors';

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** An integer query parameter, or 400 `invalid.query.param.value` naming it. */
export function intParam(raw: string | undefined, name: string, dflt: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw badRequest(
      'invalid.query.param.value',
      `${name} must be an integer from ${min} to ${max}, not "${raw}".`,
      name,
    );
  }
  return n;
}

export function boolParam(raw: string | undefined, name: string): boolean {
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  throw badRequest('invalid.query.param.value', `${name} must be true or false, not "${raw}".`, name);
}
