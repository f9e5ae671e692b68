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
import { uiAccess } from '../ui/access.ts';
import { createControlCenter } from '../ui/control-center.ts';
import { createRecentEvents } from '../ui/recent-events.ts';
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
  /** Serve the Control Center (default true). */
  readonly ui?: boolean;
  /** Bearer token for the Control Center; required when --listen is not loopback. */
  readonly uiTokenFile?: string;
}

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export async function run(options: RunOptions): Promise<void> {
  const logger = createLogger(options.logLevel);
  const [host, portText] = options.listen.includes(':')
    ? options.listen.split(/:(?=[^:]*$)/)
    : ['0.0.0.0', options.listen];
  let access: ReturnType<typeof uiAccess>;
  try {
    access = uiAccess({ host: host || '0.0.0.0', enabled: options.ui ?? true, tokenFile: options.uiTokenFile });
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const client = createApiClient(loadKubeConfig(options.kubeconfig));
  const recorder = createEventRecorder({ client, component: 'orkestra', logger });
  // Every Event also lands in the Control Center's per-object memory on its way to the recorder.
  const events = createRecentEvents(recorder);
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
  let elector: ReturnType<typeof startLeaderElection> | undefined;
  const ui =
    access.mode === 'off'
      ? undefined
      : createControlCenter({
          access,
          logger,
          katalogs: () => katalogHealth(root?.observed() ?? []),
          boxes: () => root?.boxes() ?? new Map(),
          replica: () => {
            const leader = elector?.leader();
            const role = !elector ? 'single' : root ? 'leader' : 'standby';
            return leader ? { role, leader } : { role };
          },
          events,
        });

  const startRoot = () => {
    const r = startRootController({
      client,
      logger,
      events,
      ...boxes,
      boxMetrics: (id) => {
        const m = metrics.boxMetrics(id, () => r.boxes().get(id)?.unfinishedWork());
        return ui ? ui.observeBox(id, m) : m;
      },
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
  const stopRoot = async () => {
    const r = root;
    root = undefined;
    await r?.stop();
    await childWatches.stopAll();
  };
  metrics.setSnapshotSource(() => boxSnapshots(root?.observed() ?? []));
  // Root watches (Katalogs, CRDs) + one per running box + the shared child watches.
  metrics.setWatchCount(() => (root ? 2 + root.boxes().size : 0) + childWatches.count());

  let shuttingDown = false;
  elector = options.leaderElect
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
    ...(ui ? { ui } : {}),
  });
  logger.info('serving health, metrics and API', { address: `${host || '0.0.0.0'}:${server.port}` });
  if (ui) {
    const any = host === '' || host === '0.0.0.0' || host === '::' || host === '[::]';
    const shown = any ? 'localhost' : host?.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
    logger.info('control center', { url: `http://${shown}:${server.port}/`, auth: access.mode });
  }

  const graceMs = parseDuration(options.shutdownGrace);
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info('shutting down', { signal });
    const deadline = setTimeout(() => {
      logger.error('shutdown grace period exceeded, exiting');
      process.exit(1);
    }, graceMs);
    try {
      await stopRoot();
      await elector?.stop();
      await recorder.stop();
      await server.close();
    } catch (err) {
      logger.error('error during shutdown', { err: errorField(err) });
    }
    clearTimeout(deadline);
    client.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
