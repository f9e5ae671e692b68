/**
 * Encodings: base64/base32 (Sprig returns Go's error text as the result for bad input), JSON both
 * ways (Sprig), YAML both ways (the functions Helm adds: toYaml, fromYaml, fromYamlArray).
 */
import { createDecipheriv } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { FunctionError } from './errors.ts';
import { goJson } from './format.ts';
import { fn, stringArg, strings1, type TemplateFunction } from './function-args.ts';
import { goYaml } from './go-yaml.ts';
import { owned } from './sprig-collections.ts';
import { kindOf, type PlainObject } from './values.ts';

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32encode(s: string): string {
  const bytes = Buffer.from(s, 'utf8');
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  while (out.length % 8 !== 0) out += '=';
  return out;
}

/** base32.StdEncoding.DecodeString; Go's error text when the input is not valid. */
function base32decode(s: string): string {
  const stripped = s.replace(/[\r\n]/g, '');
  if (stripped.length % 8 !== 0) return `illegal base32 data at input byte ${Math.floor(stripped.length / 8) * 8}`;
  const body = stripped.replace(/=+$/, '');
  const pad = stripped.length - body.length;
  if (![0, 1, 3, 4, 6].includes(pad)) return `illegal base32 data at input byte ${body.length}`;
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (let i = 0; i < body.length; i++) {
    const v = B32.indexOf(body[i] as string);
    if (v < 0) return `illegal base32 data at input byte ${i}`;
    value = ((value << 5) | v) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** base64.StdEncoding.DecodeString; Go's error text when the input is not valid. */
function base64decode(s: string): string {
  const stripped = s.replace(/[\r\n]/g, '');
  const bad = /[^A-Za-z0-9+/=]/.exec(stripped);
  if (bad !== null) return `illegal base64 data at input byte ${bad.index}`;
  const body = stripped.replace(/=+$/, '');
  const pad = stripped.length - body.length;
  const firstPad = stripped.indexOf('=');
  if (firstPad >= 0 && firstPad < body.length) return `illegal base64 data at input byte ${firstPad}`;
  if (pad === 1 && body.length % 4 === 2) return `illegal base64 data at input byte ${stripped.length}`;
  if (stripped.length % 4 !== 0 || pad > 2 || (pad > 0 && body.length % 4 === 1)) {
    const at = pad > 0 ? body.length : Math.floor(stripped.length / 4) * 4;
    return `illegal base64 data at input byte ${Math.min(at, stripped.length)}`;
  }
  return Buffer.from(body, 'base64').toString('utf8');
}

/** Numbers from JSON or YAML text become float64 in Go (json.Unmarshal without UseNumber). */
function ownedTree(value: unknown): unknown {
  if (kindOf(value) === 'array') return owned((value as unknown[]).map(ownedTree));
  if (kindOf(value) === 'map') {
    const out: PlainObject = owned({});
    for (const [k, v] of Object.entries(value as PlainObject)) {
      Object.defineProperty(out, k, { value: ownedTree(v), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

function parseJson(s: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: ownedTree(JSON.parse(s)) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** sigs.k8s.io/yaml.Unmarshal: YAML 1.1 (yes/no are booleans), converted through JSON. */
function parseYamlValue(s: string): unknown {
  try {
    const value: unknown = parseYaml(s, { version: '1.1', maxAliasCount: 100, uniqueKeys: false });
    return ownedTree(value === undefined ? null : JSON.parse(JSON.stringify(value)));
  } catch (error) {
    throw new FunctionError(
      `error converting YAML to JSON: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
    );
  }
}

/** Sprig's decryptAES: AES-256-CBC, key = the password's bytes zero-padded or cut to 32, IV first. */
function decryptAES(password: string, crypt64: string): string {
  if (crypt64 === '') return '';
  const key = Buffer.alloc(32);
  Buffer.from(password, 'utf8').copy(key, 0, 0, 32);
  const decoded = base64decode(crypt64);
  const crypt = Buffer.from(crypt64.replace(/[\r\n]/g, ''), 'base64');
  if (decoded.startsWith('illegal base64 data')) throw new FunctionError(decoded);
  if (crypt.length < 16)
    throw new FunctionError(`runtime error: slice bounds out of range [:16] with capacity ${crypt.length}`);
  if ((crypt.length - 16) % 16 !== 0) throw new FunctionError('crypto/cipher: input not full blocks');
  const decipher = createDecipheriv('aes-256-cbc', key, crypt.subarray(0, 16)).setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(crypt.subarray(16)), decipher.final()]);
  const pad = plain.length === 0 ? 0 : (plain[plain.length - 1] as number);
  if (plain.length === 0 || pad > plain.length) {
    throw new FunctionError(`runtime error: slice bounds out of range [:${plain.length - pad}]`);
  }
  return plain.subarray(0, plain.length - pad).toString('utf8');
}

function toYaml(value: unknown): string {
  const out = goYaml(value);
  return out.endsWith('\n') ? out.slice(0, -1) : out;
}

export const ENCODING_FUNCTIONS: ReadonlyArray<readonly [string, TemplateFunction]> = [
  ['b64enc', strings1((s) => Buffer.from(s, 'utf8').toString('base64'))],
  ['b64dec', strings1(base64decode)],
  ['b32enc', strings1(base32encode)],
  ['b32dec', strings1(base32decode)],
  ['toJson', fn(1, 1, (args) => goJson(args[0]))],
  ['mustToJson', fn(1, 1, (args) => goJson(args[0]))],
  ['toPrettyJson', fn(1, 1, (args) => goJson(args[0], { indent: '  ' }))],
  ['mustToPrettyJson', fn(1, 1, (args) => goJson(args[0], { indent: '  ' }))],
  ['toRawJson', fn(1, 1, (args) => goJson(args[0], { escapeHtml: false }))],
  ['mustToRawJson', fn(1, 1, (args) => goJson(args[0], { escapeHtml: false }))],
  [
    'fromJson',
    strings1((s) => {
      const parsed = parseJson(s);
      return parsed.ok ? parsed.value : null;
    }),
  ],
  [
    'mustFromJson',
    strings1((s) => {
      const parsed = parseJson(s);
      if (!parsed.ok) throw new FunctionError(parsed.error);
      return parsed.value;
    }),
  ],
  [
    'fromJsonArray',
    strings1((s) => {
      const parsed = parseJson(s);
      if (!parsed.ok) throw new FunctionError(parsed.error);
      if (kindOf(parsed.value) !== 'array') throw new FunctionError('fromJsonArray: the JSON is not an array');
      return parsed.value;
    }),
  ],
  ['toYaml', fn(1, 1, (args) => toYaml(args[0]))],
  ['decryptAES', fn(2, 2, (args) => decryptAES(stringArg(args, 0), stringArg(args, 1)))],
  [
    'fromYaml',
    strings1((s) => {
      const value = parseYamlValue(s);
      if (value === null) return owned({});
      if (kindOf(value) !== 'map') throw new FunctionError('fromYaml: the YAML is not a mapping');
      return value;
    }),
  ],
  [
    'fromYamlArray',
    strings1((s) => {
      const value = parseYamlValue(s);
      if (value === null) return owned([]);
      if (kindOf(value) !== 'array') throw new FunctionError('fromYamlArray: the YAML is not a sequence');
      return value;
    }),
  ],
];
