/**
 * Sprig's string functions (strings.go, goutils, xstrings), ported for Sprig v3.3.0's results.
 * Go strings are UTF-8 bytes: functions that count or cut (`trunc`, `substr`, `abbrev`) count bytes.
 */
import { createHash } from 'node:crypto';
import { FunctionError } from './errors.ts';
import { formatValue, goQuote, strval } from './format.ts';
import {
  checkedLength,
  fn,
  intArg,
  MANY,
  stringArg,
  strings1,
  strings2,
  type TemplateFunction,
  toInt64,
} from './function-args.ts';
import { compareStrings, kindOf, type PlainObject } from './values.ts';

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');

/** s[start:end] on UTF-8 bytes, with Go's "slice bounds out of range" for bad bounds. */
function byteSlice(s: string, start: number, end?: number): string {
  const bytes = utf8(s);
  const stop = end ?? bytes.length;
  if (start < 0 || stop > bytes.length || start > stop) {
    throw new FunctionError(`slice bounds out of range [${start}:${stop}] with length ${bytes.length}`);
  }
  return bytes.subarray(start, stop).toString('utf8');
}

const byteLength = (s: string): number => Buffer.byteLength(s, 'utf8');

/** Go's unicode.IsSpace. */
const SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/u;
export const isSpace = (ch: string): boolean => SPACE.test(ch);
const TRIM_SPACE =
  /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;
const isUpper = (ch: string): boolean => /^\p{Lu}$/u.test(ch);
const isLower = (ch: string): boolean => /^\p{Ll}$/u.test(ch);
const isTitle = (ch: string): boolean => /^\p{Lt}$/u.test(ch);
const isLetter = (ch: string): boolean => /^\p{L}$/u.test(ch);
const isNumber = (ch: string): boolean => /^\p{N}$/u.test(ch);
const isPunct = (ch: string): boolean => /^\p{P}$/u.test(ch);

/** Go's strings.Repeat with the output cap checked first. */
function repeat(s: string, count: number): string {
  if (count < 0) throw new FunctionError('strings: negative Repeat count');
  checkedLength(s.length * count);
  return s.repeat(count);
}

function trunc(c: number, s: string): string {
  const n = byteLength(s);
  if (c < 0 && n + c > 0) return byteSlice(s, n + c);
  if (c >= 0 && n > c) return byteSlice(s, 0, c);
  return s;
}

function substr(start: number, end: number, s: string): string {
  if (start < 0) return byteSlice(s, 0, end);
  if (end < 0 || end > byteLength(s)) return byteSlice(s, start);
  return byteSlice(s, start, end);
}

/** goutils.AbbreviateFull. */
function abbreviateFull(str: string, offsetIn: number, maxWidth: number): string {
  if (str === '') return '';
  if (maxWidth < 4) throw new FunctionError('stringutils illegal argument: Minimum abbreviation width is 4');
  const n = byteLength(str);
  if (n <= maxWidth) return str;
  let offset = Math.min(offsetIn, n);
  if (n - offset < maxWidth - 3) offset = n - (maxWidth - 3);
  if (offset <= 4) return `${byteSlice(str, 0, maxWidth - 3)}...`;
  if (maxWidth < 7)
    throw new FunctionError('stringutils illegal argument: Minimum abbreviation width with offset is 7');
  if (offset + maxWidth - 3 < n) return `...${abbreviateFull(byteSlice(str, offset), 0, maxWidth - 3)}`;
  return `...${byteSlice(str, n - (maxWidth - 3))}`;
}

function abbrev(width: number, s: string): string {
  return width < 4 ? s : abbreviateFull(s, 0, width);
}

function abbrevboth(left: number, right: number, s: string): string {
  if (right < 4 || (left > 0 && right < 7)) return s;
  return abbreviateFull(s, left, right);
}

/** goutils.Initials and DeleteWhiteSpace read bytes as runes: multi-byte characters come out as Latin-1. */
function bytesAsRunes(s: string): string[] {
  return Array.from(utf8(s), (b) => String.fromCharCode(b));
}

function initials(s: string): string {
  let out = '';
  let lastWasGap = true;
  for (const ch of bytesAsRunes(s)) {
    if (isSpace(ch)) lastWasGap = true;
    else if (lastWasGap) {
      out += ch;
      lastWasGap = false;
    }
  }
  return out;
}

