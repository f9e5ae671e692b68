/**
 * YAML output as Helm's `toYaml` produces it: sigs.k8s.io/yaml marshals to JSON, then goyaml.v2
 * emits block style with its key order ("natural": `a2` before `a10`), its quoting rules (a string
 * that would read back as another type is double-quoted, one that plain style cannot carry is
 * single-quoted), literal `|` blocks for multi-line strings, and sequences not indented under
 * their key. Not ported: folding of plain strings longer than 80 columns.
 */
import { FunctionError } from './errors.ts';
import { goNumber } from './format.ts';
import { kindOf, mapKeys, type PlainObject } from './values.ts';

const isLetter = (ch: string): boolean => /^\p{L}$/u.test(ch);
const isDigit = (ch: string): boolean => /^\p{Nd}$/u.test(ch);

/** goyaml.v2's keyList.Less for string keys. */
function keyLess(a: string, b: string): boolean {
  const ar = Array.from(a);
  const br = Array.from(b);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const x = ar[i] as string;
    const y = br[i] as string;
    if (x === y) continue;
    const al = isLetter(x);
    const bl = isLetter(y);
    if (al && bl) return (x.codePointAt(0) ?? 0) < (y.codePointAt(0) ?? 0);
    if (al || bl) return bl;
    let an = 0;
    let bn = 0;
    if (x === '0' || y === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j] as string); j--) {
        if (ar[j] !== '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && isDigit(ar[ai] as string); ai++) an = an * 10 + ((ar[ai] as string).charCodeAt(0) - 48);
    for (; bi < br.length && isDigit(br[bi] as string); bi++) bn = bn * 10 + ((br[bi] as string).charCodeAt(0) - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return (x.codePointAt(0) ?? 0) < (y.codePointAt(0) ?? 0);
  }
  return ar.length < br.length;
}

const RESOLVES_TO_OTHER = new Set(
  'y Y yes Yes YES true True TRUE on On ON n N no No NO false False FALSE off Off OFF ~ null Null NULL .nan .NaN .NAN .inf .Inf .INF +.inf +.Inf +.INF -.inf -.Inf -.INF <<'.split(
    ' ',
  ),
);

/** goyaml.v2's resolve(): would this plain scalar read back as something other than a string? */
function resolvesToNonString(s: string): boolean {
  if (s === '' || RESOLVES_TO_OTHER.has(s)) return true;
  const c = s[0] as string;
  if (c === '.') return floatSyntax(s);
  if (!/[-+0-9]/.test(c)) return false;
  if (/^\d{4}-\d{1,2}-\d{1,2}([Tt ]\d{1,2}:\d{1,2}:\d{1,2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?)?$/.test(s)) return true;
  const plain = s.replaceAll('_', '');
  if (/^[-+]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0|[1-9][0-9]*)$/.test(plain)) return true;
  if (/^[-+]?0[bB][01]+$/.test(plain)) return true;
  return floatSyntax(plain);
}

function floatSyntax(s: string): boolean {
  return /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(s);
}

const BASE60 = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

function isPrintable(cp: number): boolean {
  return (
    cp === 0x0a ||
    (cp >= 0x20 && cp <= 0x7e) ||
    cp === 0x85 ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff) ||
    cp >= 0x10000
  );
}

const isBreak = (ch: string): boolean =>
  ch === '\n' || ch === '\r' || ch === '\u0085' || ch === '\u2028' || ch === '\u2029';

interface Analysis {
  readonly multiline: boolean;
  readonly blockPlain: boolean;
  readonly singleQuoted: boolean;
  readonly block: boolean;
}

