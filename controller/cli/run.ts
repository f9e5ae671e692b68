// `orkestra run`: the controller process. Without --leader-elect it runs the root controller
// at once; with it, only while it holds the Lease. The health/metrics server runs on every
// replica. SIGTERM/SIGINT drain the boxes, release the lease and exit within the grace period.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Admission } from '../admission/admission.ts';
import type { Registrar } from '../admission/registrar.ts';
import { parseDuration } from '../box/duration.ts';
import type { BoxConfig } from '../box/operator-box.ts';
import { createTypedHooks } from '../hooks/typed-hooks.ts';
import { type ClusterAccess, createApiClient } from '../kube/api-client.ts';
import { createChildWatches } from '../kube/child-watches.ts';
import { createDiscovery } from '../kube/discovery.ts';
import { createEventRecorder } from '../kube/events/recorder.ts';
import { type LeaderElection, startLeaderElection } from '../kube/leader-election.ts';
import { createLogger, errorField, type LogLevel } from '../observe/log.ts';
import { createMetrics } from '../observe/metrics.ts';
import { startObserveServer } from '../observe/server.ts';
import { declarativeBoxes } from '../reconcile/declarative-reconciler.ts';
import { type Ownership, type RootController, startRootController } from '../root/root-controller.ts';
import { checkFence, fencedClient } from '../shard/fence.ts';
import { reconcileLog } from '../shard/reconcile-log.ts';
import { type Shard, startShard } from '../shard/shard.ts';
import { uiAccess } from '../ui/access.ts';
import { createControlCenter } from '../ui/control-center.ts';
import { createRecentEvents } from '../ui/recent-events.ts';
import { clusterAccessFor } from './cluster.ts';
import { boxSnapshots, katalogHealth } from './health.ts';
import { checkApiServer, listenError } from './preflight.ts';
import { CliError, EXIT_USAGE, fail } from './terminal.ts';

