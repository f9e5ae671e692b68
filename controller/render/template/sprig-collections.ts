/**
 * Sprig's list and dict functions (list.go, dict.go). Lists and dicts a template builds (`list`,
 * `dict`, `deepCopy`, ...) are its own and `set`, `unset`, `merge` change them in place as in Go;
 * the custom resource's data is never changed: `set` on it fails, and `merge` copies a nested data
 * object before merging into it.
 */
import { FunctionError } from './errors.ts';
import { strval } from './format.ts';
import { fn, intArg, MANY, mapArg, stringArg, type TemplateFunction, toInt64 } from './function-args.ts';
import {
  ABSENT,
  describeKind,
  goTypeName,
  isTrue,
  kindOf,
  mapKeys,
  ownField,
  type PlainObject,
  sortedKeys,
} from './values.ts';

/** Objects built by template functions during a render: the only ones `set`/`unset`/`merge` change. */
const OWNED = new WeakSet<object>();

export function owned<T extends object>(value: T): T {
  OWNED.add(value);
  return value;
}

function writable(map: PlainObject, name: string): PlainObject {
  if (!OWNED.has(map)) {
    throw new FunctionError(
      `${name} cannot change the custom resource's data; build a dict (dict, deepCopy, merge (dict) ...) and change that`,
    );
  }
  return map;
}

/** Defines a key without ever touching a prototype. */
function put(map: PlainObject, key: string, value: unknown): void {
  Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
}

function get(map: PlainObject, key: string): unknown {
  const value = ownField(map, key);
  return value === ABSENT ? undefined : value;
}

function listArg(value: unknown, message: string): unknown[] {
  if (kindOf(value) !== 'array') {
    throw new FunctionError(`${message} ${value === null || value === undefined ? 'invalid' : goKind(value)}`);
  }
  return value as unknown[];
}

/** reflect.Kind names, as Sprig's "Cannot ... on type X" messages print them. */
export function goKind(value: unknown): string {
  switch (kindOf(value)) {
    case 'array':
      return 'slice';
    case 'map':
      return 'map';
    case 'nil':
    case 'missing':
      return 'invalid';
    case 'string':
    case 'number':
    case 'bool':
      return goTypeName(value);
    default:
      return describeKind(value);
  }
}

/** reflect.DeepEqual on JSON values (numbers compare by value). */
export function deepEqual(a: unknown, b: unknown): boolean {
  const ka = kindOf(a);
  if (ka !== kindOf(b)) return false;
  if (ka === 'array') {
    const x = a as unknown[];
    const y = b as unknown[];
    return x.length === y.length && x.every((v, i) => deepEqual(v, y[i]));
  }
  if (ka === 'map') {
    const kx = mapKeys(a as PlainObject);
    const ky = mapKeys(b as PlainObject);
    return (
      kx.length === ky.length &&
      kx.every(
        (k) =>
          ownField(b as PlainObject, k) !== ABSENT && deepEqual(get(a as PlainObject, k), get(b as PlainObject, k)),
      )
    );
  }
  if (ka === 'nil') return true;
  return a === b;
}

const inList = (list: readonly unknown[], needle: unknown): boolean => list.some((h) => deepEqual(needle, h));

function uniq(list: readonly unknown[]): unknown[] {
  const out: unknown[] = owned([]);
  for (const item of list) if (!inList(out, item)) out.push(item);
  return out;
}

function chunk(size: number, list: readonly unknown[]): unknown[][] {
  const l = list.length;
  if (size <= 0) throw new FunctionError('runtime error: integer divide by zero');
  const count = Math.floor((l - 1) / size) + 1;
  if (count <= 0) return owned([]);
  const out: unknown[][] = [];
  for (let i = 0; i < count; i++) out.push(owned(list.slice(i * size, i * size + size)));
  return owned(out);
}

function slice(list: readonly unknown[], indices: readonly unknown[]): unknown {
  if (list.length === 0) return null;
  const start = indices.length > 0 ? toInt64(indices[0]) : 0;
  const end = indices.length > 1 ? toInt64(indices[1]) : list.length;
  if (start < 0 || end > list.length || start > end) {
    throw new FunctionError(`reflect: slice index out of range`);
  }
  return owned(list.slice(start, end));
}

function dict(args: readonly unknown[]): PlainObject {
  const out: PlainObject = owned({});
  for (let i = 0; i < args.length; i += 2) {
    put(out, strval(args[i]), i + 1 < args.length ? args[i + 1] : '');
  }
  return out;
}

