// The HTTPS webhook server, run by every replica. Paths, one per box and kind of webhook:
//   POST /validate/<katalog>/<box>   ValidatingWebhook (AdmissionReview v1)
//   POST /mutate/<katalog>/<box>     MutatingWebhook   (AdmissionReview v1, JSONPatch)
//   POST /convert/<katalog>/<box>    CRD conversion    (ConversionReview v1)
// Handlers are synchronous functions of the compiled rules: no API call, no lock shared with
// reconciles. A body that is not a review gets 400 and a log line; a body over the limit gets 413.
// The certificate is hot-swapped (setSecureContext): open connections keep theirs, new handshakes
// get the new one, so rotation drops no request.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { errorField, type Logger } from '../observe/log.ts';
import type { AdmissionBox } from './admission-box.ts';
import type { CompiledConversionPath } from './conversion.ts';
import { convertRequest } from './convert-handler.ts';
import type { WebhookMetrics } from './metrics.ts';
import { mutateRequest } from './mutate-handler.ts';
import { admissionReview, BadReview, conversionReview, parseAdmissionReview, parseConversionReview } from './review.ts';
import { validateRequest } from './validate-handler.ts';

export type WebhookKind = 'validate' | 'mutate' | 'convert';

export function webhookPath(kind: WebhookKind, boxId: string): string {
  return `/${kind}/${boxId}`;
}

export interface KeyPair {
  readonly cert: string;
  readonly key: string;
}

export interface WebhookServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly tls: KeyPair;
  /** The box with this id (`katalog/box`), as this replica knows it from the Katalogs. */
  readonly lookup: (boxId: string) => AdmissionBox | undefined;
  /** False until the rules are known (the Katalog cache synced): requests get 503 meanwhile. */
  readonly ready?: () => boolean;
  readonly logger: Logger;
  readonly metrics?: WebhookMetrics;
  /** Default 7 MiB, controller-runtime's limit (an object and its old version fit). */
  readonly maxBodyBytes?: number;
}

export interface WebhookServer {
  readonly port: number;
  /** New handshakes use this certificate from now on. */
  setCertificate(tls: KeyPair): void;
  close(): Promise<void>;
}

const PATH = /^\/(validate|mutate|convert)\/([a-z0-9][a-z0-9.-]*)\/([a-z0-9][a-z0-9-]*)$/;
const DEFAULT_MAX_BODY = 7 * 1024 * 1024;

class TooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      reject(new TooLarge(`body of ${declared} bytes exceeds the limit of ${limit}`));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new TooLarge(`body exceeds the limit of ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, code: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** The answer for one review body; throws BadReview for a body the API server would never send. */
export function answer(kind: WebhookKind, box: AdmissionBox | undefined, boxId: string, body: unknown): unknown {
  if (kind === 'convert') {
    const req = parseConversionReview(body);
    const paths: readonly CompiledConversionPath[] = box?.compiled.conversion ?? [];
    if (!box) {
      return conversionReview({
        uid: req.uid,
        convertedObjects: [],
        result: { status: 'Failure', message: `box ${boxId} is not known to this replica; no conversion paths` },
      });
    }
    return conversionReview(convertRequest(paths, req));
  }
  const req = parseAdmissionReview(body);
  // A box the Katalogs no longer hold: its registration is about to be removed.
  if (!box) return admissionReview({ uid: req.uid, allowed: true });
  return admissionReview(kind === 'validate' ? validateRequest(box, req) : mutateRequest(box, req));
}

export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const log = options.logger.child({ controller: 'webhook' });
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY;

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = (req.url ?? '/').split('?')[0] as string;
    const match = PATH.exec(url);
    const done = options.metrics?.start(match ? url : 'other');
    const reply = (code: number, body: unknown) => {
      send(res, code, body);
      done?.(code);
    };
    if (!match) return reply(404, { message: `no webhook at ${url}; paths are /validate|mutate|convert/KATALOG/BOX` });
    if (req.method !== 'POST') return reply(405, { message: 'webhooks take POST' });
    if (options.ready && !options.ready()) {
      req.resume();
      return reply(503, { message: 'the webhook server has not loaded the Katalogs yet' });
    }
    const [, kind, katalog, boxName] = match as unknown as [string, WebhookKind, string, string];
    const boxId = `${katalog}/${boxName}`;
    let text: string;
    try {
      text = await readBody(req, limit);
    } catch (err) {
      if (err instanceof TooLarge) {
        log.warn('webhook request too large', { webhook: url, err: err.message });
        return reply(413, { message: err.message });
      }
      log.warn('webhook request body unreadable', { webhook: url, err: errorField(err) });
      return;
    }
    try {
      reply(200, answer(kind, options.lookup(boxId), boxId, JSON.parse(text)));
    } catch (err) {
      if (err instanceof BadReview || err instanceof SyntaxError) {
        log.warn('malformed webhook request', { webhook: url, err: err.message });
        return reply(400, { message: `malformed review: ${err.message}` });
      }
      log.error('webhook handler failed', { webhook: url, err: errorField(err) });
      reply(500, { message: errorField(err) });
    }
  }

  const server: Server = createServer(
    { cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2' },
    (req, res) => {
      handle(req, res).catch((err) => log.error('webhook request failed', { err: errorField(err) }));
    },
  );
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    setCertificate(tls) {
      server.setSecureContext({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' });
    },
    // In-flight requests get a moment to finish; the API server's keep-alive connections would
    // otherwise hold close() open indefinitely.
    close: () =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), 1_000);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
