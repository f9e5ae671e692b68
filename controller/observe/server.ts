// The controller's HTTP side: Prometheus metrics, liveness and readiness probes, and a small
// JSON API over the Katalogs and their boxes (the Control Center reads it).
//
// These few fixed routes are served by node:http itself; the Control Center, an Express app, is
// handed every other request. Probes and scrapes are what a controller serves all day, and
// Express with its dependencies (MIME tables, charset codecs) is ~1 MB of code resident for them;
// the Control Center loads it on its first request (controller/ui/control-center.ts).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from './log.ts';
import { errorField } from './log.ts';
import type { OrkestraMetrics } from './metrics.ts';
import { createRateWindow } from './rate-window.ts';

/** One box as the health source reports it. Counters are cumulative since the box started. */
export interface BoxHealth {
  /** The box's name inside its Katalog. */
  readonly name: string;
  readonly phase: string;
  /** `group/version/Kind` of the custom resource the box operates. */
  readonly gvk: string;
  readonly workers?: number;
  readonly managed?: number;
  readonly queueDepth?: number;
  /** Reconciles run so far (successful or not). */
  readonly reconciles?: number;
  /** Reconciles that failed so far. */
  readonly errors?: number;
  readonly lastError?: string;
  readonly lastErrorAt?: string;
  readonly lastSuccessAt?: string;
  /** Why the box is in its phase, if that needs saying. */
  readonly message?: string;
  /** With sharding: the replica that runs the box (this one or another). */
  readonly replica?: string;
}

export interface KatalogHealth {
  readonly name: string;
  readonly boxes: readonly BoxHealth[];
}

export interface Readiness {
  readonly ready: boolean;
  readonly reason?: string;
}

/** What the server asks the controller; called on every request, so keep it cheap. */
export interface HealthSource {
  /** Ready once caches have synced and leader-or-standby is known. */
  ready(): Readiness;
  katalogs(): readonly KatalogHealth[];
}

export interface ObserveServerOptions {
  /** 0 picks a free port; the actual one is in the result. */
  readonly port: number;
  readonly host?: string;
  readonly logger: Logger;
  readonly metrics: Pick<OrkestraMetrics, 'registry'>;
  readonly health: HealthSource;
  /** How often reconcile counters are sampled for the rates (default 5 s). */
  readonly sampleIntervalMs?: number;
  /** Monotonic milliseconds, for the rate window; injectable for tests. */
  readonly now?: () => number;
  /** Extra read-only routes (the Control Center), tried before the 404; closed with the server. */
  readonly ui?: { readonly handle: RequestHandler; close(): void };
}

/** Handles a request or passes it on: `next()` when no route matched, `next(err)` on failure. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

export interface ObserveServer {
  readonly port: number;
  close(): Promise<void>;
}

/** A box in the Katalog listing. */
export interface BoxSummary {
  readonly name: string;
  readonly phase: string;
  readonly gvk: string;
  readonly workers: number;
  readonly managed: number;
  readonly queueDepth: number;
  /** With --shard: the replica that runs the box. */
  readonly replica?: string;
}

/** A box in detail: GET /api/katalogs/:name/boxes/:box/health. */
export interface BoxDetail {
  readonly katalog: string;
  readonly box: string;
  readonly phase: string;
  readonly gvk: string;
  readonly queueDepth: number;
  readonly workers: number;
  readonly managed: number;
  /** Reconciles per second over the last minute. */
  readonly reconcileRate: number;
  /** Failed reconciles per second over the last minute. */
  readonly errorRate: number;
  readonly lastError: string | null;
  readonly lastErrorAt: string | null;
  readonly lastSuccessAt: string | null;
  readonly message: string;
  /** With --shard: the replica that runs the box. */
  readonly replica?: string;
}

const RATE_WINDOW_MS = 60_000;

function boxKey(katalog: string, box: string): string {
  return `${katalog}/${box}`;
}

function summary(b: BoxHealth): BoxSummary {
  return {
    name: b.name,
    phase: b.phase,
    gvk: b.gvk,
    workers: b.workers ?? 0,
    managed: b.managed ?? 0,
    queueDepth: b.queueDepth ?? 0,
    ...(b.replica ? { replica: b.replica } : {}),
  };
}

