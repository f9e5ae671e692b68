// The one grammar for field paths in a Katalog: condition and validation-rule fields, mutation
// rules, declarative status fields, forEach lists. `spec.replicas`, `spec.items[0].name`,
// `metadata.annotations["example.com/owner"]`.
//
//   path    := first ( '.' name | '[' digits ']' | '["' dq+ '"]' | "['" sq+ "']" )*
//   first   := [A-Za-z_$] [A-Za-z0-9_$-]*
//   name    := [A-Za-z0-9_$-]+
//   dq / sq := any character but the closing quote (no escapes)
//
// It is the grammar of FIELD_PATH in api-types/schema.ts, so the loader accepts exactly what the
// API server accepts. A dotted name never holds a dot or a slash, so label and annotation keys are
// bracket-quoted. Segments named `__proto__`, `constructor` or `prototype`, in any form, are
// rejected: no path may lead into or through an object's prototype.

/** One step of a parsed path: an object key or an array index. */
export type PathSegment = { readonly key: string } | { readonly index: number };

declare const parsed: unique symbol;
/** Segments that came out of parseFieldPath: well formed, no reserved segment. */
export type FieldPath = readonly PathSegment[] & { readonly [parsed]: true };

/** Segment names that would reach an object's prototype; never valid in a path. */
export const RESERVED_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** A malformed path; the message names the path and what is wrong with it. */
export class FieldPathError extends Error {
  override readonly name = 'FieldPathError';
  readonly path: string;
  constructor(path: string, reason: string) {
    super(`invalid field path ${JSON.stringify(path)}: ${reason}`);
    this.path = path;
  }
}

const FIRST_NAME = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;
const NAME = /^[A-Za-z0-9_$-]+$/;
const isNameChar = (c: string): boolean => NAME.test(c);

/** Parses a path into segments; throws FieldPathError when it is malformed or uses a reserved segment. */
export function parseFieldPath(path: string): FieldPath {
  if (typeof path !== 'string' || path.length === 0) throw new FieldPathError(String(path), 'empty path');
  const fail = (reason: string): never => {
    throw new FieldPathError(path, reason);
  };
  const segments: PathSegment[] = [];
  const pushKey = (key: string) => {
    if (RESERVED_SEGMENTS.has(key)) {
      fail(`segment ${JSON.stringify(key)} is reserved (__proto__, constructor and prototype cannot be used)`);
    }
    segments.push({ key });
  };
  let i = 0;
  const readName = (): string => {
    const start = i;
    while (i < path.length && isNameChar(path.charAt(i))) i++;
    if (i === start) {
      const found = i < path.length ? `'${path.charAt(i)}'` : 'end of path';
      fail(`expected a field name at position ${start}, found ${found}`);
    }
    return path.slice(start, i);
  };
  // Reads `[...]` starting at the '['.
  const readBracket = (): void => {
    const open = i;
    i++;
    const quote = path.charAt(i);
    if (quote === '"' || quote === "'") {
      const close = path.indexOf(quote, i + 1);
      if (close < 0) fail(`unterminated quoted key at position ${open}`);
      if (close === i + 1) fail(`empty quoted key at position ${open}`);
      const key = path.slice(i + 1, close);
      i = close + 1;
      if (path.charAt(i) !== ']') fail(`expected ']' at position ${i}`);
      i++;
      pushKey(key);
      return;
    }
    const start = i;
    while (i < path.length && path.charAt(i) >= '0' && path.charAt(i) <= '9') i++;
    if (i === start || path.charAt(i) !== ']') {
      fail(`expected an array index or a quoted key at position ${open}`);
    }
    const index = Number(path.slice(start, i));
    if (!Number.isSafeInteger(index)) fail(`array index too large at position ${open}`);
    i++;
    segments.push({ index });
  };

  const first = readName();
  if (!FIRST_NAME.test(first)) fail('a path starts with a field name beginning with a letter, _ or $');
  pushKey(first);
  while (i < path.length) {
    const c = path.charAt(i);
    if (c === '.') {
      i++;
      pushKey(readName());
    } else if (c === '[') {
      readBracket();
    } else {
      fail(`unexpected '${c}' at position ${i}`);
    }
  }
  return segments as unknown as FieldPath;
}

/**
 * Writes segments back as a path that parses to the same segments: dotted where the key is a
 * plain name, bracket-quoted otherwise. Throws FieldPathError for segments no path can express
 * (a leading index, an empty key, a key holding both quote characters, a reserved key).
 */
export function formatFieldPath(segments: readonly PathSegment[]): string {
  let out = '';
  segments.forEach((segment, n) => {
    if ('index' in segment) {
      if (n === 0) throw new FieldPathError(`[${segment.index}]`, 'a path starts with a field name, not an index');
      out += `[${segment.index}]`;
      return;
    }
    const { key } = segment;
    const fail = (reason: string): never => {
      throw new FieldPathError(`${out}[${JSON.stringify(key)}]`, reason);
    };
    if (RESERVED_SEGMENTS.has(key)) fail(`segment ${JSON.stringify(key)} is reserved`);
    if (n === 0) {
      if (!FIRST_NAME.test(key)) fail('a path starts with a field name beginning with a letter, _ or $');
      out = key;
    } else if (NAME.test(key)) {
      out += `.${key}`;
    } else if (key === '') {
      fail('an empty key cannot be written');
    } else if (!key.includes('"')) {
      out += `["${key}"]`;
    } else if (!key.includes("'")) {
      out += `['${key}']`;
    } else {
      fail('a key holding both quote characters cannot be written');
    }
  });
  return out;
}