/** mergo.Merge / MergeWithOverwrite on map[string]interface{}, as Sprig calls them. */
function mergeInto(dst: PlainObject, src: PlainObject, overwrite: boolean): void {
  for (const key of mapKeys(src)) {
    const s = src[key];
    const d = get(dst, key);
    const present = ownField(dst, key) !== ABSENT;
    if (s === null) {
      if (overwrite) put(dst, key, null);
      continue;
    }
    if (kindOf(s) === 'map' && kindOf(d) === 'map') {
      const target = OWNED.has(d as object) ? (d as PlainObject) : owned(copyMap(d as PlainObject));
      put(dst, key, target);
      mergeInto(target, s as PlainObject, overwrite);
      if (isTrue(target)) continue;
    }
    if (overwrite || !present || !isTrue(d)) put(dst, key, s);
  }
}

function copyMap(map: PlainObject): PlainObject {
  const out: PlainObject = {};
  for (const key of mapKeys(map)) put(out, key, map[key]);
  return out;
}

function mergeFn(overwrite: boolean, name: string): TemplateFunction {
  return fn(1, MANY, (args) => {
    const dst = writable(mapArg(args, 0), name);
    for (let i = 1; i < args.length; i++) mergeInto(dst, mapArg(args, i), overwrite);
    return dst;
  });
}

function deepCopy(value: unknown): unknown {
  if (kindOf(value) === 'array') return owned((value as unknown[]).map(deepCopy));
  if (kindOf(value) === 'map') {
    const out: PlainObject = owned({});
    for (const key of mapKeys(value as PlainObject)) put(out, key, deepCopy((value as PlainObject)[key]));
    return out;
  }
  return value === undefined ? null : value;
}

function dig(args: readonly unknown[]): unknown {
  const map = args[args.length - 1];
  if (kindOf(map) !== 'map')
    throw new FunctionError(`interface conversion: interface {} is ${goTypeOf(map)}, not map[string]interface {}`);
  const fallback = args[args.length - 2];
  const keys = args.slice(0, -2).map((k) => {
    if (typeof k !== 'string')
      throw new FunctionError(`interface conversion: interface {} is ${goTypeOf(k)}, not string`);
    return k;
  });
  let current = map as PlainObject;
  for (let i = 0; i < keys.length; i++) {
    const step = ownField(current, keys[i] as string);
    if (step === ABSENT) return fallback;
    if (i === keys.length - 1) return step;
    if (kindOf(step) !== 'map')
      throw new FunctionError(`interface conversion: interface {} is ${goTypeOf(step)}, not map[string]interface {}`);
    current = step as PlainObject;
  }
  return fallback;
}

function goTypeOf(value: unknown): string {
  switch (kindOf(value)) {
    case 'nil':
      return 'nil';
    case 'array':
      return '[]interface {}';
    case 'map':
      return 'map[string]interface {}';
    default:
      return goKind(value);
  }
}

function listFunctions(
  name: string,
  message: string,
  arity: [number, number],
  f: (list: unknown[], args: unknown[]) => unknown,
  listIndex = 0,
): Array<readonly [string, TemplateFunction]> {
  const call = (args: unknown[]): unknown => f(listArg(args[listIndex], message), args);
  const must = `must${name[0]?.toUpperCase()}${name.slice(1)}`;
  return [
    [name, fn(arity[0], arity[1], call)],
    [must, fn(arity[0], arity[1], call)],
  ];
}

