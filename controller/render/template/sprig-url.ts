/**
 * Sprig's urlParse and urlJoin, after Go's net/url: Parse splits scheme, opaque part, userinfo,
 * host, path (unescaped), raw query and fragment (unescaped); URL.String escapes them back.
 */
import { FunctionError } from './errors.ts';
import { fn, mapArg, stringArg, type TemplateFunction } from './function-args.ts';
import { owned } from './sprig-collections.ts';
import { ABSENT, kindOf, ownField, type PlainObject } from './values.ts';

type Mode = 'path' | 'host' | 'userinfo' | 'fragment';

/** net/url's shouldEscape. */
function shouldEscape(c: string, mode: Mode): boolean {
  if (/^[A-Za-z0-9]$/.test(c)) return false;
  if (mode === 'host') return !'-_.~!$&\'()*+,;=:[]<>"'.includes(c);
  if ('-_.~'.includes(c)) return false;
  if ('$&+,/:;=?@'.includes(c)) {
    if (mode === 'path') return c === '?';
    if (mode === 'userinfo') return c === '@' || c === '/' || c === '?' || c === ':';
    return false;
  }
  if (mode === 'fragment' && '!()*'.includes(c)) return false;
  return true;
}

function percentEncode(s: string, mode: Mode): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += byte < 0x80 && !shouldEscape(c, mode) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function percentDecode(s: string, what: string): string {
  if (/%(?![0-9A-Fa-f]{2})/.test(s)) {
    const bad = /%.{0,2}/.exec(s.slice(s.search(/%(?![0-9A-Fa-f]{2})/)))?.[0] ?? '%';
    throw new FunctionError(
      `unable to parse url: parse ${JSON.stringify(what)}: invalid URL escape ${JSON.stringify(bad)}`,
    );
  }
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%') {
      bytes.push(Number.parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(s[i] as string, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

interface Url {
  scheme: string;
  opaque: string;
  user: string | null;
  host: string;
  path: string;
  rawQuery: string;
  fragment: string;
}

function parseUrl(raw: string): Url {
  const url: Url = { scheme: '', opaque: '', user: null, host: '', path: '', rawQuery: '', fragment: '' };
  const fail = (reason: string): never => {
    throw new FunctionError(`unable to parse url: parse ${JSON.stringify(raw)}: ${reason}`);
  };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: Go rejects exactly these
  if (/[\x00-\x1f\x7f]/.test(raw)) fail('net/url: invalid control character in URL');
  let rest = raw;
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    url.fragment = percentDecode(rest.slice(hash + 1), raw);
    rest = rest.slice(0, hash);
  }
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(rest);
  if (scheme !== null) {
    url.scheme = (scheme[1] as string).toLowerCase();
    rest = rest.slice(scheme[0].length);
  } else if (rest.startsWith(':')) {
    throw new FunctionError(`unable to parse url: parse ${JSON.stringify(raw)}: missing protocol scheme`);
  }
  const question = rest.indexOf('?');
  if (question >= 0) {
    url.rawQuery = rest.slice(question + 1);
    rest = rest.slice(0, question);
  }
  if (!rest.startsWith('/') && url.scheme !== '') {
    url.opaque = rest;
    return url;
  }
  if (url.scheme === '' && !rest.startsWith('/') && (rest.split('/')[0] ?? '').includes(':')) {
    fail('first path segment in URL cannot contain colon');
  }
  if (rest.startsWith('//')) {
    const authorityEnd = rest.indexOf('/', 2);
    const authority = authorityEnd < 0 ? rest.slice(2) : rest.slice(2, authorityEnd);
    rest = authorityEnd < 0 ? '' : rest.slice(authorityEnd);
    const at = authority.lastIndexOf('@');
    if (at >= 0) {
      url.user = authority.slice(0, at);
      if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(url.user)) {
        throw new FunctionError(`unable to parse url: parse ${JSON.stringify(raw)}: net/url: invalid userinfo`);
      }
      url.host = percentDecode(authority.slice(at + 1), raw);
    } else url.host = percentDecode(authority, raw);
  }
  url.path = percentDecode(rest, raw);
  return url;
}

/** Userinfo.String(): the user and password re-escaped. */
function userString(user: string): string {
  const colon = user.indexOf(':');
  const name = percentDecode(colon < 0 ? user : user.slice(0, colon), user);
  if (colon < 0) return percentEncode(name, 'userinfo');
  return `${percentEncode(name, 'userinfo')}:${percentEncode(percentDecode(user.slice(colon + 1), user), 'userinfo')}`;
}

function hostname(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end < 0 ? host.slice(1) : host.slice(1, end);
  }
  const colon = host.lastIndexOf(':');
  return colon < 0 ? host : host.slice(0, colon);
}

function urlParse(raw: string): PlainObject {
  const url = parseUrl(raw);
  return owned({
    scheme: url.scheme,
    host: url.host,
    hostname: hostname(url.host),
    path: url.path,
    query: url.rawQuery,
    opaque: url.opaque,
    fragment: url.fragment,
    userinfo: url.user === null ? '' : userString(url.user),
  });
}

function field(map: PlainObject, key: string): string {
  const value = ownField(map, key);
  if (value === ABSENT) return '';
  if (typeof value !== 'string') {
    throw new FunctionError(
      `unable to parse ${key} key, must be of type string, but ${kindOf(value) === 'nil' ? 'invalid' : kindOf(value)} found`,
    );
  }
  return value;
}

/** url.URL.String(). */
function urlJoin(map: PlainObject): string {
  const scheme = field(map, 'scheme');
  const host = field(map, 'host');
  const path = field(map, 'path');
  const query = field(map, 'query');
  const opaque = field(map, 'opaque');
  const fragment = field(map, 'fragment');
  const userinfo = field(map, 'userinfo');
  const user = userinfo === '' ? null : parseUrl(`proto://${userinfo}@host`).user;
  let out = scheme === '' ? '' : `${scheme}:`;
  if (opaque !== '') out += opaque;
  else {
    if (scheme !== '' || host !== '' || user !== null) {
      if (host !== '' || path !== '' || user !== null) out += '//';
      if (user !== null) out += `${userString(user)}@`;
      if (host !== '') out += percentEncode(host, 'host');
    }
    const escapedPath = percentEncode(path, 'path');
    if (escapedPath !== '' && !escapedPath.startsWith('/') && host !== '') out += '/';
    if (out === '' && (escapedPath.split('/')[0] ?? '').includes(':')) out += './';
    out += escapedPath;
  }
  if (query !== '') out += `?${query}`;
  if (fragment !== '') out += `#${percentEncode(fragment, 'fragment')}`;
  return out;
}

export const URL_FUNCTIONS: ReadonlyArray<readonly [string, TemplateFunction]> = [
  ['urlParse', fn(1, 1, (args) => urlParse(stringArg(args, 0)))],
  ['urlJoin', fn(1, 1, (args) => urlJoin(mapArg(args, 0)))],
];
