// Reading a field path from JSON. Only own properties are followed: an inherited member
// (`toString`, `hasOwnProperty`, anything added to Object.prototype) reads as missing, so a path
// never reaches a prototype.
import { type FieldPath, parseFieldPath } from './parse.ts';

/**
 * The value at `path` (a string is parsed first; FieldPathError when malformed), or undefined as
 * soon as a step is missing. `[n]` indexes arrays only, keys key non-array objects only.
 */
export function readPath(value: unknown, path: FieldPath | string): unknown {
  const segments = typeof path === 'string' ? parseFieldPath(path) : path;
  let current = value;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object') return undefined;
    if ('index' in segment) {
      if (!Array.isArray(current) || segment.index >= current.length) return undefined;
      current = current[segment.index];
    } else {
      if (Array.isArray(current) || !Object.hasOwn(current, segment.key)) return undefined;
      current = (current as Record<string, unknown>)[segment.key];
    }
  }
  return current;
}
