import { isObject } from '../params';
import { invalidParameter, missingParameter } from './frames';

/**
 * Reading the fields of a guest socket request. A field that is absent (or empty) is 4020 "missing"; one that is
 * present with the wrong type is a 400: the request is malformed, and a client told "missing" about a field it did
 * send would look for the bug in the wrong place.
 */

/** An error answered as a `string`-class frame with this code and text. */
export class WmError extends Error {
  constructor(readonly spec: readonly [number, string]) {
    super(spec[1]);
    this.name = 'WmError';
  }
}

export const fail = (spec: readonly [number, string]): never => {
  throw new WmError(spec);
};

type Fields = Record<string, unknown>;

const absent = (v: unknown) => v === undefined || v === null || v === '';

export function requireString(r: Fields, name: string, path = name): string {
  const v = r[name];
  if (absent(v)) return fail(missingParameter(path));
  if (typeof v !== 'string') return fail(invalidParameter(path, 'a string'));
  return v;
}

export function optionalString(r: Fields, name: string, path = name): string | undefined {
  const v = r[name];
  if (absent(v)) return undefined;
  if (typeof v !== 'string') return fail(invalidParameter(path, 'a string'));
  return v;
}

export function optionalBoolean(r: Fields, name: string, path = name): boolean | undefined {
  const v = r[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') return fail(invalidParameter(path, 'true or false'));
  return v;
}

export function requireObject(r: Fields, name: string, path = name): Fields {
  const v = r[name];
  if (v === undefined || v === null) return fail(missingParameter(path));
  if (!isObject(v)) return fail(invalidParameter(path, 'an object'));
  return v;
}

/** A size in bytes: a non-negative whole number. */
export function requireByteCount(r: Fields, name: string): number {
  const v = r[name];
  if (v === undefined || v === null) return fail(missingParameter(name));
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) return fail(invalidParameter(name, 'a number of bytes'));
  return v;
}

export function optionalArray(r: Fields, name: string, path = name): unknown[] {
  const v = r[name];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return fail(invalidParameter(path, 'a list'));
  return v as unknown[];
}