function nospace(s: string): string {
  const chars = bytesAsRunes(s);
  const kept = chars.filter((ch) => !isSpace(ch));
  return kept.length === chars.length ? s : kept.join('');
}

/** strings.Title: the first letter of each word (after a non-letter, non-digit, non-underscore rune) upper-cased. */
function title(s: string): string {
  let out = '';
  let prev = ' ';
  for (const ch of s) {
    out += isTitleSeparator(prev) ? toTitle(ch) : ch;
    prev = ch;
  }
  return out;
}

/** strings.Title's isSeparator. */
function isTitleSeparator(ch: string): boolean {
  if ((ch.codePointAt(0) ?? 0) <= 0x7f) return !/^[0-9A-Za-z_]$/.test(ch);
  if (/^[\p{L}\p{Nd}]$/u.test(ch)) return false;
  return isSpace(ch);
}

/** unicode.ToTitle for the characters that differ from upper case (digraphs); otherwise upper case. */
function toTitle(ch: string): string {
  const special: Record<string, string> = {
    Ǆ: 'ǅ',
    ǅ: 'ǅ',
    ǆ: 'ǅ',
    Ǉ: 'ǈ',
    ǈ: 'ǈ',
    ǉ: 'ǈ',
    Ǌ: 'ǋ',
    ǋ: 'ǋ',
    ǌ: 'ǋ',
    Ǳ: 'ǲ',
    ǲ: 'ǲ',
    ǳ: 'ǲ',
  };
  return special[ch] ?? goUpperRune(ch);
}

/** unicode.ToUpper of one rune: JS upper-casing may expand (ß → SS); Go keeps one rune. */
function goUpperRune(ch: string): string {
  const up = ch.toUpperCase();
  return Array.from(up).length === 1 ? up : ch;
}

function goLowerRune(ch: string): string {
  const low = ch.toLowerCase();
  return Array.from(low).length === 1 ? low : ch;
}

/** strings.ToUpper / ToLower map rune by rune. */
export const goUpper = (s: string): string => Array.from(s, goUpperRune).join('');
export const goLower = (s: string): string => Array.from(s, goLowerRune).join('');

function untitle(s: string): string {
  let next = true;
  return Array.from(s, (ch) => {
    if (isSpace(ch)) {
      next = true;
      return ch;
    }
    if (next) {
      next = false;
      return goLowerRune(ch);
    }
    return ch;
  }).join('');
}

/** goutils.SwapCase. */
function swapcase(s: string): string {
  let whitespace = true;
  return Array.from(s, (ch) => {
    if (isUpper(ch) || isTitle(ch)) {
      whitespace = false;
      return goLowerRune(ch);
    }
    if (isLower(ch)) {
      if (whitespace) {
        whitespace = false;
        return toTitle(ch);
      }
      return goUpperRune(ch);
    }
    whitespace = isSpace(ch);
    return ch;
  }).join('');
}

/** goutils.WrapCustom (byte offsets, as in Go). */
function wrapCustom(str: string, wrapLengthIn: number, newLineIn: string, wrapLongWords: boolean): string {
  if (str === '') return '';
  const newLine = newLineIn === '' ? '\n' : newLineIn;
  const wrapLength = Math.max(1, wrapLengthIn);
  const bytes = utf8(str);
  const slice = (a: number, b: number = bytes.length): string => bytes.subarray(a, b).toString('utf8');
  const total = bytes.length;
  let offset = 0;
  let out = '';
  while (total - offset > wrapLength) {
    if (bytes[offset] === 0x20) {
      offset++;
      continue;
    }
    const end = Math.min(wrapLength + offset + 1, total);
    const space = bytes.subarray(offset, end).lastIndexOf(0x20);
    if (space >= 0) {
      out += slice(offset, offset + space) + newLine;
      offset += space + 1;
    } else if (wrapLongWords) {
      out += slice(offset, wrapLength + offset) + newLine;
      offset += wrapLength;
    } else {
      const from = wrapLength + offset;
      const index = bytes.subarray(from).indexOf(0x20);
      if (index === -1) {
        out += slice(offset);
        offset = total;
      } else {
        out += slice(offset, index + from) + newLine;
        offset = index + from + 1;
      }
    }
    checkedLength(out.length);
  }
  return out + slice(offset);
}

