// The distribution-spec calls Orkestra needs, against any OCI registry: resolve a tag, fetch a
// manifest and a blob, push a blob (POST then monolithic PUT) and a manifest. Authentication
// follows the registry's challenge: anonymous first, then Basic, or the Bearer token flow
// (token from the challenge's realm, with Basic credentials or an identity token when given).
// No npm OCI client fitted (the ones published are unmaintained or bound to one registry), and
// these five calls are small, so they are written here against node:http(s).
import { createHash } from 'node:crypto';
import { parseChallenge } from './challenge.ts';
import type { RegistryCredentials } from './docker-config.ts';
import { type HttpRequest, type HttpResponse, send } from './transport.ts';

export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly artifactType?: string;
  readonly data?: string;
}

export interface RegistryClientOptions {
  /** `host[:port]`. */
  readonly registry: string;
  /** Speak HTTP instead of HTTPS (oras' --plain-http). */
  readonly plainHTTP?: boolean;
  /** PEM bundle trusted for the registry's certificate, in addition to nothing else. */
  readonly ca?: Buffer;
  readonly credentials?: RegistryCredentials;
  readonly timeoutMs?: number;
}

export interface FetchedManifest {
  readonly descriptor: Descriptor;
  readonly body: Buffer;
}

export interface RegistryClient {
  /** HEAD on the manifest: the digest a tag points to now. */
  resolve(repository: string, reference: string): Promise<Descriptor>;
  getManifest(repository: string, reference: string): Promise<FetchedManifest>;
  getBlob(repository: string, digest: string): Promise<Buffer>;
  /** Uploads unless the registry already has it; resolves to the blob's descriptor. */
  pushBlob(repository: string, content: Buffer, mediaType: string): Promise<Descriptor>;
  /** Resolves to the manifest's digest. */
  putManifest(repository: string, reference: string, body: Buffer, mediaType: string): Promise<string>;
}

/** A registry answered with an error; `code` is the distribution-spec error code when it sent one. */
export class RegistryError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  constructor(message: string, status: number, code?: string) {
    super(message);
    this.name = 'RegistryError';
    this.status = status;
    this.code = code;
  }
}

export const MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
];

export function sha256(content: Buffer): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

function errorDetail(res: HttpResponse): { code?: string; message: string } {
  try {
    const parsed = JSON.parse(res.body.toString('utf8')) as { errors?: { code?: string; message?: string }[] };
    const first = parsed.errors?.[0];
    if (first) return { code: first.code, message: `${first.code ?? ''}${first.message ? `: ${first.message}` : ''}` };
  } catch {
    // not a distribution-spec error body
  }
  return { message: `HTTP ${res.status}` };
}