export async function startObserveServer(options: ObserveServerOptions): Promise<ObserveServer> {
  const { logger, metrics, health } = options;
  const rates = createRateWindow({ windowMs: RATE_WINDOW_MS, ...(options.now ? { now: options.now } : {}) });

  // Reads the Katalogs and feeds the rate window from the same read.
  const katalogs = (): readonly KatalogHealth[] => {
    const list = health.katalogs();
    const seen = new Set<string>();
    for (const k of list) {
      for (const b of k.boxes) {
        const key = boxKey(k.name, b.name);
        seen.add(key);
        rates.record(key, [b.reconciles ?? 0, b.errors ?? 0]);
      }
    }
    rates.retain(seen);
    return list;
  };

  const detail = (k: KatalogHealth, b: BoxHealth): BoxDetail => {
    const [reconcileRate = 0, errorRate = 0] = rates.rates(boxKey(k.name, b.name));
    return {
      katalog: k.name,
      box: b.name,
      phase: b.phase,
      gvk: b.gvk,
      queueDepth: b.queueDepth ?? 0,
      workers: b.workers ?? 0,
      managed: b.managed ?? 0,
      reconcileRate,
      errorRate,
      lastError: b.lastError || null,
      lastErrorAt: b.lastErrorAt ?? null,
      lastSuccessAt: b.lastSuccessAt ?? null,
      message: b.message ?? '',
      ...(b.replica ? { replica: b.replica } : {}),
    };
  };

  const send = (res: ServerResponse, status: number, type: string, body: string) => {
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
    res.end(res.req.method === 'HEAD' ? undefined : body);
  };
  const json = (res: ServerResponse, status: number, value: unknown) =>
    send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
  const text = (res: ServerResponse, status: number, body: string) =>
    send(res, status, 'text/plain; charset=utf-8', body);

  const findKatalog = (res: ServerResponse, name: string): KatalogHealth | undefined => {
    const k = katalogs().find((x) => x.name === name);
    if (!k) json(res, 404, { error: `katalog "${name}" not found` });
    return k;
  };

  /** The fixed routes; false when none matched. */
  const route = async (path: string, res: ServerResponse): Promise<boolean> => {
    if (path === '/metrics') {
      send(res, 200, metrics.registry.contentType, await metrics.registry.metrics());
    } else if (path === '/healthz') {
      text(res, 200, 'ok');
    } else if (path === '/readyz') {
      const r = health.ready();
      if (r.ready) text(res, 200, 'ok');
      else json(res, 503, { ready: false, reason: r.reason ?? 'not ready' });
    } else if (path === '/api/katalogs') {
      json(
        res,
        200,
        katalogs().map((k) => ({ name: k.name, boxes: k.boxes.map(summary) })),
      );
    } else {
      const [, name, box] = /^\/api\/katalogs\/([^/]+)(?:\/boxes\/([^/]+)\/health)?$/.exec(path) ?? [];
      if (name === undefined) return false;
      const k = findKatalog(res, decodeURIComponent(name));
      if (!k) return true;
      if (box === undefined) {
        json(res, 200, { name: k.name, boxes: k.boxes.map((b) => detail(k, b)) });
        return true;
      }
      const boxName = decodeURIComponent(box);
      const b = k.boxes.find((x) => x.name === boxName);
      if (b) json(res, 200, detail(k, b));
      else json(res, 404, { error: `box "${boxName}" not found in katalog "${k.name}"` });
    }
    return true;
  };

  // No stack or message to the client: the log has the detail.
  const failed = (req: IncomingMessage, res: ServerResponse, path: string, err: unknown) => {
    logger.error('observe request failed', { method: req.method, path, err: errorField(err) });
    if (res.headersSent) res.destroy();
    else json(res, 500, { error: 'internal server error' });
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    // As Express routes do: a trailing slash is the same path, and HEAD is a GET without a body.
    const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/(.)\/$/, '$1');
    const notFound = (err?: unknown) => {
      if (err !== undefined) failed(req, res, path, err);
      else json(res, 404, { error: `no route for ${req.method} ${path}` });
    };
    const fixed = req.method === 'GET' || req.method === 'HEAD' ? route(path, res) : Promise.resolve(false);
    fixed.then(
      (served) => {
        if (served) return;
        if (options.ui) options.ui.handle(req, res, notFound);
        else notFound();
      },
      (err: unknown) => failed(req, res, path, err),
    );
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (err) => logger.error('observe server error', { err: errorField(err) }));
  const port = (server.address() as AddressInfo).port;

  // Rates need samples even when nobody is looking; this keeps the window filled.
  const sample = () => {
    try {
      katalogs();
    } catch (err) {
      logger.warn('sampling box counters failed', { err: errorField(err) });
    }
  };
  sample();
  const sampler = setInterval(sample, options.sampleIntervalMs ?? 5_000);
  sampler.unref();

  logger.info('observe server listening', { host: options.host ?? '::', port });

  let closing: Promise<void> | undefined;
  return {
    port,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        clearInterval(sampler);
        options.ui?.close();
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive connections with no request in flight would otherwise hold close() open.
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