/** libyaml's yaml_emitter_analyze_scalar, block context only. */
function analyze(value: string): Analysis {
  if (value === '') return { multiline: false, blockPlain: true, singleQuoted: true, block: false };
  const chars = Array.from(value);
  let blockIndicators = value.startsWith('---') || value.startsWith('...');
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let precededByWhitespace = true;
  let previousSpace = false;
  let previousBreak = false;
  chars.forEach((ch, i) => {
    const next = chars[i + 1];
    const followedByWhitespace = next === undefined || next === ' ' || next === '\t' || isBreak(next);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) blockIndicators = true;
      else if ((ch === '?' || ch === ':' || ch === '-') && followedByWhitespace) blockIndicators = true;
    } else if (ch === ':' && followedByWhitespace) blockIndicators = true;
    else if (ch === '#' && precededByWhitespace) blockIndicators = true;
    if (!isPrintable(ch.codePointAt(0) ?? 0)) special = true;
    if (ch === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(ch)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = ch === ' ' || ch === '\t' || isBreak(ch);
  });
  let blockPlain = true;
  let singleQuoted = true;
  let block = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) blockPlain = false;
  if (trailingSpace) block = false;
  if (breakSpace) {
    blockPlain = false;
    singleQuoted = false;
  }
  if (spaceBreak || special) {
    blockPlain = false;
    singleQuoted = false;
    block = false;
  }
  if (lineBreaks) blockPlain = false;
  if (blockIndicators) blockPlain = false;
  return { multiline: lineBreaks, blockPlain, singleQuoted, block };
}

const ESCAPES: Record<string, string> = {
  '\0': '0',
  '\x07': 'a',
  '\b': 'b',
  '\t': 't',
  '\n': 'n',
  '\v': 'v',
  '\f': 'f',
  '\r': 'r',
  '\x1b': 'e',
  '"': '"',
  '\\': '\\',
  '\u0085': 'N',
  '\u00a0': '_',
  '\u2028': 'L',
  '\u2029': 'P',
};

/** goyaml.v2 folds a quoted or plain scalar at a space once the line is past 80 columns. */
const BEST_WIDTH = 80;

/** Where a scalar starts and how continuation lines are indented; null for keys (never folded). */
export interface Fold {
  readonly column: number;
  readonly indent: string;
}

function plain(s: string, fold: Fold | null): string {
  if (fold === null) return s;
  const chars = Array.from(s);
  let out = '';
  let column = fold.column;
  let spaces = false;
  chars.forEach((ch, i) => {
    if (ch === ' ') {
      if (!spaces && column > BEST_WIDTH && chars[i + 1] !== ' ') {
        out += `\n${fold.indent}`;
        column = fold.indent.length;
      } else {
        out += ch;
        column++;
      }
      spaces = true;
    } else {
      out += ch;
      column++;
      spaces = false;
    }
  });
  return out;
}

function singleQuoted(s: string, fold: Fold | null): string {
  const chars = Array.from(s);
  let out = "'";
  let column = (fold?.column ?? 0) + 1;
  let spaces = false;
  chars.forEach((ch, i) => {
    if (ch === ' ') {
      if (fold !== null && !spaces && column > BEST_WIDTH && i > 0 && i < chars.length - 1 && chars[i + 1] !== ' ') {
        out += `\n${fold.indent}`;
        column = fold.indent.length;
      } else {
        out += ch;
        column++;
      }
      spaces = true;
    } else {
      out += ch === "'" ? "''" : ch;
      column += ch === "'" ? 2 : 1;
      spaces = false;
    }
  });
  return `${out}'`;
}

function doubleQuoted(s: string, fold: Fold | null): string {
  const chars = Array.from(s);
  let out = '"';
  let column = (fold?.column ?? 0) + 1;
  let spaces = false;
  const emit = (text: string): void => {
    out += text;
    column += Array.from(text).length;
  };
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string;
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === ' ' && !(!isPrintable(cp) || isBreak(ch))) {
      if (fold !== null && !spaces && column > BEST_WIDTH && i > 0 && i < chars.length - 1) {
        out += `\n${fold.indent}`;
        column = fold.indent.length;
        if (chars[i + 1] === ' ') emit('\\');
      } else emit(ch);
      spaces = true;
      continue;
    }
    spaces = false;
    if (!isPrintable(cp) || cp === 0xfeff || isBreak(ch) || ch === '"' || ch === '\\') {
      const short = ESCAPES[ch];
      const hex = cp.toString(16).toUpperCase();
      if (short !== undefined) emit(`\\${short}`);
      else if (cp <= 0xff) emit(`\\x${hex.padStart(2, '0')}`);
      else if (cp <= 0xffff) emit(`\\u${hex.padStart(4, '0')}`);
      else emit(`\\U${hex.padStart(8, '0')}`);
    } else emit(ch);
  }
  return `${out}"`;
}