export function createRegistryClient(options: RegistryClientOptions): RegistryClient {
  const base = `${options.plainHTTP ? 'http' : 'https'}://${options.registry}`;
  const transport = { ca: options.ca, timeoutMs: options.timeoutMs };
  const creds = options.credentials;
  /** Authorization header per scope, kept for the client's lifetime (tokens are short-lived; a 401 refreshes). */
  const authorizations = new Map<string, string>();

  const basic = () =>
    creds?.username !== undefined && creds.password !== undefined
      ? `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`
      : undefined;

  async function fetchToken(params: Readonly<Record<string, string>>, scope: string): Promise<string> {
    const realm = params.realm;
    if (!realm) throw new RegistryError(`${options.registry}: Bearer challenge without a realm`, 401);
    const url = new URL(realm);
    let res: HttpResponse;
    if (creds?.identityToken) {
      const form = new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: creds.identityToken,
        client_id: 'orkestra',
        ...(params.service ? { service: params.service } : {}),
        scope,
      });
      res = await send(
        {
          method: 'POST',
          url: url.toString(),
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: Buffer.from(form.toString()),
        },
        transport,
      );
    } else {
      if (params.service) url.searchParams.set('service', params.service);
      url.searchParams.set('scope', scope);
      const auth = basic();
      res = await send({ method: 'GET', url: url.toString(), headers: auth ? { Authorization: auth } : {} }, transport);
    }
    if (res.status !== 200) {
      const detail = errorDetail(res);
      throw new RegistryError(
        `${options.registry}: the token service ${url.host} refused ${creds ? 'the credentials' : 'anonymous access'} (${detail.message}); check the username and password`,
        res.status,
        detail.code,
      );
    }
    const body = JSON.parse(res.body.toString('utf8')) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryError(`${options.registry}: the token service answered without a token`, 401);
    return `Bearer ${token}`;
  }

  /** Sends with the cached authorization for `scope`; on a challenge, authenticates once and retries. */
  async function call(req: Omit<HttpRequest, 'url'> & { path: string }, scope: string): Promise<HttpResponse> {
    const build = (auth: string | undefined): HttpRequest => ({
      method: req.method,
      url: req.path.startsWith('http') ? req.path : `${base}${req.path}`,
      headers: { ...req.headers, ...(auth ? { Authorization: auth } : {}) },
      body: req.body,
    });
    let res = await send(build(authorizations.get(scope)), transport);
    if (res.status !== 401) return res;
    const header = res.headers['www-authenticate'];
    const challenge = parseChallenge(Array.isArray(header) ? (header[0] ?? '') : (header ?? ''));
    let auth: string | undefined;
    if (challenge?.scheme === 'bearer') auth = await fetchToken(challenge.params, challenge.params.scope ?? scope);
    else if (challenge?.scheme === 'basic') auth = basic();
    if (!auth)
      throw new RegistryError(
        `${options.registry} requires authentication: give --username/--password, log in with docker or oras, or reference a pull Secret`,
        401,
      );
    authorizations.set(scope, auth);
    res = await send(build(auth), transport);
    if (res.status === 401)
      throw new RegistryError(
        `${options.registry}: authentication failed for user "${creds?.username ?? ''}" (HTTP 401); check the username and password`,
        401,
        errorDetail(res).code,
      );
    return res;
  }

  function fail(what: string, res: HttpResponse): never {
    const detail = errorDetail(res);
    throw new RegistryError(`${what}: ${options.registry} answered ${detail.message}`, res.status, detail.code);
  }

  const pull = (repository: string) => `repository:${repository}:pull`;
  const push = (repository: string) => `repository:${repository}:pull,push`;
  const accept = MANIFEST_TYPES.join(', ');

  function headerValue(res: HttpResponse, name: string): string | undefined {
    const v = res.headers[name];
    return Array.isArray(v) ? v[0] : v;
  }

  return {
    async resolve(repository, reference) {
      const res = await call(
        { method: 'HEAD', path: `/v2/${repository}/manifests/${reference}`, headers: { Accept: accept } },
        pull(repository),
      );
      if (res.status !== 200) fail(`resolving ${repository}:${reference}`, res);
      const digest = headerValue(res, 'docker-content-digest');
      if (!digest) return (await this.getManifest(repository, reference)).descriptor;
      return {
        mediaType: headerValue(res, 'content-type') ?? '',
        digest,
        size: Number(headerValue(res, 'content-length') ?? 0),
      };
    },

    async getManifest(repository, reference) {
      const res = await call(
        { method: 'GET', path: `/v2/${repository}/manifests/${reference}`, headers: { Accept: accept } },
        pull(repository),
      );
      if (res.status !== 200) fail(`fetching manifest ${repository}:${reference}`, res);
      const digest = sha256(res.body);
      if (reference.startsWith('sha256:') && reference !== digest)
        throw new RegistryError(`manifest ${repository}@${reference}: content digest is ${digest}`, 200);
      return {
        descriptor: { mediaType: headerValue(res, 'content-type') ?? '', digest, size: res.body.length },
        body: res.body,
      };
    },

    async getBlob(repository, digest) {
      const res = await call({ method: 'GET', path: `/v2/${repository}/blobs/${digest}` }, pull(repository));
      if (res.status !== 200) fail(`fetching blob ${repository}@${digest}`, res);
      const got = sha256(res.body);
      if (got !== digest) throw new RegistryError(`blob ${repository}@${digest}: content digest is ${got}`, 200);
      return res.body;
    },

    async pushBlob(repository, content, mediaType) {
      const digest = sha256(content);
      const descriptor = { mediaType, digest, size: content.length };
      const head = await call({ method: 'HEAD', path: `/v2/${repository}/blobs/${digest}` }, push(repository));
      if (head.status === 200) return descriptor;
      const start = await call({ method: 'POST', path: `/v2/${repository}/blobs/uploads/` }, push(repository));
      const location = headerValue(start, 'location');
      if (start.status !== 202 || !location) fail(`starting an upload to ${repository}`, start);
      const url = new URL(location, base);
      url.searchParams.set('digest', digest);
      const put = await call(
        {
          method: 'PUT',
          path: url.toString(),
          headers: { 'Content-Type': 'application/octet-stream' },
          body: content,
        },
        push(repository),
      );
      if (put.status !== 201) fail(`uploading blob ${digest} to ${repository}`, put);
      return descriptor;
    },

    async putManifest(repository, reference, body, mediaType) {
      const res = await call(
        {
          method: 'PUT',
          path: `/v2/${repository}/manifests/${reference}`,
          headers: { 'Content-Type': mediaType },
          body,
        },
        push(repository),
      );
      if (res.status !== 201) fail(`pushing manifest ${repository}:${reference}`, res);
      return headerValue(res, 'docker-content-digest') ?? sha256(body);
    },
  };
}
