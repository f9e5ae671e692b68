/**
 * Go's fmt formatting of JSON values, as text/template and Sprig produce it for Kubernetes
 * unstructured data (integers are int64, other numbers float64, objects map[string]interface{}).
 */
import { FunctionError } from './errors.ts';
import { goTypeName, kindOf, type PlainObject, sortedKeys } from './values.ts';

const TWO_POW_63 = 2 ** 63;

/** %v of a number: integers in int64 range print all digits, others like Go's float64 %v (shortest %g). */
export function goNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < TWO_POW_63) return BigInt(n).toString();
  return formatG(n, -1, false);
}

/** %v: Go's default format. Lists print as `[a b]`, maps as `map[k:v]` with sorted keys, null as `<nil>`. */
export function formatValue(value: unknown): string {
  switch (kindOf(value)) {
    case 'string':
      return value as string;
    case 'number':
      return goNumber(value as number);
    case 'bool':
      return value ? 'true' : 'false';
    case 'nil':
    case 'missing':
      return '<nil>';
    case 'array':
      return `[${(value as unknown[]).map(formatValue).join(' ')}]`;
    case 'map': {
      const object = value as PlainObject;
      return `map[${sortedKeys(object)
        .map((k) => `${k}:${formatValue(object[k])}`)
        .join(' ')}]`;
    }
    default:
      return String(value);
  }
}

/** Sprig's strval: strings unchanged, everything else %v. */
export function strval(value: unknown): string {
  return typeof value === 'string' ? value : formatValue(value);
}

/** fmt.Sprint: a space between operands when neither side is a string. */
export function goSprint(args: readonly unknown[]): string {
  let out = '';
  let previousString = false;
  args.forEach((arg, i) => {
    const isString = typeof arg === 'string';
    if (i > 0 && !isString && !previousString) out += ' ';
    out += formatValue(arg);
    previousString = isString;
  });
  return out;
}

/** fmt.Sprintln: spaces between all operands and a final newline. */
export function goSprintln(args: readonly unknown[]): string {
  return `${args.map(formatValue).join(' ')}\n`;
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** strconv.Quote: Go escapes, non-printable characters as \x, \u or \U. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (cp < 0x20 || cp === 0x7f) out += `\\x${hex(cp, 2)}`;
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd';
    else if (PRINTABLE.test(ch)) out += ch;
    else if (cp < 0x10000) out += `\\u${hex(cp, 4)}`;
    else out += `\\U${hex(cp, 8)}`;
  }
  return `${out}"`;
}

function goJsonString(s: string, escapeHtml: boolean): string {
  const special = escapeHtml ? /[<>&\u2028\u2029]/g : /[\u2028\u2029]/g;
  return JSON.stringify(s).replace(special, (c) => `\\u${hex(c.charCodeAt(0), 4)}`);
}

export interface JsonOptions {
  /** Escape <, > and & as \u003c... (json.Marshal); toRawJson turns it off. */
  readonly escapeHtml?: boolean;
  /** json.MarshalIndent's indent ("" for compact output). */
  readonly indent?: string;
}