/** A literal block scalar (`|`, `|-`, `|+`, with an indentation indicator after a leading space). */
function literal(s: string, indent: string): string {
  let header = '|';
  if (s.startsWith(' ') || isBreak(s[0] as string)) header += '2';
  if (!s.endsWith('\n')) header += '-';
  else if (s === '\n' || s.endsWith('\n\n')) header += '+';
  const body = s.endsWith('\n') ? s.slice(0, -1) : s;
  const lines = body.split('\n').map((line) => (line === '' ? '' : indent + line));
  return `${header}\n${lines.join('\n')}`;
}

/** One string scalar; `key` is true for mapping keys (simple keys cannot be multi-line blocks). */
function scalar(s: string, indent: string, key: boolean, column = 0): string {
  const fold: Fold | null = key ? null : { column, indent };
  const canPlain = !resolvesToNonString(s) && !BASE60.test(s);
  const a = analyze(s);
  let style: 'plain' | 'single' | 'double' | 'literal' = s.includes('\n') ? 'literal' : canPlain ? 'plain' : 'double';
  if (key && a.multiline) style = 'double';
  if (style === 'plain') {
    if (!a.blockPlain) style = 'single';
    if (s === '' && key) style = 'single';
  }
  if (style === 'single' && !a.singleQuoted) style = 'double';
  if (style === 'literal' && (!a.block || key)) style = 'double';
  switch (style) {
    case 'plain':
      return plain(s, fold);
    case 'single':
      return singleQuoted(s, fold);
    case 'double':
      return doubleQuoted(s, fold);
    case 'literal':
      return literal(s, indent);
  }
}

function number(n: number): string {
  if (Number.isNaN(n)) return '.nan';
  if (n === Infinity) return '.inf';
  if (n === -Infinity) return '-.inf';
  return goNumber(n);
}

function isEmptyCollection(value: unknown): boolean {
  const kind = kindOf(value);
  return (
    (kind === 'array' && (value as unknown[]).length === 0) ||
    (kind === 'map' && mapKeys(value as PlainObject).length === 0)
  );
}

/** A node after `key:` or `- `: scalars and empty collections inline, others on the next lines. */
function node(value: unknown, indent: string, inSequence: boolean, column = 0): string {
  switch (kindOf(value)) {
    case 'nil':
      return ' null';
    case 'bool':
      return value ? ' true' : ' false';
    case 'number':
      return ` ${number(value as number)}`;
    case 'string':
      return ` ${scalar(value as string, `${indent}  `, false, column + 1)}`;
    case 'array':
      if (isEmptyCollection(value)) return ' []';
      return inSequence
        ? ` ${sequence(value as unknown[], `${indent}  `).trimStart()}`
        : `\n${sequence(value as unknown[], indent)}`;
    case 'map':
      if (isEmptyCollection(value)) return ' {}';
      return inSequence
        ? ` ${mapping(value as PlainObject, `${indent}  `).trimStart()}`
        : `\n${mapping(value as PlainObject, `${indent}  `)}`;
    default:
      throw new FunctionError(`toYaml: unsupported value of type ${typeof value}`);
  }
}

function mapping(map: PlainObject, indent: string): string {
  const keys = mapKeys(map).sort((a, b) => (keyLess(a, b) ? -1 : keyLess(b, a) ? 1 : 0));
  return keys
    .map((k) => {
      const prefix = `${indent}${scalar(k, indent, true)}:`;
      return `${prefix}${node(map[k], indent, false, Array.from(prefix).length)}`;
    })
    .join('\n');
}

function sequence(list: readonly unknown[], indent: string): string {
  return list.map((item) => `${indent}-${node(item, indent, true, indent.length + 1)}`).join('\n');
}

/** sigs.k8s.io/yaml.Marshal of JSON data, with the final newline (Helm's toYaml trims it). */
export function goYaml(value: unknown): string {
  switch (kindOf(value)) {
    case 'array':
      return isEmptyCollection(value) ? '[]\n' : `${sequence(value as unknown[], '')}\n`;
    case 'map':
      return isEmptyCollection(value) ? '{}\n' : `${mapping(value as PlainObject, '')}\n`;
    default:
      return `${node(value, '', false).slice(1)}\n`;
  }
}
