// `orkestra run`: the controller process. Without --leader-elect it runs the root controller
// at once; with it, only while it holds the Lease. The health/metrics server runs on every
// replica. SIGTERM/SIGINT drain the boxes, release the lease and exit within the grace period.
import { readFileSync } from 'node:fs';
import { declarativeBoxes } from '../box/declarative-reconciler.ts';
import { parseDuration } from '../box/duration.ts';
import { createApiClient, loadKubeConfig } from '../kube/api-client.ts';
import { createChildWatches } from '../kube/child-watches.ts';
import { createDiscovery } from '../kube/discovery.ts';
import { createEventRecorder } from '../kube/events.ts';
import { startLeaderElection } from '../kube/leader-election.ts';
import { createLogger, errorField, type LogLevel } from '../observe/log.ts';
import { createMetrics } from '../observe/metrics.ts';
import { startObserveServer } from '../observe/server.ts';
import { type RootController, startRootController } from '../root/root-controller.ts';
import { boxSnapshots, katalogHealth } from './health.ts';

export interface RunOptions {
  readonly kubeconfig?: string;
  readonly leaderElect: boolean;
  readonly leaseNamespace: string;
  readonly leaseName: string;
  readonly identity?: string;
  readonly leaseDuration: string;
  readonly renewDeadline: string;
  readonly retryPeriod: string;
  readonly logLevel: LogLevel;
  readonly shutdownGrace: string;
  /** host:port of the health, metrics and API server; port 0 picks a free one. */
  readonly listen: string;
}

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export async function run(options: RunOptions): Promise<void> {
  const logger = createLogger(options.logLevel);
  const client = createApiClient(loadKubeConfig(options.kubeconfig));
  const events = createEventRecorder({ client, component: 'orkestra', logger });
  const metrics = createMetrics(undefined, { version: VERSION });
  client.observe((method, _path, status) => metrics.observeRequest(method, status));
  const childWatches = createChildWatches(client, logger);
  const boxes = declarativeBoxes({
    client,
    discovery: createDiscovery(client),
    childWatches,
    events,
    applyCounter: (id) => metrics.applyCounter(id),
  });
  let root: RootController | undefined;
  let rootSynced = false;

  const startRoot = () => {
    const r = startRootController({
      client,
      logger,
      events,
      ...boxes,
      // The controller's namespace: Komposer pull Secrets and CA ConfigMaps are read only from it.
      namespace: options.leaseNamespace,
      boxMetrics: (id) => metrics.boxMetrics(id, () => r.boxes().get(id)?.unfinishedWork()),
      onBoxStopped: (id) => metrics.removeBox(id),
    });
    root = r;
    r.waitForSync().then(
      () => {
        rootSynced = true;
      },
      () => {},
    );
    logger.info('root controller started', { server: client.server, version: VERSION });
  };
  const stopRoot = async (graceMs?: number) => {
    const r = root;
    root = undefined;
    await r?.stop({ graceMs });
    await childWatches.stopAll();
  };
  metrics.setSnapshotSource(() => boxSnapshots(root?.observed() ?? []));
  // Root watches (Katalogs, Komposers, CRDs) + one per running box + the shared child watches.
  metrics.setWatchCount(() => (root ? 3 + root.boxes().size : 0) + childWatches.count());

  let shuttingDown = false;
  const elector = options.leaderElect
    ? startLeaderElection({
        client,
        namespace: options.leaseNamespace,
        name: options.leaseName,
        identity: options.identity,
        leaseDurationMs: parseDuration(options.leaseDuration),
        renewDeadlineMs: parseDuration(options.renewDeadline),
        retryPeriodMs: parseDuration(options.retryPeriod),
        logger,
        onStartedLeading: () => startRoot(),
        onStoppedLeading: () => {
          if (shuttingDown) return;
          // Another replica may already be reconciling: stop at once, as client-go controllers do.
          logger.error('leadership lost, exiting');
          process.exit(1);
        },
        onNewLeader: (identity) => logger.info('leader observed', { leader: identity }),
      })
    : undefined;
  if (!elector) startRoot();

  const [host, portText] = options.listen.includes(':')
    ? options.listen.split(/:(?=[^:]*$)/)
    : ['0.0.0.0', options.listen];
  const server = await startObserveServer({
    host: host || '0.0.0.0',
    port: Number(portText),
    logger,
    metrics,
    health: {
      ready: () => {
        if (root) return rootSynced ? { ready: true } : { ready: false, reason: 'caches not synced yet' };
        if (elector?.leader()) return { ready: true };
        return { ready: false, reason: 'no leader known yet' };
      },
      katalogs: () => katalogHealth(root?.observed() ?? []),
    },
  });
  logger.info('serving health, metrics and API', { address: `${host || '0.0.0.0'}:${server.port}` });

  // One grace period covers the whole shutdown. Its last part is kept for releasing the Lease
  // (so a standby takes over at once instead of after the lease expires) and flushing Events;
  // the boxes get the rest, and whatever they have not finished by then is abandoned.
  const graceMs = parseDuration(options.shutdownGrace);
  const releaseReserveMs = Math.min(2_000, graceMs / 4);
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    const started = performance.now();
    logger.info('shutting down', { signal, graceMs });
    const deadline = setTimeout(() => {
      logger.error('shutdown grace period exceeded, exiting');
      process.exit(1);
    }, graceMs);
    const step = async (what: string, work: Promise<unknown>, budgetMs: number) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), Math.max(0, budgetMs));
      });
      try {
        if ((await Promise.race([work, late])) === 'late')
          logger.error('shutdown step ran out of time', { step: what });
      } catch (err) {
        logger.error('error during shutdown', { step: what, err: errorField(err) });
      } finally {
        clearTimeout(timer);
      }
    };
    const boxesMs = graceMs - releaseReserveMs;
    await step('stop boxes', stopRoot(boxesMs * 0.9), boxesMs);
    const left = () => graceMs - (performance.now() - started) - 100;
    await step('release the lease', elector?.stop() ?? Promise.resolve(), left());
    await step('flush events', events.stop(), left());
    await step('close the server', server.close(), left());
    clearTimeout(deadline);
    client.close();
    logger.info('stopped', { durationMs: Math.round(performance.now() - started) });
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