/** encoding/json.Marshal (or MarshalIndent): sorted keys, HTML-safe escapes by default. */
export function goJson(value: unknown, options: JsonOptions = {}, depth = 0): string {
  const escapeHtml = options.escapeHtml ?? true;
  const indent = options.indent ?? '';
  const newline = (d: number): string => (indent === '' ? '' : `\n${indent.repeat(d)}`);
  const colon = indent === '' ? ':' : ': ';
  switch (kindOf(value)) {
    case 'nil':
      return 'null';
    case 'bool':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new FunctionError(`json: unsupported value: ${goNumber(value as number)}`);
      return JSON.stringify(value);
    case 'string':
      return goJsonString(value as string, escapeHtml);
    case 'array': {
      const list = value as unknown[];
      if (list.length === 0) return '[]';
      const items = list.map((v) => newline(depth + 1) + goJson(v, options, depth + 1));
      return `[${items.join(',')}${newline(depth)}]`;
    }
    case 'map': {
      const object = value as PlainObject;
      const keys = sortedKeys(object);
      if (keys.length === 0) return '{}';
      const items = keys.map(
        (k) => `${newline(depth + 1)}${goJsonString(k, escapeHtml)}${colon}${goJson(object[k], options, depth + 1)}`,
      );
      return `{${items.join(',')}${newline(depth)}}`;
    }
    default:
      throw new FunctionError(`json: unsupported value of type ${typeof value}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Floating point, following strconv.FormatFloat: exact decimal expansion, ties rounded to even.

interface Digits {
  /** Significant decimal digits without trailing zeros ("0" for zero). */
  digits: string;
  /** Decimal exponent of the first digit: value = d.ddd × 10^exp. */
  exp: number;
}

const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);

/** The exact decimal value of a finite, positive double (a double is m·2^e, i.e. m·5^-e / 10^-e). */
function exactDigits(a: number): Digits {
  F64[0] = a;
  const bits = U64[0] as bigint;
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & 0xfffffffffffffn;
  if (biased !== 0) mantissa |= 1n << 52n;
  const e = (biased === 0 ? 1 : biased) - 1075;
  let digits: string;
  let pointShift: number;
  if (e >= 0) {
    digits = (mantissa << BigInt(e)).toString();
    pointShift = 0;
  } else {
    digits = (mantissa * 5n ** BigInt(-e)).toString();
    pointShift = -e;
  }
  const exp = digits.length - 1 - pointShift;
  return { digits: digits.replace(/0+$/, '') || '0', exp };
}

/** Keeps the first `keep` digits (may be <= 0), rounding half to even on the exact value. */
function roundDigits(d: Digits, keep: number): Digits {
  if (keep >= d.digits.length) return d;
  if (keep < 0) return { digits: '0', exp: d.exp };
  const next = d.digits.charCodeAt(keep) - 48;
  const rest = d.digits.slice(keep + 1);
  const kept = d.digits.slice(0, keep);
  const lastKept = keep > 0 ? d.digits.charCodeAt(keep - 1) - 48 : 0;
  const up = next > 5 || (next === 5 && (/[1-9]/.test(rest) || lastKept % 2 === 1));
  if (!up) return { digits: kept.replace(/0+$/, '') || '0', exp: d.exp };
  // Increment `kept` (possibly empty: rounding 0.5.. up to 1 at the first position).
  const chars = kept.split('');
  let i = chars.length - 1;
  while (i >= 0 && chars[i] === '9') {
    chars[i] = '0';
    i--;
  }
  if (i < 0) return { digits: '1', exp: d.exp + 1 };
  chars[i] = String.fromCharCode((chars[i] as string).charCodeAt(0) + 1);
  return { digits: chars.join('').replace(/0+$/, '') || '0', exp: d.exp };
}

/** Shortest digits that round-trip (JS and Go agree on these), or `prec` significant digits. */
function significantDigits(a: number, prec: number): Digits {
  if (a === 0) return { digits: '0', exp: 0 };
  if (prec < 0) {
    const match = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(a.toExponential());
    if (match === null) return { digits: '0', exp: 0 };
    return { digits: `${match[1]}${match[2] ?? ''}`.replace(/0+$/, '') || '0', exp: Number(match[3]) };
  }
  return roundDigits(exactDigits(a), Math.max(prec, 1));
}

function digitAt(d: Digits, position: number): string {
  return position >= 0 && position < d.digits.length ? (d.digits[position] as string) : '0';
}

/** Fixed notation with `decimals` digits after the point (digits must already be rounded). */
function fixedFrom(d: Digits, decimals: number): string {
  const intDigits = d.exp + 1;
  let intPart = '';
  for (let i = 0; i < intDigits; i++) intPart += digitAt(d, i);
  let frac = '';
  for (let i = 0; i < decimals; i++) frac += digitAt(d, intDigits + i);
  return `${intPart || '0'}${decimals > 0 ? `.${frac}` : ''}`;
}

function expSuffix(exp: number, upper: boolean): string {
  const sign = exp < 0 ? '-' : '+';
  return `${upper ? 'E' : 'e'}${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
}

function nonFinite(n: number): string | undefined {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Number.POSITIVE_INFINITY) return '+Inf';
  if (n === Number.NEGATIVE_INFINITY) return '-Inf';
  return undefined;
}

/** %g with precision `prec` (-1: shortest, deciding %e vs %f with precision 6 as Go does). */
function formatG(n: number, prec: number, upper: boolean): string {
  const special = nonFinite(n);
  if (special !== undefined) return special;
  const sign = n < 0 || Object.is(n, -0) ? '-' : '';
  if (n === 0) return `${sign}0`;
  const d = significantDigits(Math.abs(n), prec);
  const nd = d.digits.length;
  const dp = d.exp + 1;
  let eprec = prec < 0 ? nd : Math.max(prec, 1);
  if (eprec > nd && nd >= dp) eprec = nd;
  if (prec < 0) eprec = 6;
  if (d.exp < -4 || d.exp >= eprec) {
    const mantissa = nd > 1 ? `${d.digits[0]}.${d.digits.slice(1)}` : d.digits;
    return `${sign}${mantissa}${expSuffix(d.exp, upper)}`;
  }
  return `${sign}${fixedFrom(d, Math.max(nd - dp, 0))}`;
}

/** %f of |n|. */
function formatF(a: number, prec: number): string {
  if (a === 0) return fixedFrom({ digits: '0', exp: 0 }, prec);
  const d = exactDigits(a);
  return fixedFrom(roundDigits(d, d.exp + 1 + prec), prec);
}

/** %e of |n|. */
function formatE(a: number, prec: number, upper: boolean): string {
  const d = a === 0 ? { digits: '0', exp: 0 } : roundDigits(exactDigits(a), prec + 1);
  let mantissa = d.digits[0] as string;
  if (prec > 0) {
    mantissa += '.';
    for (let i = 1; i <= prec; i++) mantissa += digitAt(d, i);
  }
  return `${mantissa}${expSuffix(d.exp, upper)}`;
}

// ---------------------------------------------------------------------------------------------
// Printf.

interface Flags {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width: number;
  prec: number;
}

const MAX_WIDTH = 1_000_000;

function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function pad(s: string, f: Flags): string {
  if (f.width < 0) return s;
  const missing = f.width - runeCount(s);
  if (missing <= 0) return s;
  return f.minus ? s + ' '.repeat(missing) : ' '.repeat(missing) + s;
}

/** Pads a number: zero padding goes between the sign/prefix and the digits. */
function padNumber(sign: string, body: string, f: Flags, zeroAllowed: boolean): string {
  if (f.zero && zeroAllowed && !f.minus && f.width > 0) {
    const missing = f.width - sign.length - body.length;
    if (missing > 0) return sign + '0'.repeat(missing) + body;
  }
  return pad(sign + body, f);
}

function signOf(negative: boolean, f: Flags): string {
  if (negative) return '-';
  if (f.plus) return '+';
  return f.space ? ' ' : '';
}

function badVerb(verb: string, value: unknown): string {
  const kind = kindOf(value);
  if (kind === 'nil' || kind === 'missing') return `%!${verb}(<nil>)`;
  return `%!${verb}(${goTypeName(value)}=${formatValue(value)})`;
}

function truncate(s: string, f: Flags): string {
  return f.prec >= 0 ? Array.from(s).slice(0, f.prec).join('') : s;
}

function formatInteger(n: number, verb: string, f: Flags): string {
  const negative = n < 0;
  const abs = BigInt(Math.abs(n));
  let digits: string;
  let prefix = '';
  switch (verb) {
    case 'b':
      digits = abs.toString(2);
      if (f.sharp) prefix = '0b';
      break;
    case 'o':
      digits = abs.toString(8);
      if (f.sharp && digits !== '0') prefix = '0';
      break;
    case 'O':
      digits = abs.toString(8);
      prefix = '0o';
      break;
    case 'x':
      digits = abs.toString(16);
      if (f.sharp) prefix = '0x';
      break;
    case 'X':
      digits = abs.toString(16).toUpperCase();
      if (f.sharp) prefix = '0X';
      break;
    default:
      digits = abs.toString(10);
  }
  if (f.prec >= 0) digits = f.prec === 0 && abs === 0n ? '' : digits.padStart(f.prec, '0');
  return padNumber(signOf(negative, f) + prefix, digits, f, f.prec < 0);
}

function formatFloatVerb(n: number, verb: string, f: Flags): string {
  const special = nonFinite(n);
  if (special !== undefined) {
    // Go never zero-pads these; +Inf keeps its sign, NaN only gets one when asked.
    let body = special;
    if (special === 'NaN') body = f.plus ? '+NaN' : f.space ? ' NaN' : 'NaN';
    else if (special === '+Inf' && f.space && !f.plus) body = ' Inf';
    return pad(body, f);
  }
  const negative = n < 0 || Object.is(n, -0);
  const a = Math.abs(n);
  let body: string;
  switch (verb) {
    case 'e':
    case 'E':
      body = formatE(a, f.prec >= 0 ? f.prec : 6, verb === 'E');
      break;
    case 'f':
    case 'F':
      body = formatF(a, f.prec >= 0 ? f.prec : 6);
      break;
    default:
      body = formatG(a, f.prec, verb === 'G');
  }
  return padNumber(signOf(negative, f), body, f, true);
}

function hexOfString(s: string, f: Flags, upper: boolean): string {
  const bytes = Buffer.from(truncate(s, f), 'utf8');
  const parts = Array.from(bytes, (b) => {
    const h = hex(b, 2);
    return upper ? h.toUpperCase() : h;
  });
  const prefix = f.sharp ? (upper ? '0X' : '0x') : '';
  if (f.space) return pad(parts.map((p) => prefix + p).join(' '), f);
  return pad(prefix + parts.join(''), f);
}

function formatArg(value: unknown, verb: string, f: Flags): string {
  const kind = kindOf(value);
  if (kind === 'array') return `[${(value as unknown[]).map((v) => formatArg(v, verb, f)).join(' ')}]`;
  if (kind === 'map') {
    const object = value as PlainObject;
    return `map[${sortedKeys(object)
      .map((k) => `${formatArg(k, verb, f)}:${formatArg(object[k], verb, f)}`)
      .join(' ')}]`;
  }
  const isInt = kind === 'number' && Number.isInteger(value) && Math.abs(value as number) < TWO_POW_63;
  switch (verb) {
    case 'v':
      if (kind === 'string') return pad(truncate(value as string, f), f);
      if (kind === 'number') {
        if (f.prec < 0 && isInt) return formatInteger(value as number, 'd', f);
        return formatFloatVerb(value as number, 'g', f);
      }
      return pad(formatValue(value), f);
    case 's':
      // Lenient: Go prints %!s(int64=3) for numbers and booleans; we print them as %v.
      if (kind === 'string') return pad(truncate(value as string, f), f);
      if (kind === 'number' || kind === 'bool') return pad(truncate(formatValue(value), f), f);
      return badVerb(verb, value);
    case 'q':
      if (kind === 'string') return pad(goQuote(truncate(value as string, f)), f);
      if (isInt && (value as number) >= 0 && (value as number) <= 0x10ffff) {
        const quoted = goQuote(String.fromCodePoint(value as number)).slice(1, -1);
        return pad(`'${quoted === "'" ? "\\'" : quoted.replace(/^\\"$/, '"')}'`, f);
      }
      return badVerb(verb, value);
    case 'd':
    case 'b':
    case 'o':
    case 'O':
      return isInt ? formatInteger(value as number, verb, f) : badVerb(verb, value);
    case 'x':
    case 'X':
      if (isInt) return formatInteger(value as number, verb, f);
      if (kind === 'string') return hexOfString(value as string, f, verb === 'X');
      return badVerb(verb, value);
    case 'c':
      if (isInt && (value as number) >= 0 && (value as number) <= 0x10ffff) {
        return pad(String.fromCodePoint(value as number), f);
      }
      return badVerb(verb, value);
    case 'U':
      if (isInt && (value as number) >= 0) {
        return pad(`U+${(value as number).toString(16).toUpperCase().padStart(4, '0')}`, f);
      }
      return badVerb(verb, value);
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
      // Lenient: Go rejects %f for int64; all JSON numbers are accepted here.
      return kind === 'number' ? formatFloatVerb(value as number, verb, f) : badVerb(verb, value);
    case 't':
      return kind === 'bool' ? pad(value ? 'true' : 'false', f) : badVerb(verb, value);
    default:
      return badVerb(verb, value);
  }
}

/** fmt.Sprintf with flags `-+# 0`, width and precision (no `*`, no explicit argument indexes). */
export function goSprintf(format: string, args: readonly unknown[]): string {
  let out = '';
  let argIndex = 0;
  let i = 0;
  while (i < format.length) {
    const percent = format.indexOf('%', i);
    if (percent < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, percent);
    i = percent + 1;
    const f: Flags = { minus: false, plus: false, sharp: false, space: false, zero: false, width: -1, prec: -1 };
    flags: for (; i < format.length; i++) {
      switch (format[i]) {
        case '-':
          f.minus = true;
          break;
        case '+':
          f.plus = true;
          break;
        case '#':
          f.sharp = true;
          break;
        case ' ':
          f.space = true;
          break;
        case '0':
          f.zero = true;
          break;
        default:
          break flags;
      }
    }
    let badWidth = false;
    let badPrec = false;
    const width = /^\d+/.exec(format.slice(i, i + 12));
    if (width) {
      f.width = Number(width[0]);
      i += width[0].length;
      if (f.width > MAX_WIDTH) badWidth = true;
    }
    if (format[i] === '.') {
      i++;
      const prec = /^\d+/.exec(format.slice(i, i + 12));
      f.prec = prec ? Number(prec[0]) : 0;
      if (prec) i += prec[0].length;
      if (f.prec > MAX_WIDTH) badPrec = true;
    }
    if (i >= format.length) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i) ?? 0);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (badWidth || badPrec) {
      // Guard: widths and precisions over 1e6 are refused (the argument is still consumed).
      out += badWidth ? '%!(BADWIDTH)' : '%!(BADPREC)';
      argIndex++;
      continue;
    }
    if (argIndex >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += formatArg(args[argIndex++], verb, f);
  }
  if (argIndex < args.length) {
    const extra = args.slice(argIndex).map((a) => {
      const kind = kindOf(a);
      return kind === 'nil' || kind === 'missing' ? '<nil>' : `${goTypeName(a)}=${formatValue(a)}`;
    });
    out += `%!(EXTRA ${extra.join(', ')})`;
  }
  return out;
}
