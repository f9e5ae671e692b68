// The Control Center: a read-only web view of every Katalog, box, custom resource and child,
// served by the controller on its --listen address. Pages are a static bundle (built from app/
// by `make ui`); their data comes from /api/ui/* and one Server-Sent Events stream per page,
// both read from the controller's caches, never from the API server.
import { readFileSync } from 'node:fs';
import type { Express, NextFunction, Request, Response } from 'express';
import type { BoxMetrics, OperatorBox } from '../box/operator-box.ts';
import type { Cache } from '../kube/cache.ts';
import type { Logger } from '../observe/log.ts';
import { errorField } from '../observe/log.ts';
import type { KatalogHealth, RequestHandler } from '../observe/server.ts';
import { bearerMatches, type UiAccess } from './access.ts';
import { BUCKET_MS, createBoxHistory } from './history.ts';
import { parseRoute, streamQuery } from './page-url.ts';
import type { RecentEvents } from './recent-events.ts';
import type { ChildCache } from './rendered-children.ts';
import { createSseHub } from './sse-hub.ts';
import type { ReplicaView } from './view-model.ts';
import { parseViewRequest, renderView } from './view-request.ts';
import type { UiSource } from './views.ts';

export interface ControlCenterDeps {
  readonly access: Exclude<UiAccess, { mode: 'off' }>;
  readonly logger: Logger;
  readonly katalogs: () => readonly KatalogHealth[];
  /** The running boxes by id (`katalog/box`); empty on a standby. */
  readonly boxes: () => ReadonlyMap<string, RunningBox>;
  readonly replica: () => ReplicaView;
  readonly events: Pick<RecentEvents, 'about'>;
  /** The child caches the controller holds now (its shared child watches). */
  readonly childCaches?: () => readonly ChildCache[];
  /** How often open pages are recomputed (default 1 s). */
  readonly tickMs?: number;
}

/** What the Control Center reads of a running box: its configuration and its watch cache. */
export type RunningBox = Pick<OperatorBox, 'config'> & {
  readonly reflector: { readonly cache: Pick<Cache, 'list' | 'get'> };
};

export interface ControlCenter {
  /**
   * Serves the Control Center's routes; calls `next()` for any other. Express, which they are
   * written in, is loaded on the first request: a controller nobody looks at does not hold it.
   */
  readonly handle: RequestHandler;
  /** Wraps a box's metrics hooks so the Control Center sees reconciles and in-flight work too. */
  observeBox(id: string, inner: BoxMetrics | undefined): BoxMetrics;
  /** Ends every open stream and the sampler. */
  close(): void;
}

/** A strict policy: only this origin's own script, styles and connections; no inline code. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const ASSETS: Readonly<Record<string, { file: URL; type: string }>> = {
  'app.js': { file: new URL('./assets/app.js', import.meta.url), type: 'text/javascript; charset=utf-8' },
  'app.css': { file: new URL('./assets/app.css', import.meta.url), type: 'text/css; charset=utf-8' },
};
const SHELL = new URL('./app/index.html', import.meta.url);

/** Client-side routes; each is served the same page shell, which reads the path. */
const PAGES = [
  '/',
  '/katalogs/:katalog/boxes/:box',
  '/katalogs/:katalog/boxes/:box/namespaces/:namespace/:name',
  '/katalogs/:katalog/boxes/:box/cluster/:name',
];