export const COLLECTION_FUNCTIONS: ReadonlyArray<readonly [string, TemplateFunction]> = [
  ['list', fn(0, MANY, (args) => owned([...args]))],
  ['tuple', fn(0, MANY, (args) => owned([...args]))],
  ['dict', fn(0, MANY, dict)],
  [
    'get',
    fn(2, 2, (args) => {
      const value = ownField(mapArg(args, 0), stringArg(args, 1));
      return value === ABSENT ? '' : value;
    }),
  ],
  [
    'set',
    fn(3, 3, (args) => {
      const map = writable(mapArg(args, 0), 'set');
      put(map, stringArg(args, 1), args[2]);
      return map;
    }),
  ],
  [
    'unset',
    fn(2, 2, (args) => {
      const map = writable(mapArg(args, 0), 'unset');
      delete map[stringArg(args, 1)];
      return map;
    }),
  ],
  ['hasKey', fn(2, 2, (args) => ownField(mapArg(args, 0), stringArg(args, 1)) !== ABSENT)],
  [
    'pluck',
    fn(1, MANY, (args) => {
      const key = stringArg(args, 0);
      const out: unknown[] = owned([]);
      for (let i = 1; i < args.length; i++) {
        const value = ownField(mapArg(args, i), key);
        if (value !== ABSENT) out.push(value);
      }
      return out;
    }),
  ],
  ['keys', fn(0, MANY, (args) => owned(args.flatMap((_, i) => sortedKeys(mapArg(args, i)))))],
  [
    'values',
    fn(1, 1, (args) => {
      const map = mapArg(args, 0);
      return owned(sortedKeys(map).map((k) => map[k]));
    }),
  ],
  [
    'pick',
    fn(1, MANY, (args) => {
      const map = mapArg(args, 0);
      const out: PlainObject = owned({});
      for (let i = 1; i < args.length; i++) {
        const key = stringArg(args, i);
        const value = ownField(map, key);
        if (value !== ABSENT) put(out, key, value);
      }
      return out;
    }),
  ],
  [
    'omit',
    fn(1, MANY, (args) => {
      const map = mapArg(args, 0);
      const drop = new Set(args.slice(1).map((_, i) => stringArg(args, i + 1)));
      const out: PlainObject = owned({});
      for (const key of mapKeys(map)) if (!drop.has(key)) put(out, key, map[key]);
      return out;
    }),
  ],
  ['merge', mergeFn(false, 'merge')],
  ['mustMerge', mergeFn(false, 'mustMerge')],
  ['mergeOverwrite', mergeFn(true, 'mergeOverwrite')],
  ['mustMergeOverwrite', mergeFn(true, 'mustMergeOverwrite')],
  ['deepCopy', fn(1, 1, (args) => deepCopy(args[0]))],
  ['mustDeepCopy', fn(1, 1, (args) => deepCopy(args[0]))],
  ['dig', fn(3, MANY, dig)],
  ...listFunctions('append', 'Cannot push on type', [2, 2], (l, a) => owned([...l, a[1]])),
  ...listFunctions('push', 'Cannot push on type', [2, 2], (l, a) => owned([...l, a[1]])),
  ...listFunctions('prepend', 'Cannot prepend on type', [2, 2], (l, a) => owned([a[1], ...l])),
  ...listFunctions('first', 'Cannot find first on type', [1, 1], (l) => (l.length === 0 ? null : l[0])),
  ...listFunctions('last', 'Cannot find last on type', [1, 1], (l) => (l.length === 0 ? null : l[l.length - 1])),
  ...listFunctions('rest', 'Cannot find rest on type', [1, 1], (l) => owned(l.slice(1))),
  ...listFunctions('initial', 'Cannot find initial on type', [1, 1], (l) => owned(l.slice(0, -1))),
  ...listFunctions('reverse', 'Cannot find reverse on type', [1, 1], (l) => owned([...l].reverse())),
  ...listFunctions('compact', 'Cannot compact on type', [1, 1], (l) => owned(l.filter(isTrue))),
  ...listFunctions('uniq', 'Cannot find uniq on type', [1, 1], (l) => uniq(l)),
  ...listFunctions('without', 'Cannot find without on type', [1, MANY], (l, a) =>
    owned(l.filter((item) => !inList(a.slice(1), item))),
  ),
  ...listFunctions('slice', 'list should be type of slice or array but', [1, 3], (l, a) => slice(l, a.slice(1))),
  ...listFunctions('chunk', 'Cannot chunk type', [2, 2], (l, a) => chunk(intArg(a, 0), l), 1),
  [
    'has',
    fn(2, 2, (args) => {
      if (args[1] === null || args[1] === undefined) return false;
      return inList(listArg(args[1], 'Cannot find has on type'), args[0]);
    }),
  ],
  [
    'mustHas',
    fn(2, 2, (args) => {
      if (args[1] === null || args[1] === undefined) return false;
      return inList(listArg(args[1], 'Cannot find has on type'), args[0]);
    }),
  ],
  [
    'concat',
    fn(0, MANY, (args) => {
      const out: unknown[] = [];
      for (const list of args) out.push(...listArg(list, 'Cannot concat type'));
      return owned(out);
    }),
  ],
];
