/**
 * Lexer for Go text/template syntax (delimiters fixed to `{{` `}}`), after text/template/parse/lex.go:
 * trim markers `{{- ` / ` -}}` are applied to the neighbouring text here, comments `{{/* ... *\/}}` are
 * dropped, and literals (strings, raw strings, characters, numbers) are decoded to values.
 */

import { TemplateFailure } from './errors.ts';

export type TokenType =
  | 'text'
  | 'leftDelim'
  | 'rightDelim'
  | 'space'
  | 'field'
  | 'variable'
  | 'dot'
  | 'identifier'
  | 'keyword'
  | 'bool'
  | 'nil'
  | 'number'
  | 'string'
  | 'pipe'
  | 'leftParen'
  | 'rightParen'
  | 'declare'
  | 'assign'
  | 'comma'
  | 'eof';

export interface Token {
  readonly type: TokenType;
  /** Source text (for `text`: the text after trimming; for `field`: the name without the dot). */
  readonly value: string;
  /** Offsets of the token in the source: [pos, end). */
  readonly pos: number;
  readonly end: number;
  /** Decoded value of `bool`, `number` and `string` tokens. */
  readonly literal?: unknown;
}

const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'break', 'continue', 'define', 'template', 'block']);

/** Go's isSpace in the lexer and the characters trim markers remove. */
function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

const ALNUM = /^[\p{L}\p{Nd}_]$/u;