export interface RunOptions {
  readonly kubeconfig?: string;
  /** kubeconfig context (default: the current one). */
  readonly context?: string;
  readonly leaderElect: boolean;
  readonly leaseNamespace: string;
  readonly leaseName: string;
  readonly identity?: string;
  readonly leaseDuration: string;
  readonly renewDeadline: string;
  readonly retryPeriod: string;
  /** Share the boxes among replicas, one Lease per box (implies leader election for cluster-wide duties). */
  readonly shard?: boolean;
  /** Boxes handed to another replica per retry period at most. */
  readonly shardMaxMoves?: number;
  readonly logLevel: LogLevel;
  readonly shutdownGrace: string;
  /** host:port of the health, metrics and API server; port 0 picks a free one. */
  readonly listen: string;
  /** false: no webhook server and no registration. */
  readonly webhooks: boolean;
  /** host:port of the HTTPS webhook server; port 0 picks a free one. */
  readonly webhookListen: string;
  readonly webhookUrlBase?: string;
  readonly webhookCertDir?: string;
  /** Namespace of the webhook certificate Secret and Service. */
  readonly webhookNamespace: string;
  /** Name of the Service the API server calls in cluster. */
  readonly webhookService: string;
  /** Name of the Secret holding the self-managed certificates. */
  readonly webhookSecret: string;
  /** Serve the Control Center (default true). */
  readonly ui?: boolean;
  /** Bearer token for the Control Center; required when --listen is not loopback. */
  readonly uiTokenFile?: string;
  /** Directory of typed hook modules (`hooks.module` names a file in it). */
  readonly hooksDir?: string;
}

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** `cluster`: the cluster access, if its resolution was started already (see main.ts). */
export async function run(options: RunOptions, cluster?: Promise<ClusterAccess>): Promise<void> {
  const logger = createLogger(options.logLevel);
  const [host, portText] = options.listen.includes(':')
    ? options.listen.split(/:(?=[^:]*$)/)
    : ['0.0.0.0', options.listen];
  let access: ReturnType<typeof uiAccess>;
  try {
    access = uiAccess({ host: host || '0.0.0.0', enabled: options.ui ?? true, tokenFile: options.uiTokenFile });
  } catch (err) {
    throw new CliError((err as Error).message, EXIT_USAGE);
  }
  const sharding = options.shard ?? false;
  // Sharding names this replica in its Leases, its box status entries and its requests' User-Agent
  // (so the API server's audit log tells the replicas' writes apart).
  const identity =
    options.identity ?? (sharding ? (process.env.POD_NAME ?? `${hostname()}_${randomUUID()}`) : undefined);
  const client = createApiClient(
    await (cluster ?? clusterAccessFor(options)),
    sharding ? { userAgent: `orkestra/${VERSION} (${identity})` } : {},
  );
  await checkApiServer(client);
  // With sharding, every write a box's reconcile makes is checked against the box's Lease.
  const boxClient = sharding ? fencedClient(client) : client;
  const recorder = createEventRecorder({ client, component: 'orkestra', logger });
  // Every Event also lands in the Control Center's per-object memory on its way to the recorder.
  const events = createRecentEvents(recorder);
  const metrics = createMetrics(undefined, { version: VERSION });
  client.observe((method, _path, status) => metrics.observeRequest(method, status));
  const childWatches = createChildWatches(client, logger);
  const boxes = declarativeBoxes({
    client: boxClient,
    discovery: createDiscovery(client),
    childWatches,
    // An Event decided by a reconcile whose Lease has lapsed is dropped like its other writes.
    events: sharding
      ? {
          event(...args: Parameters<typeof events.event>) {
            try {
              checkFence();
            } catch {
              return;
            }
            events.event(...args);
          },
        }
      : events,
    applyCounter: (id) => metrics.applyCounter(id),
    hooks: {
      typed: createTypedHooks(options.hooksDir),
      observe: (box, code, seconds) => metrics.observeHook(box, code, seconds),
    },
  });
  let root: RootController | undefined;
  let rootSynced = false;
  // Every replica serves webhooks (a standby too); only the leader registers them. Started beside
  // leader election and the health server, not before them: the certificate Secret may wait for
  // an API server that is not up yet.
  let admission: Admission | undefined;
  // The webhook modules (node-forge among them) are loaded only when webhooks are on.
  const admissionStarted: Promise<Admission | undefined> = options.webhooks
    ? import('../admission/admission.ts')
        .then(({ startAdmission }) =>
          startAdmission({
            client,
            logger,
            listen: options.webhookListen,
            urlBase: options.webhookUrlBase,
            certDir: options.webhookCertDir,
            namespace: options.webhookNamespace,
            serviceName: options.webhookService,
            secretName: options.webhookSecret,
            inCluster: process.env.KUBERNETES_SERVICE_HOST !== undefined && options.kubeconfig === undefined,
            registry: metrics.registry,
          }),
        )
        .then(
          (a) => {
            admission = a;
            logger.info('serving webhooks', { address: options.webhookListen, port: a.port });
            return a;
          },
          (err: unknown) => {
            if (['EADDRINUSE', 'EACCES', 'EADDRNOTAVAIL'].includes((err as { code?: string }).code ?? '')) {
              fail(listenError(err, options.webhookListen, '--webhook-listen'));
            }
            logger.error(
              'cannot start the webhook server: check the certificate Secret (or --webhook-cert-dir) and --webhook-listen, or run with --no-webhooks',
              { namespace: options.webhookNamespace, name: options.webhookSecret, err: errorField(err) },
            );
            process.exit(1);
          },
        )
    : Promise.resolve(undefined);
  let runningBoxes: readonly BoxConfig[] = [];
  let registrar: Registrar | undefined;
  let elector: LeaderElection | undefined;
  let shard: Shard | undefined;
  const ui =
    access.mode === 'off'
      ? undefined
      : createControlCenter({
          access,
          logger,
          katalogs: () => katalogHealth(root?.observed() ?? [], sharding ? identity : undefined),
          boxes: () => root?.boxes() ?? new Map(),
          replica: () => {
            const leader = elector?.leader();
            if (sharding) return leader ? { role: 'shard', identity, leader } : { role: 'shard', identity };
            const role = !elector ? 'single' : root ? 'leader' : 'standby';
            return leader ? { role, leader } : { role };
          },
          events,
          childCaches: () => childWatches.held(),
        });

  const ownership: Ownership | undefined = sharding
    ? {
        identity: identity as string,
        setBoxes: (ids) => shard?.setBoxes(ids),
        owns: (id) => shard?.owns(id) ?? false,
        fence: (id) => () => {
          if (!shard) throw new Error('sharding has not started');
          shard.fence(id)();
        },
        leads: () => elector?.holdsLease() ?? false,
      }
    : undefined;
  const startRegistrar = (r: RootController) =>
    void admissionStarted.then((a) => {
      if (root !== r || !a || registrar) return;
      registrar = a.startRegistrar();
      registrar.setBoxes(runningBoxes);
    });
  const startRoot = () => {
    const r = startRootController({
      client: boxClient,
      ownership,
      reconcileLog: reconcileLog(process.env.ORKESTRA_RECONCILE_LOG, identity ?? String(process.pid)),
      logger,
      events,
      ...boxes,
      // The controller's namespace: Komposer pull Secrets and CA ConfigMaps are read only from it.
      namespace: options.leaseNamespace,
      boxMetrics: (id) => {
        const m = metrics.boxMetrics(id, () => r.boxes().get(id)?.unfinishedWork());
        return ui ? ui.observeBox(id, m) : m;
      },
      onBoxStopped: (id) => metrics.removeBox(id),
      onBoxesChanged: (running) => {
        runningBoxes = running;
        registrar?.setBoxes(running);
      },
    });
    root = r;
    // With sharding, registration is a cluster-wide duty: only the leader does it.
    if (!sharding) startRegistrar(r);
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
    const reg = registrar;
    registrar = undefined;
    await reg?.stop();
    await childWatches.stopAll();
  };
  metrics.setSnapshotSource(() => boxSnapshots(root?.observed() ?? []));
  if (ownership)
    metrics.setBoxOwners(() =>
      [...(root?.boxes().keys() ?? [])]
        .filter((box) => ownership.owns(box))
        .map((box) => ({ box, replica: ownership.identity })),
    );
  // Root watches (Katalogs, Komposers, CRDs) + one per running box + the shared child watches.
  metrics.setWatchCount(() => (root ? 3 + root.boxes().size : 0) + childWatches.count());

  let shuttingDown = false;
  const address = `${host || '0.0.0.0'}:${portText}`;
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
      katalogs: () => katalogHealth(root?.observed() ?? [], sharding ? identity : undefined),
    },
    ...(ui ? { ui } : {}),
  }).catch((err: unknown) => {
    throw listenError(err, address, '--listen');
  });
  logger.info('serving health, metrics and API', { address: `${host || '0.0.0.0'}:${server.port}` });
  if (ui) {
    const any = host === '' || host === '0.0.0.0' || host === '::' || host === '[::]';
    const shown = any ? 'localhost' : host?.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
    logger.info('control center', { url: `http://${shown}:${server.port}/`, auth: access.mode });
  }
  if (sharding) {
    startRoot();
    shard = startShard({
      client,
      namespace: options.leaseNamespace,
      group: options.leaseName,
      identity: identity as string,
      leaseDurationMs: parseDuration(options.leaseDuration),
      renewDeadlineMs: parseDuration(options.renewDeadline),
      retryPeriodMs: parseDuration(options.retryPeriod),
      maxMovesPerPeriod: options.shardMaxMoves,
      logger,
      onChange: () => root?.resync(),
      isRunning: (id) => root?.boxes().has(id) ?? false,
    });
    // The leader Lease still elects one replica for what belongs to no box: webhook registration,
    // Katalog-wide status and finalizers. Losing it ends only those duties.
    elector = startLeaderElection({
      client,
      namespace: options.leaseNamespace,
      name: options.leaseName,
      identity,
      leaseDurationMs: parseDuration(options.leaseDuration),
      renewDeadlineMs: parseDuration(options.renewDeadline),
      retryPeriodMs: parseDuration(options.retryPeriod),
      logger,
      onStartedLeading: () => {
        if (root) startRegistrar(root);
        root?.resync();
      },
      onStoppedLeading: () => {
        const reg = registrar;
        registrar = undefined;
        void reg?.stop();
      },
    });
  }
  elector ??= options.leaderElect
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
  if (!elector && !sharding) startRoot();

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
    await step('release the box leases', shard?.stop() ?? Promise.resolve(), left());
    await step('release the lease', elector?.stop() ?? Promise.resolve(), left());
    await step('flush events', recorder.stop(), left());
    await step('stop the webhook server', admission?.stop() ?? Promise.resolve(), left());
    await step('close the server', server.close(), left());
    clearTimeout(deadline);
    client.close();
    logger.info('stopped', { durationMs: Math.round(performance.now() - started) });
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
