/**
 * `semver` and `semverCompare` after Masterminds/semver v3.3.0: loose versions (`v1.2`, `1`),
 * constraints with `=`, `!=`, `>`, `<`, `>=`, `<=`, `~`, `^`, wildcards (`1.2.x`, `*`, a missing
 * part), hyphen ranges, `,` or space for AND, `||` for OR; a pre-release version satisfies only a
 * constraint that names a pre-release.
 */
import { FunctionError } from './errors.ts';
import { fn, stringArg, type TemplateFunction } from './function-args.ts';

interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly pre: string;
  readonly meta: string;
  readonly original: string;
}

const VERSION =
  /^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

function parseVersion(s: string): Version {
  const m = VERSION.exec(s);
  if (m === null) throw new FunctionError('Invalid Semantic Version');
  const pre = m[4] ?? '';
  for (const part of pre === '' ? [] : pre.split('.')) {
    if (/^[0-9]+$/.test(part) && part.length > 1 && part.startsWith('0')) {
      throw new FunctionError('Version segment starts with 0');
    }
  }
  return {
    major: Number(m[1]),
    minor: m[2] === undefined ? 0 : Number(m[2].slice(1)),
    patch: m[3] === undefined ? 0 : Number(m[3].slice(1)),
    pre,
    meta: m[5] ?? '',
    original: s,
  };
}

function comparePre(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return 1;
  if (b === '') return -1;
  const x = a.split('.');
  const y = b.split('.');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const p = x[i];
    const q = y[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    if (p === q) continue;
    const pn = /^[0-9]+$/.test(p);
    const qn = /^[0-9]+$/.test(q);
    if (pn && qn) return Number(p) < Number(q) ? -1 : 1;
    if (pn) return -1;
    if (qn) return 1;
    return p < q ? -1 : 1;
  }
  return 0;
}

function compare(a: Version, b: Version): number {
  for (const k of ['major', 'minor', 'patch'] as const) {
    if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  }
  return comparePre(a.pre, b.pre);
}

interface Constraint {
  readonly op: string;
  readonly con: Version;
  readonly minorDirty: boolean;
  readonly patchDirty: boolean;
  readonly dirty: boolean;
}

const IS_X = (s: string | undefined): boolean => s === undefined || s === 'x' || s === 'X' || s === '*';

const CONSTRAINT =
  /^\s*(=|!=|>=|=>|<=|=<|>|<|~>|~|\^)?\s*v?([0-9xX*]+)(?:\.([0-9xX*]+))?(?:\.([0-9xX*]+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?\s*$/;

function parseConstraint(text: string): Constraint {
  const m = CONSTRAINT.exec(text);
  if (m === null) throw new FunctionError(`improper constraint: ${text}`);
  const [, op = '', major, minor, patch, pre = '', meta = ''] = m;
  const majorDirty = IS_X(major);
  const minorDirty = majorDirty || IS_X(minor);
  const patchDirty = minorDirty || IS_X(patch);
  const num = (s: string | undefined): number => (IS_X(s) ? 0 : Number(s));
  const con: Version = {
    major: num(major),
    minor: minorDirty ? 0 : num(minor),
    patch: patchDirty ? 0 : num(patch),
    pre: patchDirty ? '' : pre,
    meta,
    original: text,
  };
  const normalized = op === '=>' ? '>=' : op === '=<' ? '<=' : op === '~>' ? '~' : op;
  return { op: normalized, con, minorDirty, patchDirty, dirty: majorDirty || minorDirty || patchDirty };
}

function check(c: Constraint, v: Version): boolean {
  const { con } = c;
  // A pre-release satisfies only constraints that name one; `!=` of an exact version excepted.
  if (v.pre !== '' && con.pre === '' && !(c.op === '!=' && !c.dirty)) return false;
  switch (c.op) {
    case '':
    case '=':
      if (c.dirty) return tilde(c, v);
      return compare(v, con) === 0;
    case '!=':
      if (c.dirty) return !tilde(c, v);
      return compare(v, con) !== 0;
    case '>':
      if (!c.dirty) return compare(v, con) > 0;
      if (v.major !== con.major) return v.major > con.major;
      if (c.minorDirty) return false;
      return v.minor > con.minor;
    case '<':
      return compare(v, con) < 0;
    case '>=':
      return compare(v, con) >= 0;
    case '<=':
      if (!c.dirty) return compare(v, con) <= 0;
      if (v.major !== con.major) return v.major < con.major;
      if (c.minorDirty) return true;
      return v.minor <= con.minor;
    case '~':
      return tilde(c, v);
    case '^':
      return caret(c, v);
    default:
      return false;
  }
}

function tilde(c: Constraint, v: Version): boolean {
  const { con } = c;
  if (compare(v, con) < 0) return false;
  if (
    con.major === 0 &&
    con.minor === 0 &&
    con.patch === 0 &&
    c.minorDirty &&
    c.patchDirty &&
    c.dirty &&
    c.op !== '~'
  ) {
    return true;
  }
  if (v.major !== con.major) return false;
  if (v.minor !== con.minor && !c.minorDirty) return false;
  return true;
}

function caret(c: Constraint, v: Version): boolean {
  const { con } = c;
  if (compare(v, con) < 0) return false;
  if (con.major > 0 || c.minorDirty) return v.major === con.major;
  if (v.major > 0) return false;
  if (con.minor > 0 || c.patchDirty) return v.minor === con.minor;
  if (v.minor > 0) return false;
  return v.patch === con.patch;
}

function expandHyphens(group: string): string {
  return group.replace(
    /\s*(v?[0-9xX*]+(?:\.[0-9xX*]+){0,2}(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)\s+-\s+(v?[0-9xX*]+(?:\.[0-9xX*]+){0,2}(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)\s*/g,
    ' >= $1, <= $2 ',
  );
}

function parseConstraints(text: string): Constraint[][] {
  return text.split('||').map((group) => {
    const expanded = expandHyphens(group)
      .replace(/(=|!=|>=|=>|<=|=<|>|<|~>|~|\^)\s+/g, '$1')
      .trim();
    const parts = expanded.split(/\s*,\s*|\s+/).filter((p) => p !== '');
    if (parts.length === 0) throw new FunctionError(`improper constraint: ${text}`);
    return parts.map(parseConstraint);
  });
}

function semverCompare(constraint: string, version: string): boolean {
  const groups = parseConstraints(constraint);
  const v = parseVersion(version);
  return groups.some((group) => group.every((c) => check(c, v)));
}

export const SEMVER_FUNCTIONS: ReadonlyArray<readonly [string, TemplateFunction]> = [
  ['semverCompare', fn(2, 2, (args) => semverCompare(stringArg(args, 0), stringArg(args, 1)))],
  [
    'semver',
    fn(1, 1, (args) => {
      const v = parseVersion(stringArg(args, 0));
      return {
        Major: v.major,
        Minor: v.minor,
        Patch: v.patch,
        Prerelease: v.pre,
        Metadata: v.meta,
        Original: v.original,
      };
    }),
  ],
];
