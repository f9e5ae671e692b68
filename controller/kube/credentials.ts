// What the API client authenticates with, re-read as it rotates. client-node resolves the
// kubeconfig (client certificate and key files, CA, exec and auth-provider plugins, basic auth)
// each time it is asked; this module asks it again every `refreshMs` (client-go re-reads token
// files every minute) and whenever the API server answers 401, so a rotated certificate or a
// refreshed projected service-account token is used without a restart.
//
// Token files are read here rather than by client-node: it reads a kubeconfig `token-file` once
// at load, and caches the in-cluster token for a minute even after a 401.
import { readFile } from 'node:fs/promises';
import type { RequestOptions } from 'node:https';
import type { KubeConfig, User } from '@kubernetes/client-node';
import { type Clock, monotonicClock } from './clock.ts';

/** TLS material of one connection pool: a change means new connections. */
export interface TlsMaterial {
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly rejectUnauthorized?: boolean;
  readonly servername?: string;
}

export interface Credentials {
  /** Authorization (and impersonation) headers for every request. */
  readonly headers: Readonly<Record<string, string>>;
  readonly tls: TlsMaterial;
}

export interface CredentialSource {
  /** The credentials to use now; re-read once they are older than the refresh period. */
  current(): Promise<Credentials>;
  /**
   * Called after the API server rejected `used` (401). Re-reads unless someone already did, and
   * returns credentials that differ from `used`, or undefined when nothing has rotated (so the
   * caller does not retry with the same rejected credentials).
   */
  rejected(used: Credentials): Promise<Credentials | undefined>;
}

/** client-go re-reads a token file once a minute. */
export const CREDENTIAL_REFRESH_MS = 60_000;

/** The token file the current user authenticates with: in-cluster, or a kubeconfig `token-file`. */
export function tokenFileOf(user: User | null): string | undefined {
  const file: unknown = user?.authProvider?.config?.tokenFile;
  return typeof file === 'string' && file !== '' ? file : undefined;
}

export function createCredentialSource(
  kc: KubeConfig,
  options: { refreshMs?: number; clock?: Clock } = {},
): CredentialSource {
  const refreshMs = options.refreshMs ?? CREDENTIAL_REFRESH_MS;
  const clock = options.clock ?? monotonicClock;
  let latest: Credentials | undefined;
  let readAt = 0;
  let reading: Promise<Credentials> | undefined;

  function reread(): Promise<Credentials> {
    reading ??= read(kc).then(
      (creds) => {
        reading = undefined;
        readAt = clock.now();
        // Keep the identity of unchanged credentials: callers compare by reference.
        if (!latest || !sameCredentials(latest, creds)) latest = creds;
        return latest;
      },
      (err: unknown) => {
        reading = undefined;
        throw err;
      },
    );
    return reading;
  }

  return {
    async current() {
      if (latest && clock.now() - readAt < refreshMs) return latest;
      return reread();
    },
    async rejected(used) {
      const fresh = latest !== used && latest ? latest : await reread();
      return fresh === used ? undefined : fresh;
    },
  };
}

async function read(kc: KubeConfig): Promise<Credentials> {
  const opts: RequestOptions = { headers: {} };
  await kc.applyToHTTPSOptions(opts);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.headers ?? {})) if (typeof v === 'string') headers[k] = v;
  if (opts.auth) headers.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
  const tokenFile = tokenFileOf(kc.getCurrentUser());
  if (tokenFile) headers.Authorization = `Bearer ${(await readFile(tokenFile, 'utf8')).trim()}`;
  // client-node reads ca, cert and key files into Buffers; it sets no pfx or passphrase.
  const tls: TlsMaterial = {
    ca: bufferOf(opts.ca),
    cert: bufferOf(opts.cert),
    key: bufferOf(opts.key),
    rejectUnauthorized: kc.getCurrentCluster()?.skipTLSVerify ? false : opts.rejectUnauthorized,
    servername: opts.servername,
  };
  return { headers, tls };
}

export function sameCredentials(a: Credentials, b: Credentials): boolean {
  return sameHeaders(a.headers, b.headers) && sameTls(a.tls, b.tls);
}

function sameHeaders(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

export function sameTls(a: TlsMaterial, b: TlsMaterial): boolean {
  return (
    sameBuffer(a.ca, b.ca) &&
    sameBuffer(a.cert, b.cert) &&
    sameBuffer(a.key, b.key) &&
    a.rejectUnauthorized === b.rejectUnauthorized &&
    a.servername === b.servername
  );
}

function sameBuffer(a: Buffer | undefined, b: Buffer | undefined): boolean {
  return a === undefined || b === undefined ? a === b : a.equals(b);
}

function bufferOf(v: unknown): Buffer | undefined {
  if (Buffer.isBuffer(v)) return v;
  return typeof v === 'string' ? Buffer.from(v) : undefined;
}
