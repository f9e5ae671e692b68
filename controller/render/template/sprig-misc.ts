/**
 * Sprig's path functions (Go's `path`; the `os…` variants are the same on Linux), reflection
 * (`typeOf` names Go's types for JSON data: int64, float64, string, bool, []interface {},
 * map[string]interface {}), flow control (`fail`, and Helm's `required`) and the boolean helpers.
 */
import { FunctionError } from './errors.ts';
import { fn, MANY, stringArg, type TemplateFunction } from './function-args.ts';
import { deepEqual, goKind } from './sprig-collections.ts';
import { goTypeName, isTrue, kindOf } from './values.ts';

/** path.Clean. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

function base(p: string): string {
  if (p === '') return '.';
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

function dir(p: string): string {
  return cleanPath(p.slice(0, p.lastIndexOf('/') + 1));
}

function ext(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== '/'; i--) {
    if (p[i] === '.') return p.slice(i);
  }
  return '';
}

const paths = (name: string, f: (p: string) => unknown): Array<readonly [string, TemplateFunction]> => [
  [name, fn(1, 1, (args) => f(stringArg(args, 0)))],
  [`os${name[0]?.toUpperCase()}${name.slice(1)}`, fn(1, 1, (args) => f(stringArg(args, 0)))],
];

function typeOf(value: unknown): string {
  return kindOf(value) === 'nil' ? '<nil>' : goTypeName(value);
}

/** time.Duration.String of whole seconds: 95 → 1m35s. Sprig reads int64 numbers or decimal strings. */
function duration(value: unknown): string {
  const seconds =
    typeof value === 'number'
      ? Math.trunc(value)
      : typeof value === 'string' && /^[+-]?[0-9]+$/.test(value)
        ? Number(value)
        : 0;
  if (seconds === 0) return '0s';
  const sign = seconds < 0 ? '-' : '';
  let rest = Math.abs(seconds);
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  const s = rest - m * 60;
  if (h > 0) return `${sign}${h}h${m}m${s}s`;
  if (m > 0) return `${sign}${m}m${s}s`;
  return `${sign}${s}s`;
}

export const MISC_FUNCTIONS: ReadonlyArray<readonly [string, TemplateFunction]> = [
  ...paths('base', base),
  ...paths('dir', dir),
  ...paths('clean', cleanPath),
  ...paths('ext', ext),
  ...paths('isAbs', (p) => p.startsWith('/')),
  ['typeOf', fn(1, 1, (args) => typeOf(args[0]))],
  ['typeIs', fn(2, 2, (args) => stringArg(args, 0) === typeOf(args[1]))],
  ['typeIsLike', fn(2, 2, (args) => [typeOf(args[1]), `*${typeOf(args[1])}`].includes(stringArg(args, 0)))],
  ['kindOf', fn(1, 1, (args) => goKind(args[0]))],
  ['kindIs', fn(2, 2, (args) => stringArg(args, 0) === goKind(args[1]))],
  ['deepEqual', fn(2, 2, (args) => deepEqual(args[0], args[1]))],
  ['duration', fn(1, 1, (args) => duration(args[0]))],
  ['all', fn(0, MANY, (args) => args.every(isTrue))],
  ['any', fn(0, MANY, (args) => args.some(isTrue))],
  [
    'fail',
    fn(1, 1, (args) => {
      throw new FunctionError(stringArg(args, 0));
    }),
  ],
  [
    'required',
    fn(
      2,
      2,
      (args) => {
        const value = args[1];
        if (value === null || value === undefined || value === '' || kindOf(value) === 'missing') {
          throw new FunctionError(stringArg(args, 0));
        }
        return value;
      },
      { acceptsMissing: true },
    ),
  ],
];
