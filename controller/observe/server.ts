// The controller's HTTP side: Prometheus metrics, liveness and readiness probes, and a small
// JSON API over the Katalogs and their boxes (the Control Center reads it).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
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
  /** Extra read-only routes (the Control Center), mounted before the 404; closed with the server. */
  readonly ui?: { readonly router: RequestHandler; close(): void };
}

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

  const findKatalog = (res: Response, name: string): KatalogHealth | undefined => {
    const k = katalogs().find((x) => x.name === name);
    if (!k) res.status(404).json({ error: `katalog "${name}" not found` });
    return k;
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.get('/metrics', async (_req, res) => {
    const body = await metrics.registry.metrics();
    res.set('Content-Type', metrics.registry.contentType).send(body);
  });

  app.get('/healthz', (_req, res) => {
    res.type('text/plain').send('ok');
  });

  app.get('/readyz', (_req, res) => {
    const r = health.ready();
    if (r.ready) res.type('text/plain').send('ok');
    else res.status(503).json({ ready: false, reason: r.reason ?? 'not ready' });
  });

  app.get('/api/katalogs', (_req, res) => {
    res.json(katalogs().map((k) => ({ name: k.name, boxes: k.boxes.map(summary) })));
  });

  app.get('/api/katalogs/:name', (req: Request<{ name: string }>, res) => {
    const k = findKatalog(res, req.params.name);
    if (k) res.json({ name: k.name, boxes: k.boxes.map((b) => detail(k, b)) });
  });

  app.get('/api/katalogs/:name/boxes/:box/health', (req: Request<{ name: string; box: string }>, res) => {
    const k = findKatalog(res, req.params.name);
    if (!k) return;
    const b = k.boxes.find((x) => x.name === req.params.box);
    if (!b) {
      res.status(404).json({ error: `box "${req.params.box}" not found in katalog "${k.name}"` });
      return;
    }
    res.json(detail(k, b));
  });

  if (options.ui) app.use(options.ui.router);

  app.use((req, res) => {
    res.status(404).json({ error: `no route for ${req.method} ${req.path}` });
  });

  // Four parameters mark this as Express's error handler. No stack or message to the client:
  // the log has the detail.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    logger.error('observe request failed', { method: req.method, path: req.path, err: errorField(err) });
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(500).json({ error: 'internal server error' });
  });

  const server: Server = createServer(app);
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
