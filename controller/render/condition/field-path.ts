// Field paths into JSON: `spec.replicas`, `metadata.labels.app`, `spec.items[0].name`,
// `metadata.labels["app.kubernetes.io/name"]`.
//
// Grammar:
//   path    := first rest*
//   first   := name | quoted
//   rest    := '.' name | '[' digits ']' | quoted
//   quoted  := '[' ( '"' chars '"' | "'" chars "'" ) ']'     (backslash escapes the next char)
//   name    := one or more characters other than . [ ] ' " and whitespace
//
// A dotted name never contains a dot, so a key with dots or slashes (label and annotation keys
// such as `app.kubernetes.io/name`) is written bracket-quoted: `metadata.labels["app.kubernetes.io/name"]`.
// `[n]` indexes an array; on anything else it reads as missing (it is not the object key "n").
//
// Reading follows own properties only: `__proto__`, `constructor`, `toString` and every other
// inherited member read as missing, so a path can never reach a prototype. (A key that is really
// present as an own property — JSON.parse('{"constructor": 1}') — is data and is read like any key.)

/** One step of a parsed path: an object key or an array index. */
export type PathSegment = { readonly key: string } | { readonly index: number };

/** A malformed path; the message names the path and the offending position. */
export class FieldPathError extends Error {
  override readonly name = 'FieldPathError';
  readonly path: string;
  constructor(path: string, reason: string) {
    super(`invalid field path ${JSON.stringify(path)}: ${reason}`);
    this.path = path;
  }
}

const NAME_CHAR = /[^.[\]'"\s]/;

/** Parses a path into segments; throws FieldPathError when it is malformed. */
export function parseFieldPath(path: string): PathSegment[] {
  if (typeof path !== 'string' || path.length === 0) throw new FieldPathError(String(path), 'empty path');
  const segments: PathSegment[] = [];
  let i = 0;
  const readName = (): string => {
    const start = i;
    while (i < path.length && NAME_CHAR.test(path.charAt(i))) i++;
    if (i === start) {
      const found = i < path.length ? `'${path.charAt(i)}'` : 'end of path';
      throw new FieldPathError(path, `expected a field name at position ${start}, found ${found}`);
    }
    return path.slice(start, i);
  };
  // Reads `[...]` starting at the '['.
  const readBracket = (): PathSegment => {
    const open = i;
    i++;
    const quote = path.charAt(i);
    if (quote === '"' || quote === "'") {
      i++;
      let key = '';
      for (;;) {
        if (i >= path.length) throw new FieldPathError(path, `unterminated quoted key at position ${open}`);
        const c = path.charAt(i);
        if (c === quote) break;
        if (c === '\\') {
          i++;
          if (i >= path.length) throw new FieldPathError(path, `unterminated quoted key at position ${open}`);
        }
        key += path.charAt(i);
        i++;
      }
      i++; // closing quote
      if (path.charAt(i) !== ']') throw new FieldPathError(path, `expected ']' at position ${i}`);
      i++;
      return { key };
    }
    const start = i;
    while (i < path.length && path.charAt(i) >= '0' && path.charAt(i) <= '9') i++;
    if (i === start || path.charAt(i) !== ']') {
      throw new FieldPathError(path, `expected an array index or a quoted key at position ${open}`);
    }
    const index = Number(path.slice(start, i));
    if (!Number.isSafeInteger(index)) throw new FieldPathError(path, `array index too large at position ${open}`);
    i++;
    return { index };
  };

  if (path.charAt(0) === '[') {
    const first = readBracket();
    if (!('key' in first)) throw new FieldPathError(path, 'a path starts with a field name, not an index');
    segments.push(first);
  } else {
    segments.push({ key: readName() });
  }
  while (i < path.length) {
    const c = path.charAt(i);
    if (c === '.') {
      i++;
      segments.push({ key: readName() });
    } else if (c === '[') {
      segments.push(readBracket());
    } else {
      throw new FieldPathError(path, `unexpected '${c}' at position ${i}`);
    }
  }
  return segments;
}

/** Follows parsed segments; undefined as soon as a step is missing. Own properties only. */
export function readSegments(value: unknown, segments: readonly PathSegment[]): unknown {
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

/**
 * Reads a path (`spec.replicas`, `metadata.labels.app`, `spec.items[0].name`,
 * `metadata.labels["app.kubernetes.io/name"]`) from JSON; undefined when any step is missing.
 * Own properties only (no prototype lookups). Throws FieldPathError for a malformed path.
 */
export function readPath(value: unknown, path: string): unknown {
  return readSegments(value, parseFieldPath(path));
}