function isAlphaNumeric(c: string | undefined): boolean {
  return c !== undefined && ALNUM.test(c);
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function trimLeftSpace(s: string): string {
  let i = 0;
  while (i < s.length && isSpace(s[i])) i++;
  return s.slice(i);
}

function trimRightSpace(s: string): string {
  let i = s.length;
  while (i > 0 && isSpace(s[i - 1])) i--;
  return s.slice(0, i);
}

export function lex(src: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let trimNext = false;

  const fail = (offset: number, reason: string): never => {
    throw new TemplateFailure(offset, reason);
  };
  const emit = (type: TokenType, start: number, end: number, literal?: unknown, value?: string): void => {
    const token: Token = { type, value: value ?? src.slice(start, end), pos: start, end };
    tokens.push(literal === undefined ? token : { ...token, literal });
  };

  /** Right delimiter at `at`: returns its length (2 or 4 with trim marker), or 0. */
  const rightDelimAt = (at: number): { length: number; trim: boolean } | undefined => {
    if (isSpace(src[at]) && src[at + 1] === '-' && src.startsWith('}}', at + 2)) return { length: 4, trim: true };
    if (src.startsWith('}}', at)) return { length: 2, trim: false };
    return undefined;
  };

  const atTerminator = (at: number): boolean => {
    const c = src[at];
    if (c === undefined || isSpace(c)) return true;
    if ('.,|:)(='.includes(c)) return true;
    return src.startsWith('}}', at);
  };

  while (pos <= src.length) {
    const open = src.indexOf('{{', pos);
    const textEnd = open < 0 ? src.length : open;
    let text = src.slice(pos, textEnd);
    if (trimNext) text = trimLeftSpace(text);
    const leftTrim = open >= 0 && src[open + 2] === '-' && isSpace(src[open + 3]);
    if (leftTrim) text = trimRightSpace(text);
    if (text.length > 0) emit('text', pos, textEnd, undefined, text);
    trimNext = false;
    if (open < 0) break;

    // Comments: {{/* ... */}}, the comment must touch the delimiters (or their trim markers).
    pos = open + 2 + (leftTrim ? 2 : 0);
    if (src.startsWith('/*', pos)) {
      const close = src.indexOf('*/', pos + 2);
      if (close < 0) fail(open, 'unclosed comment');
      pos = close + 2;
      const delim = rightDelimAt(pos);
      if (delim === undefined) fail(pos, 'comment ends before closing delimiter');
      else {
        pos += delim.length;
        trimNext = delim.trim;
      }
      continue;
    }

    emit('leftDelim', open, pos);
    let parenDepth = 0;
    // Inside the action.
    for (;;) {
      const delim = rightDelimAt(pos);
      if (delim !== undefined) {
        if (parenDepth > 0) fail(pos, 'unclosed left paren');
        emit('rightDelim', pos, pos + delim.length);
        pos += delim.length;
        trimNext = delim.trim;
        break;
      }
      if (pos >= src.length) fail(open, 'unclosed action');
      const start = pos;
      const c = src[pos] as string;
      if (isSpace(c)) {
        while (isSpace(src[pos])) pos++;
        // Leave the space of a " -}}" trim marker to the right delimiter.
        if (src[pos] === '-' && src.startsWith('}}', pos + 1)) pos--;
        if (pos > start) emit('space', start, pos);
        continue;
      }
      switch (c) {
        case '=':
          pos++;
          emit('assign', start, pos);
          continue;
        case ':':
          if (src[pos + 1] !== '=') fail(pos, 'expected :=');
          pos += 2;
          emit('declare', start, pos);
          continue;
        case '|':
          pos++;
          emit('pipe', start, pos);
          continue;
        case ',':
          pos++;
          emit('comma', start, pos);
          continue;
        case '(':
          pos++;
          parenDepth++;
          emit('leftParen', start, pos);
          continue;
        case ')':
          parenDepth--;
          if (parenDepth < 0) fail(pos, 'unexpected right paren');
          pos++;
          emit('rightParen', start, pos);
          continue;
        case '"': {
          pos++;
          for (;;) {
            const d = src[pos];
            if (d === undefined || d === '\n') fail(start, 'unterminated quoted string');
            pos++;
            if (d === '\\') {
              if (src[pos] === undefined || src[pos] === '\n') fail(start, 'unterminated quoted string');
              pos++;
            } else if (d === '"') break;
          }
          emit('string', start, pos, unquote(src.slice(start + 1, pos - 1), '"', start));
          continue;
        }
        case '`': {
          const close = src.indexOf('`', pos + 1);
          if (close < 0) fail(start, 'unterminated raw quoted string');
          pos = close + 1;
          emit('string', start, pos, src.slice(start + 1, close).replaceAll('\r', ''));
          continue;
        }
        case "'": {
          pos++;
          for (;;) {
            const d = src[pos];
            if (d === undefined || d === '\n') fail(start, 'unterminated character constant');
            pos++;
            if (d === '\\') {
              if (src[pos] === undefined || src[pos] === '\n') fail(start, 'unterminated character constant');
              pos++;
            } else if (d === "'") break;
          }
          emit('number', start, pos, unquoteChar(src.slice(start + 1, pos - 1), start));
          continue;
        }
        case '$':
        case '.': {
          if (c === '.' && isDigit(src[pos + 1])) break; // a number such as .5
          pos++;
          while (isAlphaNumeric(src[pos])) pos++;
          if (!atTerminator(pos)) fail(pos, `bad character ${describeChar(src, pos)}`);
          if (c === '$') emit('variable', start, pos);
          else if (pos === start + 1) emit('dot', start, pos);
          else emit('field', start, pos, undefined, src.slice(start + 1, pos));
          continue;
        }
      }
      if (c === '.' || c === '+' || c === '-' || isDigit(c)) {
        pos = scanNumber(src, pos);
        if (isAlphaNumeric(src[pos]) || src[pos] === '.')
          fail(start, `bad number syntax: ${src.slice(start, pos + 1)}`);
        const text = src.slice(start, pos);
        emit('number', start, pos, parseNumber(text, start));
        continue;
      }
      if (isAlphaNumeric(c)) {
        while (isAlphaNumeric(src[pos])) pos++;
        if (!atTerminator(pos)) fail(pos, `bad character ${describeChar(src, pos)}`);
        const word = src.slice(start, pos);
        if (KEYWORDS.has(word)) emit('keyword', start, pos);
        else if (word === 'true' || word === 'false') emit('bool', start, pos, word === 'true');
        else if (word === 'nil') emit('nil', start, pos);
        else emit('identifier', start, pos);
        continue;
      }
      fail(pos, `unrecognized character in action: ${describeChar(src, pos)}`);
    }
  }
  tokens.push({ type: 'eof', value: '', pos: src.length, end: src.length });
  return tokens;
}

function describeChar(src: string, at: number): string {
  const cp = src.codePointAt(at);
  if (cp === undefined) return 'EOF';
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')} ${JSON.stringify(String.fromCodePoint(cp))}`;
}

/** Go's scanNumber: sign, base prefix, digits with underscores, fraction, exponent, imaginary suffix. */
function scanNumber(src: string, start: number): number {
  let pos = start;
  const accept = (chars: string): boolean => {
    const c = src[pos];
    if (c !== undefined && chars.includes(c)) {
      pos++;
      return true;
    }
    return false;
  };
  const acceptRun = (chars: string): void => {
    while (accept(chars)) {}
  };
  accept('+-');
  let digits = '0123456789_';
  if (accept('0')) {
    if (accept('xX')) digits = '0123456789abcdefABCDEF_';
    else if (accept('oO')) digits = '01234567_';
    else if (accept('bB')) digits = '01_';
  }
  acceptRun(digits);
  if (accept('.')) acceptRun(digits);
  if (digits.length === 11 && accept('eE')) {
    accept('+-');
    acceptRun('0123456789_');
  }
  if (digits.length === 23 && accept('pP')) {
    accept('+-');
    acceptRun('0123456789_');
  }
  accept('i');
  return pos;
}

/** Parses a number token the way text/template's NumberNode does (int, then float), as a JS number. */
export function parseNumber(text: string, offset: number): number {
  const fail = (reason: string): never => {
    throw new TemplateFailure(offset, reason);
  };
  if (text.endsWith('i')) fail(`complex numbers are not supported: ${text}`);
  let body = text;
  let sign = 1;
  if (body.startsWith('+') || body.startsWith('-')) {
    sign = body.startsWith('-') ? -1 : 1;
    body = body.slice(1);
  }
  if (body.includes('_')) {
    // Underscores only between digits (or after a base prefix), as in Go literals.
    if (/^_|_$|__|_\.|\._|_[eEpP]|[eEpP][+-]?_/.test(body)) fail(`illegal number syntax: ${text}`);
    body = body.replaceAll('_', '');
  }
  let value: number | undefined;
  if (/^0[xX][0-9a-fA-F]+$/.test(body)) value = Number.parseInt(body.slice(2), 16);
  else if (/^0[xX]/.test(body)) fail(`hexadecimal floating-point numbers are not supported: ${text}`);
  else if (/^0[oO][0-7]+$/.test(body)) value = Number.parseInt(body.slice(2), 8);
  else if (/^0[bB][01]+$/.test(body)) value = Number.parseInt(body.slice(2), 2);
  else if (/^0[0-7]+$/.test(body)) value = Number.parseInt(body.slice(1), 8);
  else if (/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(body)) value = Number(body);
  if (value === undefined || !Number.isFinite(value)) return fail(`illegal number syntax: ${text}`);
  // Like Go: an integer literal that is not a valid int/uint64 (such as 08, or 2^64) is rejected.
  if (!/[.eE]/.test(body) && (/^0\d/.test(body) ? !/^0[0-7]+$/.test(body) : value >= 2 ** 64)) {
    fail(`integer overflow: ${text}`);
  }
  return sign * value;
}

const SIMPLE_ESCAPES: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92 };