// -- xstrings: camelcase, snakecase, kebabcase -------------------------------------------------

const isConnector = (ch: string): boolean => ch === '-' || ch === '_' || isSpace(ch);

/** xstrings' isAlphabet: a letter that is not a CJK ideograph. */
function isAlphabet(ch: string): boolean {
  if (!isLetter(ch)) return false;
  return !/^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]$/u.test(ch);
}

/** xstrings.ToPascalCase (Sprig's camelcase). */
function pascalCase(str: string): string {
  const runes = Array.from(str);
  if (runes.length === 0) return '';
  let out = '';
  let i = 0;
  let r0 = '';
  let firstUpper = false;
  for (; i < runes.length; i++) {
    r0 = runes[i] as string;
    if (!isConnector(r0)) {
      firstUpper = isUpper(r0);
      r0 = goUpperRune(r0);
      i++;
      break;
    }
    out += r0;
    if (i === runes.length - 1) return out;
  }
  if (i >= runes.length) return out + r0;
  for (; i < runes.length; i++) {
    const r1 = r0;
    r0 = runes[i] as string;
    if (isConnector(r0) && isConnector(r1)) {
      out += r1;
      continue;
    }
    if (isConnector(r1)) {
      firstUpper = isUpper(r0);
      r0 = goUpperRune(r0);
    } else {
      if (firstUpper) {
        if (isUpper(r0)) r0 = goLowerRune(r0);
        else firstUpper = false;
      }
      out += r1;
    }
  }
  return out + r0;
}

type WordType = 'invalid' | 'number' | 'upper' | 'alphabet' | 'connector' | 'punct' | 'other';

function nextWord(runes: readonly string[], from: number): { type: WordType; end: number } {
  const at = (i: number): string => runes[i] as string;
  let i = from;
  const r = at(i++);
  const n = runes.length;
  if (isConnector(r)) {
    while (i < n && isConnector(at(i))) i++;
    return { type: 'connector', end: i };
  }
  if (isPunct(r)) {
    while (i < n && isPunct(at(i))) i++;
    return { type: 'punct', end: i };
  }
  if (isUpper(r)) {
    if (i >= n) return { type: 'upper', end: i };
    if (isUpper(at(i))) {
      i++;
      while (i < n && isUpper(at(i))) i++;
      if (i < n && isAlphabet(at(i))) i--;
    } else if (isAlphabet(at(i))) {
      i++;
      while (i < n && isAlphabet(at(i)) && !isUpper(at(i))) i++;
    }
    return { type: 'upper', end: i };
  }
  if (isAlphabet(r)) {
    while (i < n && isAlphabet(at(i)) && !isUpper(at(i))) i++;
    return { type: 'alphabet', end: i };
  }
  if (isNumber(r)) {
    while (i < n && isNumber(at(i))) i++;
    return { type: 'number', end: i };
  }
  while (i < n && !isConnector(at(i)) && !isAlphabet(at(i)) && !isNumber(at(i)) && !isPunct(at(i))) i++;
  return { type: 'other', end: i };
}

/** xstrings.camelCaseToLowerCase (snakecase, kebabcase). */
function lowerCaseWords(str: string, connector: string): string {
  const runes = Array.from(str);
  if (runes.length === 0) return '';
  let out = '';
  const lower = (type: WordType, word: readonly string[]): void => {
    if (type !== 'upper' && type !== 'connector') {
      out += word.join('');
      return;
    }
    for (const ch of word) out += isConnector(ch) ? connector : isUpper(ch) ? goLowerRune(ch) : ch;
  };
  let pos = 0;
  const take = (): { type: WordType; word: string[] } => {
    if (pos >= runes.length) return { type: 'invalid', word: [] };
    const { type, end } = nextWord(runes, pos);
    const word = runes.slice(pos, end);
    pos = end;
    return { type, word };
  };
  let { type: wt, word } = take();
  while (pos < runes.length) {
    if (wt !== 'connector') lower(wt, word);
    const prev = wt;
    const last = word;
    ({ type: wt, word } = take());
    switch (prev) {
      case 'number':
        while (wt === 'alphabet' || wt === 'number') {
          lower(wt, word);
          ({ type: wt, word } = take());
        }
        if (wt !== 'invalid' && wt !== 'punct' && wt !== 'connector') out += connector;
        break;
      case 'connector':
        lower(prev, last);
        break;
      case 'punct':
        break;
      default: {
        if (wt !== 'number') {
          if (wt !== 'connector' && wt !== 'punct') out += connector;
          break;
        }
        if (pos >= runes.length) break;
        const lastNumber = word;
        ({ type: wt, word } = take());
        if (wt !== 'alphabet') {
          lower('number', lastNumber);
          if (wt !== 'connector' && wt !== 'punct') out += connector;
          break;
        }
        out += connector;
        lower('number', lastNumber);
        while (wt === 'alphabet' || wt === 'number') {
          lower(wt, word);
          ({ type: wt, word } = take());
        }
        if (wt !== 'invalid' && wt !== 'connector' && wt !== 'punct') out += connector;
      }
    }
  }
  lower(wt, word);
  return out;
}

