// What the API client authenticates with, re-read as it rotates. client-node resolves the
// kubeconfig (client certificate and key files, CA, exec and auth-provider plugins, basic auth)
// into a `ResolvedAccess`: plain data that can cross a process boundary, so the controller can
// have it resolved in a short-lived child process (credential-process.ts) and never keep
// client-node resident. This module re-reads it every `refreshMs` (client-go re-reads token files
// every minute) and whenever the API server answers 401, so a rotated certificate or a refreshed
// projected service-account token is used without a restart.
//
// Files are re-read here, not by client-node: a user whose credentials come only from the
// kubeconfig and files (token, token-file, in-cluster token, client certificate and key, CA) is
// resolved once, and later reads are plain file reads. Only a plugin user (exec, or an auth
// provider such as oidc) is resolved again each time, because only the plugin knows its token.
// client-node itself reads a kubeconfig `token-file` once at load, and caches the in-cluster
// token for a minute even after a 401.
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

/** A resolved kubeconfig context as plain JSON data: where the API server is and how to authenticate. */
export interface ResolvedAccess {
  readonly server: string;
  /** The context's namespace, if it names one. */
  readonly namespace?: string;
  readonly headers: Readonly<Record<string, string>>;
  /** PEM material, base64-encoded so it survives JSON. */
  readonly tls: {
    readonly ca?: string;
    readonly cert?: string;
    readonly key?: string;
    readonly rejectUnauthorized?: boolean;
    readonly servername?: string;
  };
  /** Files the credentials were read from, re-read on refresh; a token file wins over the headers. */
  readonly files: { readonly token?: string; readonly ca?: string; readonly cert?: string; readonly key?: string };
  /** The user authenticates through a plugin (exec or auth provider): refreshing means resolving again. */
  readonly plugin: boolean;
  /** The auth provider after resolving: oidc and others refresh their tokens into its config. */
  readonly authProvider?: AuthProviderState;
}

/** A kubeconfig user's `auth-provider`, as client-node holds it. */
export interface AuthProviderState {
  readonly name: string;
  readonly config?: Readonly<Record<string, unknown>>;
}

/** Resolves the access again, e.g. by running a plugin; the previous result is given for its auth-provider state. */
export type AccessResolver = (previous: ResolvedAccess | undefined) => Promise<ResolvedAccess>;

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

/**
 * Resolves the current context of a loaded kubeconfig through client-node: runs exec and
 * auth-provider plugins and reads the files it names.
 */
export async function resolveAccess(kc: KubeConfig): Promise<ResolvedAccess> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('kubeconfig has no current cluster');
  const user = kc.getCurrentUser();
  const opts: RequestOptions = { headers: {} };
  await kc.applyToHTTPSOptions(opts);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.headers ?? {})) if (typeof v === 'string') headers[k] = v;
  if (opts.auth) headers.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
  const token = tokenFileOf(user);
  // client-node reads ca, cert and key files into Buffers; it sets no pfx or passphrase.
  return {
    server: cluster.server,
    namespace: kc.getContextObject(kc.getCurrentContext())?.namespace,
    headers,
    tls: {
      ca: base64Of(opts.ca),
      cert: base64Of(opts.cert),
      key: base64Of(opts.key),
      rejectUnauthorized: cluster.skipTLSVerify ? false : opts.rejectUnauthorized,
      servername: opts.servername,
    },
    files: { token, ca: cluster.caFile, cert: user?.certFile, key: user?.keyFile },
    plugin: user?.exec !== undefined || (user?.authProvider !== undefined && token === undefined),
    authProvider: user?.authProvider as AuthProviderState | undefined,
  };
}

/** A resolver over a kubeconfig loaded in this process (the CLI's short commands, tests). */
export function kubeConfigResolver(kc: KubeConfig): AccessResolver {
  return () => resolveAccess(kc);
}

export function createCredentialSource(
  resolve: AccessResolver,
  options: { refreshMs?: number; clock?: Clock; initial?: ResolvedAccess } = {},
): CredentialSource {
  const refreshMs = options.refreshMs ?? CREDENTIAL_REFRESH_MS;
  const clock = options.clock ?? monotonicClock;
  let access: ResolvedAccess | undefined;
  // Resolved before the source existed: the first read uses it rather than resolving again.
  let unread = options.initial;
  let latest: Credentials | undefined;
  let readAt = 0;
  let reading: Promise<Credentials> | undefined;

  async function read(): Promise<Credentials> {
    if (unread) [access, unread] = [unread, undefined];
    else if (!access || access.plugin) access = await resolve(access);
    return credentialsOf(access);
  }

  function reread(): Promise<Credentials> {
    reading ??= read().then(
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

/** The credentials of `access` with its files read now. */
async function credentialsOf(access: ResolvedAccess): Promise<Credentials> {
  const { files, tls } = access;
  // A plugin user was just resolved, files included; the others' files are read here.
  const fromFile = (file: string | undefined) => (file && !access.plugin ? readFile(file) : undefined);
  const [token, ca, cert, key] = await Promise.all([
    files.token ? readFile(files.token, 'utf8') : undefined,
    fromFile(files.ca),
    fromFile(files.cert),
    fromFile(files.key),
  ]);
  const headers = token === undefined ? access.headers : { ...access.headers, Authorization: `Bearer ${token.trim()}` };
  return {
    headers,
    tls: {
      ca: ca ?? bufferOf(tls.ca),
      cert: cert ?? bufferOf(tls.cert),
      key: key ?? bufferOf(tls.key),
      rejectUnauthorized: tls.rejectUnauthorized,
      servername: tls.servername,
    },
  };
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

function base64Of(v: unknown): string | undefined {
  if (Buffer.isBuffer(v)) return v.toString('base64');
  return typeof v === 'string' ? Buffer.from(v).toString('base64') : undefined;
}

function bufferOf(base64: string | undefined): Buffer | undefined {
  return base64 === undefined ? undefined : Buffer.from(base64, 'base64');
}
