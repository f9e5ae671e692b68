// Who may use the Control Center. Read-only always; open on a loopback address, where only this
// machine (or a `kubectl port-forward`) reaches it; anywhere else only with a bearer token, or
// not at all. The probes and /metrics are not covered: they carry no custom resource data.
import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';

export type UiAccess =
  | { readonly mode: 'off' }
  | { readonly mode: 'open' }
  | { readonly mode: 'token'; readonly token: string };

export interface UiAccessOptions {
  /** The host part of --listen. */
  readonly host: string;
  /** --ui (default true). */
  readonly enabled: boolean;
  /** --ui-token-file. */
  readonly tokenFile?: string;
}

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/** Decides the UI's access mode, or throws a one-line error that says which flag to pass. */
export function uiAccess(options: UiAccessOptions, readFile: (path: string) => string = readText): UiAccess {
  if (!options.enabled) return { mode: 'off' };
  if (options.tokenFile) {
    const token = readFile(options.tokenFile).trim();
    if (token.length < 16) {
      throw new Error(`--ui-token-file ${options.tokenFile}: the token must be at least 16 characters`);
    }
    return { mode: 'token', token };
  }
  if (isLoopback(options.host)) return { mode: 'open' };
  throw new Error(
    `--listen ${options.host || '0.0.0.0'} is not a loopback address: pass --ui-token-file FILE to protect the Control Center, or --ui=false to turn it off`,
  );
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new Error(`--ui-token-file ${path}: cannot read it (${code})`);
  }
}

/** True when the Authorization header carries the token; constant time in the token's length. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!match?.[1]) return false;
  const given = Buffer.from(match[1].trim());
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