// -- lists of strings ----------------------------------------------------------------------------

/** Sprig's strslice: lists become their non-null elements as strings, a scalar a one-element list. */
export function strslice(value: unknown): string[] {
  switch (kindOf(value)) {
    case 'array':
      return (value as unknown[]).filter((v) => v !== null && v !== undefined).map(strval);
    case 'nil':
      return [];
    default:
      return [strval(value)];
  }
}

/** Go's strings.Split: an empty separator splits into characters. */
export function goSplit(s: string, sep: string): string[] {
  return sep === '' ? Array.from(s) : s.split(sep);
}

/** Go's strings.SplitN: n < 0 is all parts, 0 none, otherwise at most n (the last holds the rest). */
function goSplitN(s: string, sep: string, n: number): string[] | null {
  if (n === 0) return null;
  const parts = goSplit(s, sep);
  if (n < 0 || parts.length <= n) return parts;
  const head = parts.slice(0, n - 1);
  const rest = parts.slice(n - 1).join(sep);
  return [...head, rest];
}

function indexedParts(parts: readonly string[] | null): PlainObject {
  const out: PlainObject = {};
  (parts ?? []).forEach((part, i) => {
    out[`_${i}`] = part;
  });
  return out;
}

function replaceAll(s: string, old: string, replacement: string): string {
  if (old === '') {
    const chars = Array.from(s);
    checkedLength(s.length + (chars.length + 1) * replacement.length);
    return replacement + chars.map((c) => c + replacement).join('');
  }
  const count = s.split(old).length - 1;
  checkedLength(s.length + count * (replacement.length - old.length));
  return s.replaceAll(old, () => replacement);
}

/** strings.Trim(s, cutset): both ends, any rune of the cutset. */
function trimCutset(s: string, cutset: string): string {
  const set = new Set(Array.from(cutset));
  const runes = Array.from(s);
  let a = 0;
  let b = runes.length;
  while (a < b && set.has(runes[a] as string)) a++;
  while (b > a && set.has(runes[b - 1] as string)) b--;
  return runes.slice(a, b).join('');
}

function indent(spaces: number, s: string): string {
  const pad = repeat(' ', Math.max(0, spaces));
  if (spaces < 0) throw new FunctionError('strings: negative Repeat count');
  const lines = s.split('\n').length;
  checkedLength(s.length + lines * pad.length);
  return pad + s.replaceAll('\n', `\n${pad}`);
}

const hash = (algorithm: string) => (s: string) => createHash(algorithm).update(s, 'utf8').digest('hex');

/** hash/adler32 of the UTF-8 bytes, printed as a decimal number (Sprig's adler32sum). */
function adler32(s: string): string {
  let a = 1;
  let b = 0;
  for (const byte of utf8(s)) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return String(((b << 16) | a) >>> 0);
}

const quoteAll = (format: (s: unknown) => string) =>
  fn(0, MANY, (args) =>
    args
      .filter((a) => a !== null && a !== undefined)
      .map(format)
      .join(' '),
  );

