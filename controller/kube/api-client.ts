// The one HTTP path to the API server. client-node supplies configuration and authentication
// (kubeconfig, in-cluster token, exec plugins); requests go through our own keep-alive agent,
// because client-node 1.4 builds a fresh agent per call (no connection reuse), runs built-in
// kinds through generated models that drop unknown fields, and lower-cases object names in
// its dynamic client. Bodies here are plain JSON, passed through untouched. Credentials come
// from a credential source that re-reads them as they rotate (see credentials.ts): resolved
// from a KubeConfig loaded in this process, or handed over as a ClusterAccess whose credentials
// are resolved elsewhere (the controller's credential process), so client-node need not be loaded.

import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent, request } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import {
  type CredentialSource,
  type Credentials,
  createCredentialSource,
  kubeConfigResolver,
  sameTls,
} from './credentials.ts';
import type { KubeObject, KubeStatus } from './object.ts';

export { loadKubeConfig } from './kubeconfig.ts';

export type Query = Readonly<Record<string, string | number | boolean | undefined>>;

export interface ApiRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly query?: Query;
  readonly body?: unknown;
  /** Defaults to application/json; patches name their flavour. */
  readonly contentType?:
    | 'application/json'
    | 'application/merge-patch+json'
    | 'application/strategic-merge-patch+json'
    | 'application/apply-patch+yaml'
    | 'application/json-patch+json';
  readonly signal?: AbortSignal;
  /** Per-request timeout; default 30 s. */
  readonly timeoutMs?: number;
  /** Return the body as text instead of parsing JSON (e.g. /metrics). */
  readonly raw?: boolean;
}

/** A failed API call: the HTTP status and the API server's Status reason and message. */
export class ApiError extends Error {
  readonly status: number;
  readonly reason: string;
  readonly details: KubeStatus | undefined;
  constructor(method: string, path: string, status: number, details: KubeStatus | undefined, text: string) {
    const message = details?.message ?? text.slice(0, 500);
    super(`${method} ${path}: ${status} ${details?.reason ?? ''} ${message}`.replace(/\s+/g, ' ').trim());
    this.name = 'ApiError';
    this.status = status;
    this.reason = details?.reason ?? '';
    this.details = details;
  }
}

export function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.status === 404;
}
export function isConflict(err: unknown): boolean {
  return err instanceof ApiError && err.status === 409;
}
export function isGone(err: unknown): boolean {
  return err instanceof ApiError && err.status === 410;
}

/** Called once per completed request, for metrics and for tests that count writes. */
export type RequestObserver = (method: string, path: string, status: number, durationMs: number) => void;

export interface ApiClient {
  readonly server: string;
  request<T = unknown>(req: ApiRequest): Promise<T>;
  /**
   * Opens a streaming GET (a watch) and hands each JSON line to `onLine`. Resolves when the server
   * closes the stream or `signal` aborts; rejects on connection errors and non-200 answers.
   * `onActivity` is called when the server accepts the watch and whenever bytes arrive, for inactivity watchdogs.
   */
  stream(
    path: string,
    query: Query,
    onLine: (line: string) => void,
    signal: AbortSignal,
    onActivity?: () => void,
  ): Promise<void>;
  /** Adds an observer of every completed request. */
  observe(observer: RequestObserver): void;
  /** Paths of the watches (streams) open right now, for tests and diagnostics. */
  openStreams(): string[];
  close(): void;
}

function encodeQuery(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}

export interface ApiClientOptions {
  maxSockets?: number;
  /** Where credentials come from; by default re-read from `kc` every minute and after a 401. */
  credentials?: CredentialSource;
  /** User-Agent of every request (the API server's audit log and managedFields name the writer by it). */
  userAgent?: string;
}

/** An API server and the source of the credentials for it, with no kubeconfig object behind them. */
export interface ClusterAccess {
  readonly server: string;
  readonly credentials: CredentialSource;
}

