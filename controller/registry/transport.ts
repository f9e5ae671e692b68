// One HTTP exchange with a registry over node:http(s): custom CA, plain HTTP, bounded bodies, a
// timeout, and redirects (blob downloads may redirect to storage; credentials never follow a
// redirect to another host).
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface HttpRequest {
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Buffer;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The URL that answered, after redirects. */
  readonly url: string;
}

export interface TransportOptions {
  readonly ca?: Buffer;
  readonly timeoutMs?: number;
  /** Largest body read (a Katalog is small; this bounds what a hostile registry can make us hold). */
  readonly maxBodyBytes?: number;
}

const MAX_REDIRECTS = 5;

function once(req: HttpRequest, options: TransportOptions): Promise<HttpResponse> {
  const url = new URL(req.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const max = options.maxBodyBytes ?? 16 << 20;
  return new Promise((resolve, reject) => {
    const r = send(
      url,
      {
        method: req.method,
        headers: { ...req.headers, ...(req.body ? { 'Content-Length': String(req.body.length) } : {}) },
        ca: options.ca,
        timeout: options.timeoutMs ?? 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > max) res.destroy(new Error(`${req.method} ${req.url}: response larger than ${max} bytes`));
          else chunks.push(c);
        });
        res.on('error', reject);
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), url: req.url }),
        );
      },
    );
    r.on('timeout', () => r.destroy(new Error(`registry ${url.host} did not answer within the timeout`)));
    r.on('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code && /^E(CONNREFUSED|CONNRESET|HOSTUNREACH|NETUNREACH|NOTFOUND|AI_AGAIN)$/.test(err.code)
          ? new Error(`cannot reach the registry ${url.host} (${err.code}); check the host and port, or --plain-http`)
          : err,
      ),
    );
    r.end(req.body);
  });
}

export async function send(req: HttpRequest, options: TransportOptions = {}): Promise<HttpResponse> {
  let current = req;
  for (let i = 0; i <= MAX_REDIRECTS; i++) {
    const res = await once(current, options);
    const location = res.headers.location;
    if (![301, 302, 303, 307, 308].includes(res.status) || !location) return res;
    const next = new URL(location, current.url);
    const sameHost = next.host === new URL(current.url).host;
    const headers = { ...current.headers };
    if (!sameHost) delete headers.Authorization;
    current = {
      method: res.status === 303 ? 'GET' : current.method,
      url: next.toString(),
      headers,
      body: current.body,
    };
  }
  throw new Error(`${req.method} ${req.url}: more than ${MAX_REDIRECTS} redirects`);
}