export const STRING_FUNCTIONS: ReadonlyArray<readonly [string, TemplateFunction]> = [
  ['abbrev', fn(2, 2, (args) => abbrev(intArg(args, 0), stringArg(args, 1)))],
  ['abbrevboth', fn(3, 3, (args) => abbrevboth(intArg(args, 0), intArg(args, 1), stringArg(args, 2)))],
  ['trunc', fn(2, 2, (args) => trunc(intArg(args, 0), stringArg(args, 1)))],
  ['trim', strings1((s) => s.replace(TRIM_SPACE, ''))],
  ['upper', strings1(goUpper)],
  ['lower', strings1(goLower)],
  ['title', strings1(title)],
  ['untitle', strings1(untitle)],
  ['substr', fn(3, 3, (args) => substr(intArg(args, 0), intArg(args, 1), stringArg(args, 2)))],
  ['repeat', fn(2, 2, (args) => repeat(stringArg(args, 1), intArg(args, 0)))],
  ['trimall', strings2((cutset, s) => trimCutset(s, cutset))],
  ['trimAll', strings2((cutset, s) => trimCutset(s, cutset))],
  ['trimPrefix', strings2((prefix, s) => (s.startsWith(prefix) ? s.slice(prefix.length) : s))],
  ['trimSuffix', strings2((suffix, s) => (suffix !== '' && s.endsWith(suffix) ? s.slice(0, -suffix.length) : s))],
  ['nospace', strings1(nospace)],
  ['initials', strings1(initials)],
  ['swapcase', strings1(swapcase)],
  ['snakecase', strings1((s) => lowerCaseWords(s, '_'))],
  ['camelcase', strings1(pascalCase)],
  ['kebabcase', strings1((s) => lowerCaseWords(s, '-'))],
  ['wrap', fn(2, 2, (args) => wrapCustom(stringArg(args, 1), intArg(args, 0), '\n', false))],
  ['wrapWith', fn(3, 3, (args) => wrapCustom(stringArg(args, 2), intArg(args, 0), stringArg(args, 1), true))],
  ['contains', strings2((substr, s) => s.includes(substr))],
  ['hasPrefix', strings2((prefix, s) => s.startsWith(prefix))],
  ['hasSuffix', strings2((suffix, s) => s.endsWith(suffix))],
  ['quote', quoteAll((a) => goQuote(strval(a)))],
  ['squote', quoteAll((a) => `'${strval(a)}'`)],
  [
    'cat',
    fn(0, MANY, (args) =>
      args
        .filter((a) => a !== null && a !== undefined)
        .map(formatValue)
        .join(' '),
    ),
  ],
  ['indent', fn(2, 2, (args) => indent(intArg(args, 0), stringArg(args, 1)))],
  ['nindent', fn(2, 2, (args) => `\n${indent(intArg(args, 0), stringArg(args, 1))}`)],
  ['replace', fn(3, 3, (args) => replaceAll(stringArg(args, 2), stringArg(args, 0), stringArg(args, 1)))],
  [
    'plural',
    fn(3, 3, (args) => {
      const [one, many] = [stringArg(args, 0), stringArg(args, 1)];
      return intArg(args, 2) === 1 ? one : many;
    }),
  ],
  ['sha1sum', strings1(hash('sha1'))],
  ['sha256sum', strings1(hash('sha256'))],
  ['sha512sum', strings1(hash('sha512'))],
  ['adler32sum', strings1(adler32)],
  ['toString', fn(1, 1, (args) => strval(args[0]))],
  ['toStrings', fn(1, 1, (args) => strslice(args[0]))],
  [
    'join',
    fn(2, 2, (args) => {
      const parts = strslice(args[1]);
      const sep = stringArg(args, 0);
      checkedLength(parts.reduce((n, p) => n + p.length + sep.length, 0));
      return parts.join(sep);
    }),
  ],
  ['split', strings2((sep, s) => indexedParts(goSplit(s, sep)))],
  ['splitList', strings2((sep, s) => goSplit(s, sep))],
  ['splitn', fn(3, 3, (args) => indexedParts(goSplitN(stringArg(args, 2), stringArg(args, 0), intArg(args, 1))))],
  ['sortAlpha', fn(1, 1, (args) => sortAlpha(args[0]))],
  ['atoi', strings1((s) => (/^[+-]?[0-9]+$/.test(s) ? toInt64(s) : 0))],
];

function sortAlpha(value: unknown): string[] {
  if (kindOf(value) !== 'array') return [strval(value)];
  return strslice(value).sort(compareStrings);
}
