/**
 * Sprig's regex functions with Go's RE2 syntax and semantics through re2js (linear time: no
 * catastrophic backtracking on untrusted patterns). Go's regexp.MustCompile panics on a bad
 * pattern; here every variant reports the compile error.
 */
import { RE2JS } from 're2js';
import { FunctionError } from './errors.ts';
import { fn, intArg, stringArg, type TemplateFunction } from './function-args.ts';
import { owned } from './sprig-collections.ts';

const cache = new Map<string, RE2JS>();
const MAX_CACHED = 256;

function compile(pattern: string): RE2JS {
  const cached = cache.get(pattern);
  if (cached !== undefined) return cached;
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (error) {
    throw new FunctionError(`error parsing regexp: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(pattern, re);
  return re;
}

/** regexp.FindAllString(s, n): n < 0 means all; empty matches right after a match are skipped. */
function findAll(re: RE2JS, s: string, n: number): string[] | null {
  if (n === 0) return null;
  const out: string[] = [];
  const m = re.matcher(s);
  let prevEnd = -1;
  let pos = 0;
  while ((n < 0 || out.length < n) && pos <= s.length && m.find(pos)) {
    const start = m.start();
    const end = m.end();
    if (end === start && start === prevEnd) {
      prevEnd = end;
      pos = start + ((s.codePointAt(start) ?? 0) > 0xffff ? 2 : 1);
      continue;
    }
    out.push(s.slice(start, end));
    prevEnd = end;
    pos = end === start ? end + ((s.codePointAt(end) ?? 0) > 0xffff ? 2 : 1) : end;
  }
  return out.length === 0 ? null : out;
}

/** regexp.Split(s, n). */
function split(re: RE2JS, s: string, n: number): string[] | null {
  if (n === 0) return null;
  if (re.pattern().length > 0 && s.length === 0) return [''];
  const matches: Array<[number, number]> = [];
  const m = re.matcher(s);
  let prevEnd = -1;
  let pos = 0;
  while (pos <= s.length && m.find(pos)) {
    const start = m.start();
    const end = m.end();
    if (!(end === start && start === prevEnd)) matches.push([start, end]);
    prevEnd = end;
    pos = end === start ? end + 1 : end;
  }
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const [ms, me] of matches) {
    if (n > 0 && out.length === n - 1) break;
    end = ms;
    if (me === 0) continue;
    out.push(s.slice(beg, end));
    beg = me;
  }
  if (end !== s.length) out.push(s.slice(beg));
  return out;
}

/** Go's ReplaceAllString: $1, ${name} expand; a name is the longest run of [A-Za-z0-9_]. */
function expand(
  template: string,
  m: { group(i: number | string): string | null },
  names: Map<string, number>,
  groups: number,
): string {
  return template.replace(
    /\$(\$|\{([^}]*)\}|([A-Za-z0-9_]+))/g,
    (whole, dollar: string, braced?: string, bare?: string) => {
      if (dollar === '$') return '$';
      const name = braced ?? bare ?? '';
      if (braced !== undefined && !/^[A-Za-z0-9_]+$/.test(braced)) return whole;
      const index = /^[0-9]+$/.test(name) ? Number(name) : names.get(name);
      if (index === undefined || index > groups) return '';
      return m.group(index) ?? '';
    },
  );
}

function replaceAll(re: RE2JS, s: string, repl: string, literal: boolean): string {
  const m = re.matcher(s);
  const names = new Map<string, number>(Object.entries(re.namedGroups() as Record<string, number>));
  const groups = re.groupCount();
  let out = '';
  let last = 0;
  let prevEnd = -1;
  let pos = 0;
  while (pos <= s.length && m.find(pos)) {
    const start = m.start();
    const end = m.end();
    if (!(end === start && start === prevEnd)) {
      out += s.slice(last, start) + (literal ? repl : expand(repl, m, names, groups));
      last = end;
    }
    prevEnd = end;
    pos = end === start ? end + 1 : end;
  }
  return out + s.slice(last);
}

function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

type Variant = (args: unknown[]) => unknown;

function pair(name: string, arity: number, call: Variant, soft?: Variant): Array<readonly [string, TemplateFunction]> {
  const must = `must${name[0]?.toUpperCase()}${name.slice(1)}`;
  return [
    [name, fn(arity, arity, soft ?? call)],
    [must, fn(arity, arity, call)],
  ];
}

export const REGEX_FUNCTIONS: ReadonlyArray<readonly [string, TemplateFunction]> = [
  ...pair(
    'regexMatch',
    2,
    (args) => compile(stringArg(args, 0)).matcher(stringArg(args, 1)).find(),
    (args) => {
      const s = stringArg(args, 1);
      try {
        return compile(stringArg(args, 0)).matcher(s).find();
      } catch {
        return false;
      }
    },
  ),
  ...pair('regexFindAll', 3, (args) =>
    owned(findAll(compile(stringArg(args, 0)), stringArg(args, 1), intArg(args, 2)) ?? []),
  ),
  ...pair('regexFind', 2, (args) => {
    const m = compile(stringArg(args, 0)).matcher(stringArg(args, 1));
    return m.find() ? (m.group(0) ?? '') : '';
  }),
  ...pair('regexReplaceAll', 3, (args) =>
    replaceAll(compile(stringArg(args, 0)), stringArg(args, 1), stringArg(args, 2), false),
  ),
  ...pair('regexReplaceAllLiteral', 3, (args) =>
    replaceAll(compile(stringArg(args, 0)), stringArg(args, 1), stringArg(args, 2), true),
  ),
  ...pair('regexSplit', 3, (args) =>
    owned(split(compile(stringArg(args, 0)), stringArg(args, 1), intArg(args, 2)) ?? []),
  ),
  ['regexQuoteMeta', fn(1, 1, (args) => quoteMeta(stringArg(args, 0)))],
];
