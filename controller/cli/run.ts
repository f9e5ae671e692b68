// `orkestra run`: the controller process. Without --leader-elect it runs the root controller
// at once; with it, only while it holds the Lease. SIGTERM/SIGINT drain the boxes, release the
// lease and exit within the grace period.

import { declarativeBoxes } from '../box/declarative-reconciler.ts';
import { parseDuration } from '../box/duration.ts';
import { createApiClient, loadKubeConfig } from '../kube/api-client.ts';
import { createChildWatches } from '../kube/child-watches.ts';
import { createDiscovery } from '../kube/discovery.ts';
import { createEventRecorder } from '../kube/events.ts';
import { startLeaderElection } from '../kube/leader-election.ts';
import { createLogger, errorField, type LogLevel } from '../observe/log.ts';
import { type RootController, startRootController } from '../root/root-controller.ts';

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
}

export async function run(options: RunOptions): Promise<void> {
  const logger = createLogger(options.logLevel);
  const client = createApiClient(loadKubeConfig(options.kubeconfig));
  const events = createEventRecorder({ client, component: 'orkestra', logger });
  const childWatches = createChildWatches(client, logger);
  const boxes = declarativeBoxes({ client, discovery: createDiscovery(client), childWatches, events });
  let root: RootController | undefined;

  const startRoot = () => {
    root = startRootController({ client, logger, events, ...boxes });
    logger.info('root controller started', { server: client.server });
  };
  const stopRoot = async () => {
    const r = root;
    root = undefined;
    await r?.stop();
    await childWatches.stopAll();
  };

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

  let shuttingDown = false;
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
      await events.stop();
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