/**
 * Decodes the escapes of a Go quoted string or character body into code points (runes) and raw
 * bytes (\x, octal): `{ rune }` or `{ byte }` items.
 */
function decodeEscapes(body: string, quote: '"' | "'", offset: number): Array<{ rune?: number; byte?: number }> {
  const fail = (reason: string): never => {
    throw new TemplateFailure(offset, reason);
  };
  const items: Array<{ rune?: number; byte?: number }> = [];
  const chars = Array.from(body);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (c !== '\\') {
      items.push({ rune: c.codePointAt(0) ?? 0 });
      continue;
    }
    const e = chars[++i];
    if (e === undefined) return fail('invalid syntax in quoted literal');
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined && Object.hasOwn(SIMPLE_ESCAPES, e)) {
      items.push({ rune: simple });
      continue;
    }
    if (e === quote) {
      items.push({ rune: quote.charCodeAt(0) });
      continue;
    }
    const readHex = (n: number): number => {
      const digits = chars.slice(i + 1, i + 1 + n).join('');
      if (digits.length !== n || !/^[0-9a-fA-F]+$/.test(digits)) fail(`invalid escape \\${e}${digits}`);
      i += n;
      return Number.parseInt(digits, 16);
    };
    switch (e) {
      case 'x':
        items.push({ byte: readHex(2) });
        break;
      case 'u':
      case 'U': {
        const cp = readHex(e === 'u' ? 4 : 8);
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) fail(`invalid Unicode code point in escape: ${cp}`);
        items.push({ rune: cp });
        break;
      }
      default: {
        if (e >= '0' && e <= '7') {
          const digits = chars.slice(i, i + 3).join('');
          if (!/^[0-7]{3}$/.test(digits)) fail(`invalid octal escape \\${digits}`);
          const value = Number.parseInt(digits, 8);
          if (value > 255) fail(`octal escape value > 255: \\${digits}`);
          i += 2;
          items.push({ byte: value });
          break;
        }
        fail(`unknown escape sequence \\${e}`);
      }
    }
  }
  return items;
}

const decoder = new TextDecoder('utf-8', { fatal: false });
const encoder = new TextEncoder();

function unquote(body: string, quote: '"', offset: number): string {
  if (!body.includes('\\')) return body;
  const items = decodeEscapes(body, quote, offset);
  if (items.every((item) => item.byte === undefined)) {
    return items.map((item) => String.fromCodePoint(item.rune ?? 0)).join('');
  }
  const bytes: number[] = [];
  for (const item of items) {
    if (item.byte !== undefined) bytes.push(item.byte);
    else bytes.push(...encoder.encode(String.fromCodePoint(item.rune ?? 0)));
  }
  return decoder.decode(new Uint8Array(bytes));
}

function unquoteChar(body: string, offset: number): number {
  const items = decodeEscapes(body, "'", offset);
  const only = items[0];
  if (items.length !== 1 || only === undefined) {
    throw new TemplateFailure(offset, `malformed character constant: '${body}'`);
  }
  return only.rune ?? only.byte ?? 0;
}