export function createControlCenter(deps: ControlCenterDeps): ControlCenter {
  const history = createBoxHistory();
  const busy = new Map<string, number>();
  const source: UiSource = {
    katalogs: deps.katalogs,
    box: (id) => {
      const b = deps.boxes().get(id);
      if (!b) return undefined;
      return { config: () => b.config(), list: () => b.reflector.cache.list(), get: (k) => b.reflector.cache.get(k) };
    },
    replica: deps.replica,
    history,
    busy: (id) => busy.get(id) ?? 0,
    events: (uids) => deps.events.about(uids),
    childCaches: () => deps.childCaches?.() ?? [],
  };
  const hub = createSseHub({
    ...(deps.tickMs ? { tickMs: deps.tickMs } : {}),
    onError: (err) => deps.logger.error('control center view failed', { err: errorField(err) }),
  });

  // Queue depth is a level, not an event: sample it once per chart bucket.
  const sample = () => {
    try {
      const ids = new Set<string>();
      for (const k of deps.katalogs()) {
        for (const b of k.boxes) {
          const id = `${k.name}/${b.name}`;
          ids.add(id);
          history.queueDepth(id, b.queueDepth ?? 0);
        }
      }
      history.retain(ids);
      for (const id of busy.keys()) if (!ids.has(id)) busy.delete(id);
    } catch (err) {
      deps.logger.warn('control center sampling failed', { err: errorField(err) });
    }
  };
  const sampler = setInterval(sample, BUCKET_MS);
  sampler.unref();

  const assets = new Map(
    Object.entries(ASSETS).map(([name, a]) => [name, { body: readFileSync(a.file), type: a.type }]),
  );
  const shell = readFileSync(SHELL);

  let app: Promise<RequestHandler> | undefined;
  const routes = (router: Express): Express => {
    router.disable('x-powered-by');
    router.set('etag', false);
    router.use((_req, res, next) => {
      res.set({
        'Content-Security-Policy': CONTENT_SECURITY_POLICY,
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'X-Frame-Options': 'DENY',
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Resource-Policy': 'same-origin',
      });
      next();
    });

    // The shell and the bundle hold no cluster data; the data endpoints below need the token.
    // The shell names its page's first view as a preload, so the browser fetches it while it loads
    // the bundle instead of after (a header, not markup: the shell stays static).
    router.get(PAGES, (req, res) => {
      const search = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
      const view = `/api/ui/view?${streamQuery(parseRoute(req.path, search))}`;
      res
        .type('html')
        .set('Cache-Control', 'no-store')
        .set('Link', `<${view}>; rel=preload; as=fetch; crossorigin=anonymous`)
        .send(shell);
    });
    // No icon: answer browsers' automatic request without an error in their console.
    router.get('/favicon.ico', (_req, res) => {
      res.status(204).end();
    });
    router.get('/ui/:asset', (req: Request<{ asset: string }>, res, next) => {
      const a = assets.get(req.params.asset);
      if (!a) return next();
      res.type(a.type).set('Cache-Control', 'no-cache').send(a.body);
    });

    const authorize = (req: Request, res: Response, next: NextFunction) => {
      if (deps.access.mode === 'token' && !bearerMatches(req.get('authorization'), deps.access.token)) {
        res
          .status(401)
          .set('WWW-Authenticate', 'Bearer realm="orkestra"')
          .json({ error: 'a bearer token is required: the one in the file given to --ui-token-file' });
        return;
      }
      next();
    };
    router.get('/api/ui/session', authorize, (_req, res) => {
      res.json({ auth: deps.access.mode });
    });
    router.get('/api/ui/view', authorize, (req, res) => {
      res
        .type('json')
        .set('Cache-Control', 'no-store')
        .send(renderView(source, parseViewRequest(req.query)));
    });
    router.get('/api/ui/stream', authorize, (req, res) => {
      const request = parseViewRequest(req.query);
      hub.open(res, () => renderView(source, request));
    });
    return router;
  };

  return {
    handle(req, res, next) {
      // An Express app is itself a handler that takes a `next` for what it does not serve
      // (its typings omit the third parameter).
      app ??= import('express').then(({ default: express }) => routes(express()) as unknown as RequestHandler);
      app.then(
        (handler) => handler(req, res, next),
        (err: unknown) => next(err),
      );
    },
    observeBox(id, inner) {
      const queue = inner?.queue;
      return {
        queue: {
          add: () => queue?.add(),
          depth: (depth) => queue?.depth(depth),
          get: (seconds) => {
            busy.set(id, (busy.get(id) ?? 0) + 1);
            queue?.get(seconds);
          },
          done: (seconds) => {
            busy.set(id, Math.max(0, (busy.get(id) ?? 0) - 1));
            queue?.done(seconds);
          },
          retry: () => queue?.retry(),
        },
        reconciled(result, seconds) {
          history.reconciled(id, result === 'error', seconds);
          inner?.reconciled?.(result, seconds);
        },
        setActiveWorkers: (n) => inner?.setActiveWorkers?.(n),
      };
    },
    close() {
      clearInterval(sampler);
      hub.close();
    },
  };
}
