// The RFC 6902 patch that turns one JSON document into another, for mutating webhook responses.
// Objects are compared key by key; a changed array or scalar is replaced whole.

export type PatchOperation =
  | { readonly op: 'add' | 'replace'; readonly path: string; readonly value: unknown }
  | { readonly op: 'remove'; readonly path: string };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** RFC 6901: `~` and `/` are escaped inside a reference token. */
function token(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

function equalJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => equalJson(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && equalJson(a[k], b[k]));
  }
  return false;
}

export function diffPatch(before: unknown, after: unknown, path = ''): PatchOperation[] {
  if (equalJson(before, after)) return [];
  if (!isObject(before) || !isObject(after)) return [{ op: 'replace', path, value: after }];
  const ops: PatchOperation[] = [];
  for (const [key, value] of Object.entries(after)) {
    if (value === undefined) continue;
    const p = `${path}/${token(key)}`;
    if (!Object.hasOwn(before, key) || before[key] === undefined) ops.push({ op: 'add', path: p, value });
    else ops.push(...diffPatch(before[key], value, p));
  }
  for (const key of Object.keys(before)) {
    if (before[key] !== undefined && (!Object.hasOwn(after, key) || after[key] === undefined)) {
      ops.push({ op: 'remove', path: `${path}/${token(key)}` });
    }
  }
  return ops;
}
