// Writing a field path into JSON (mutation rules, declarative status fields). Every write defines
// an own data property, so no setter runs (not even the `__proto__` accessor), and every step
// down follows own properties only: a write never reaches or changes a prototype.
import { type FieldPath, type PathSegment, parseFieldPath } from './parse.ts';

type Container = Record<string, unknown> | unknown[];

function own(node: Container, segment: PathSegment): unknown {
  const key = 'index' in segment ? segment.index : segment.key;
  return Object.hasOwn(node, key) ? (node as Record<string | number, unknown>)[key] : undefined;
}

function define(node: Container, segment: PathSegment, value: unknown): void {
  const key = 'index' in segment ? segment.index : segment.key;
  Object.defineProperty(node, key, { value, writable: true, enumerable: true, configurable: true });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Sets `path` (a string is parsed first; FieldPathError when malformed) to `value`. Missing or
 * non-object steps before a key are replaced by new objects, as setting `spec.tls.port` creates
 * `spec.tls`. An index only addresses an element that exists: list elements are never invented,
 * so a path through a missing array or past its end writes nothing and returns false.
 */
export function setPath(target: Record<string, unknown>, path: FieldPath | string, value: unknown): boolean {
  const segments = typeof path === 'string' ? parseFieldPath(path) : path;
  let node: Container = target;
  for (let n = 0; n < segments.length - 1; n++) {
    const segment = segments[n] as PathSegment;
    const next = segments[n + 1] as PathSegment;
    let child = own(node, segment);
    if ('index' in next) {
      if (!Array.isArray(child) || next.index >= child.length) return false;
    } else if (!isObject(child)) {
      child = {};
      define(node, segment, child);
    }
    node = child as Container;
  }
  define(node, segments.at(-1) as PathSegment, value);
  return true;
}