export function createApiClient(target: KubeConfig | ClusterAccess, options: ApiClientOptions = {}): ApiClient {
  const access = 'credentials' in target ? target : kubeConfigAccess(target);
  const server = access.server.replace(/\/$/, '');
  const secure = server.startsWith('https:');
  const source = options.credentials ?? access.credentials;
  const observers: RequestObserver[] = [];
  const streams = new Map<number, string>();
  let streamSeq = 0;
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 64, scheduling: 'lifo' as const };
  let creds: Credentials | undefined;
  let agent: Agent | HttpAgent | undefined;

  /** The credentials for the next request, with a connection pool that carries their TLS material. */
  async function prepare(): Promise<Credentials> {
    use(await source.current());
    return creds as Credentials;
  }

  function use(next: Credentials) {
    if (next === creds) return;
    const previous = creds;
    creds = next;
    if (agent && previous && sameTls(previous.tls, next.tls)) return;
    // Connections authenticated with a rotated client certificate must not outlive it: like
    // client-go, close them all (open watches end and their reflectors reconnect).
    agent?.destroy();
    agent = secure ? new Agent({ ...agentOptions, ...next.tls }) : new HttpAgent(agentOptions);
  }

  /** After a 401: the rotated credentials to retry with, or undefined when nothing rotated. */
  async function rotated(used: Credentials): Promise<Credentials | undefined> {
    // Unreadable credentials leave the 401 as the answer; the next request reports the read error.
    const fresh = await source.rejected(used).catch(() => undefined);
    if (fresh) use(fresh);
    return fresh;
  }

  function send(
    used: Credentials,
    method: string,
    path: string,
    query: Query | undefined,
    body: string | undefined,
    contentType: string,
    signal: AbortSignal | undefined,
    timeoutMs: number | undefined,
    onResponse: (status: number, res: import('node:http').IncomingMessage) => void,
    onError: (err: Error) => void,
  ) {
    const url = `${server}${path}${encodeQuery(query)}`;
    const reqHeaders: Record<string, string | number> = { ...used.headers, Accept: 'application/json, */*' };
    if (options.userAgent) reqHeaders['User-Agent'] = options.userAgent;
    if (body !== undefined) {
      reqHeaders['Content-Type'] = contentType;
      reqHeaders['Content-Length'] = Buffer.byteLength(body);
    }
    const fn = secure ? request : httpRequest;
    const req = fn(url, { method, headers: reqHeaders, agent, signal, timeout: timeoutMs }, (res) =>
      onResponse(res.statusCode ?? 0, res),
    );
    req.on('timeout', () =>
      req.destroy(
        Object.assign(new Error(`${method} ${path}: timed out after ${timeoutMs} ms`), { code: 'ETIMEDOUT' }),
      ),
    );
    req.on('error', onError);
    req.end(body);
  }

  return {
    server,
    observe(observer) {
      observers.push(observer);
    },
    async request<T>(r: ApiRequest): Promise<T> {
      const body = r.body === undefined ? undefined : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
      const used = await prepare();
      let { status, text } = await roundTrip(used, r, body);
      if (status === 401) {
        // Rejected credentials are re-read at once; a rotated token or certificate gets one retry.
        const fresh = await rotated(used);
        if (fresh) ({ status, text } = await roundTrip(fresh, r, body));
      }
      if (status >= 200 && status < 300) return (r.raw ? text : text ? JSON.parse(text) : undefined) as T;
      let details: KubeStatus | undefined;
      try {
        details = JSON.parse(text) as KubeStatus;
      } catch {
        details = undefined;
      }
      throw new ApiError(r.method, r.path, status, details, text);
    },
    openStreams: () => [...streams.values()],
    async stream(path, query, onLine, signal, onActivity) {
      const used = await prepare();
      const started = performance.now();
      const id = ++streamSeq;
      streams.set(id, path);
      try {
        await openStream(used, path, query, onLine, signal, onActivity, started);
      } finally {
        streams.delete(id);
      }
    },
    close() {
      agent?.destroy();
    },
  };

  /** One request and its whole answer; observers see every attempt. */
  async function roundTrip(
    used: Credentials,
    r: ApiRequest,
    body: string | undefined,
  ): Promise<{ status: number; text: string }> {
    const started = performance.now();
    // Node's https Agent keeps each pooled socket's first request reachable (its TLS 'session'
    // listener closes over it), and with it the listeners below. They therefore reach the
    // answer only through `pending`, cleared once it settles, and drop the body's chunks: else
    // every keep-alive connection pins one whole response (a 500 KB CRD list at idle).
    let pending: { resolve(a: { status: number; text: string }): void; reject(err: unknown): void } | undefined;
    const settled = new Promise<{ status: number; text: string }>((resolve, reject) => {
      pending = { resolve, reject };
    });
    const take = () => {
      const p = pending;
      pending = undefined;
      return p;
    };
    send(
      used,
      r.method,
      r.path,
      r.query,
      body,
      r.contentType ?? 'application/json',
      r.signal,
      r.timeoutMs ?? 30_000,
      (code, res) => {
        let chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          chunks = [];
          take()?.resolve({ status: code, text });
        });
        res.on('error', (err) => take()?.reject(err));
      },
      (err) => take()?.reject(err),
    );
    const answer = await settled;
    for (const o of observers) o(r.method, r.path, answer.status, performance.now() - started);
    return answer;
  }

  function openStream(
    used: Credentials,
    path: string,
    query: Query,
    onLine: (line: string) => void,
    signal: AbortSignal,
    onActivity: (() => void) | undefined,
    started: number,
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      send(
        used,
        'GET',
        path,
        query,
        undefined,
        'application/json',
        signal,
        undefined,
        (status, res) => {
          for (const o of observers) o('WATCH', path, status, performance.now() - started);
          if (status !== 200) {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              let details: KubeStatus | undefined;
              try {
                details = JSON.parse(text) as KubeStatus;
              } catch {
                details = undefined;
              }
              const err = new ApiError('WATCH', path, status, details, text);
              // The caller reopens the watch; by then a rotated token or certificate is in use.
              if (status === 401) void rotated(used).then(() => reject(err));
              else reject(err);
            });
            return;
          }
          // The server accepted the watch: that is activity too (a quiet watch sends nothing more for a while).
          onActivity?.();
          let buffered = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            onActivity?.();
            buffered += chunk;
            let nl = buffered.indexOf('\n');
            while (nl >= 0) {
              const line = buffered.slice(0, nl);
              buffered = buffered.slice(nl + 1);
              if (line.trim()) onLine(line);
              nl = buffered.indexOf('\n');
            }
          });
          res.on('end', () => resolve());
          res.on('close', () => resolve());
          res.on('error', (err) => (signal.aborted ? resolve() : reject(err)));
        },
        (err) => (signal.aborted ? resolve() : reject(err)),
      );
    });
  }
}

function kubeConfigAccess(kc: KubeConfig): ClusterAccess {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('kubeconfig has no current cluster');
  return { server: cluster.server, credentials: createCredentialSource(kubeConfigResolver(kc)) };
}

/** Paths for a resource: `/api/v1/...` for the core group, `/apis/<group>/<version>/...` otherwise. */
export function resourcePath(
  r: { group: string; version: string; plural: string; namespaced: boolean },
  namespace?: string,
  name?: string,
  subresource?: string,
): string {
  const base = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  const ns = r.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  const n = name ? `/${encodeURIComponent(name)}` : '';
  const sub = name && subresource ? `/${subresource}` : '';
  return `${base}${ns}/${r.plural}${n}${sub}`;
}

export type { KubeObject };
