// One scenario on a fresh control plane: the controller (or two replicas) talks to the API
// server through a TCP proxy the suite controls; Websites converge; then, for each run, the load
// starts, the fault is injected at a random moment, the load stops when the fault is over, and
// the suite measures how long until every Website has converged again and what was lost.
import { readdir, readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { percentile } from '../../bench/stats.ts';
import {
  type ApiClient,
  createApiClient,
  isConflict,
  isNotFound,
  loadKubeConfig,
} from '../../controller/kube/api-client.ts';
import type { KubeObject } from '../../controller/kube/object.ts';
import { type ControlPlane, startControlPlane } from '../control-plane/control-plane.ts';
import { kubeconfigYaml, writeKubeconfig } from '../control-plane/kubeconfig.ts';
import { eventually } from '../support/wait.ts';
import { type ChaosController, chaosController } from './controller.ts';
import { settleOrphans, waitConverged } from './measure.ts';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';
import {
  applyKatalog,
  createWebsite,
  crPath,
  GROUP,
  KATALOG_PATH,
  KIND,
  NAMESPACE,
  pool,
  startChurn,
  websiteCrd,
  websiteNames,
} from './workload.ts';

export interface Scale {
  readonly websites: number;
  /** Creates, updates and deletes per second while the fault happens. */
  readonly opsPerSecond: number;
  /** How long the network stall lasts. */
  readonly stallMs: number;
  /** Leader election durations for the failover scenario. */
  readonly lease: { readonly lease: string; readonly renew: string; readonly retry: string };
  /** Give up on re-convergence after this long (the run then counts its unconverged Websites as lost). */
  readonly deadlineMs: number;
  readonly pollMs: number;
}

export interface ChaosEnv {
  readonly cp: ControlPlane;
  /** The suite's own client, straight to the API server (never through the proxy). */
  readonly admin: ApiClient;
  readonly proxy: TcpProxy;
  readonly controllers: readonly ChaosController[];
  readonly names: readonly string[];
  readonly scale: Scale;
  /** The Katalog revision the children must show; a scenario that edits the Katalog moves it. */
  revision: number;
  /** Specs the controller had to converge so far: initial Websites, acknowledged creates and updates. */
  specs: number;
}

export interface FaultOutcome {
  /** performance.now() when the fault was over (API server back, controller restarted, …). */
  readonly backAt: number;
  readonly takeoverMs?: number;
  /** Set when the fault did not have the effect it is meant to have, or a target was missed. */
  readonly problem?: string;
  /** Clean-up that goes on while re-convergence is measured (a killed replica starting again). */
  readonly settle?: Promise<void>;
}

/** What a scenario needs from its environment. */
export interface EnvironmentOptions {
  /** Two replicas with --leader-elect; one controller without otherwise. */
  readonly replicas?: 2;
  readonly apiserverArgs?: readonly string[];
  /** An existing directory for the controllers' logs, one file per replica (`run.ts --logs`). */
  readonly logDir?: string;
}

export interface Scenario extends EnvironmentOptions {
  readonly name: string;
  readonly title: string;
  /** Runs in the full suite. */
  readonly runs: number;
  inject(env: ChaosEnv): Promise<FaultOutcome>;
}

export interface ScenarioResult {
  readonly name: string;
  readonly title: string;
  readonly runs: number;
  readonly websites: number;
  readonly orphans: number;
  readonly duplicates: number;
  readonly lostUpdates: number;
  readonly crashes: number;
  readonly reconvergeMs: { readonly p50: number; readonly max: number };
  readonly takeoverMs?: { readonly p50: number; readonly max: number };
  readonly requestsPerConvergedCr: number;
  /**
   * Where a re-convergence went, for the scenarios that start a controller or hand over the
   * work (controller kill, leader failover): each phase's p50 and max, from the fault.
   */
  readonly phasesMs?: Readonly<Record<string, { readonly p50: number; readonly max: number }>>;
  /** Child applies by result (created, updated, skipped, …) over the scenario's runs. */
  readonly applies: Readonly<Record<string, number>>;
  readonly churnWrites: number;
  readonly wallMs: number;
  readonly loadAverage: readonly [number, number];
  /** Everything that should not have happened, one line each; empty on a clean scenario. */
  readonly problems: readonly string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Log = (line: string) => void;

/** Creates the CRDs and waits until all are Established (slow on a busy machine: a minute's patience). */
export async function createCrds(admin: ApiClient, crds: readonly KubeObject[]): Promise<void> {
  const base = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
  for (const crd of crds) await admin.request({ method: 'POST', path: base, body: crd });
  await eventually(
    'the CRDs Established',
    async () => {
      for (const crd of crds) {
        const got = await admin.request<{ status?: { conditions?: { type: string; status: string }[] } }>({
          method: 'GET',
          path: `${base}/${crd.metadata.name}`,
        });
        if (!got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) return false;
      }
      return true;
    },
    60_000,
    200,
  );
}

/** Orkestra's CRDs from crds/ and the Website CRD. */
async function allCrds(): Promise<KubeObject[]> {
  const dir = new URL('../../crds/', import.meta.url);
  const crds: KubeObject[] = [websiteCrd()];
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.yaml'))) {
    for (const doc of parseAllDocuments(await readFile(new URL(file, dir), 'utf8'))) {
      const crd = doc.toJS() as KubeObject | null;
      if (crd?.kind === 'CustomResourceDefinition') crds.push(crd);
    }
  }
  return crds;
}

async function boxRunning(admin: ApiClient): Promise<void> {
  await eventually(
    'the Website box Running',
    async () =>
      (await admin.request<{ status?: { runningBoxes?: number } }>({ method: 'GET', path: KATALOG_PATH })).status
        ?.runningBoxes === 1,
    120_000,
    200,
  );
}

/**
 * kube-controller-manager's garbage collector picks up a new CRD's kind only at its next discovery
 * resync (up to 30 s), and until then leaves that kind's dependents behind. A real cluster installs
 * its CRDs long before; here the faults start soon after, so the suite makes sure the collector
 * has removed a probe ConfigMap owned by a deleted Website — orphans counted later are then
 * Orkestra's. The probe Website is created and deleted at once (before any controller runs, so no
 * finalizer holds it); the returned promise waits for the collector, while the rest of the setup
 * goes on.
 */
async function probeGarbageCollector(admin: ApiClient): Promise<{ collected: Promise<unknown> }> {
  const owner = await admin.request<KubeObject>({
    method: 'POST',
    path: crPath(),
    body: { apiVersion: `${GROUP}/v1`, kind: KIND, metadata: { name: 'gc-probe', namespace: NAMESPACE } },
  });
  const probe = `/api/v1/namespaces/${NAMESPACE}/configmaps/gc-probe`;
  await admin.request({
    method: 'POST',
    path: `/api/v1/namespaces/${NAMESPACE}/configmaps`,
    body: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'gc-probe',
        namespace: NAMESPACE,
        ownerReferences: [{ apiVersion: `${GROUP}/v1`, kind: KIND, name: 'gc-probe', uid: owner.metadata.uid ?? '' }],
      },
    },
  });
  await admin.request({ method: 'DELETE', path: crPath('gc-probe') });
  const collected = eventually(
    "the garbage collector to delete a deleted Website's ConfigMap",
    async () => {
      try {
        await admin.request({ method: 'GET', path: probe });
        return false;
      } catch (err) {
        if (isNotFound(err)) return true;
        throw err;
      }
    },
    120_000,
    250,
  );
  // Awaited at the end of the setup; a failure before then must not go unhandled meanwhile.
  collected.catch(() => {});
  return { collected };
}

/**
 * A fresh control plane, the controller(s) behind the proxy, and `scale.websites` Websites
 * converged. `close` tears all of it down.
 */
export async function openEnvironment(
  scale: Scale,
  options: EnvironmentOptions,
  log: Log = () => {},
): Promise<ChaosEnv & { close(): Promise<void> }> {
  const started = performance.now();
  const at = (what: string) => log(`${((performance.now() - started) / 1000).toFixed(1)} s: ${what}`);
  const cp = await startControlPlane({ apiserverArgs: options.apiserverArgs ?? [] });
  at('control plane ready');
  const admin = createApiClient(loadKubeConfig(cp.kubeconfigPath));
  const proxy = await startTcpProxy(Number(new URL(cp.server).port));
  const viaProxy = join(cp.dir, 'kubeconfig-proxy');
  await writeKubeconfig(viaProxy, kubeconfigYaml(`https://127.0.0.1:${proxy.port}`, cp.caPem, cp.adminToken));
  const controllers = Array.from({ length: options.replicas ?? 1 }, (_, i) =>
    chaosController({
      kubeconfig: viaProxy,
      identity: `replica-${i}`,
      ...(options.replicas ? { leaderElect: scale.lease } : {}),
      ...(options.logDir ? { logFile: join(options.logDir, `replica-${i}.log`) } : {}),
    }),
  );
  const close = async () => {
    await Promise.all(controllers.map((c) => c.stop()));
    await proxy.close();
    admin.close();
    await cp.stop();
  };
  const env = {
    cp,
    admin,
    proxy,
    controllers,
    names: websiteNames(scale.websites),
    scale,
    revision: 1,
    specs: 0,
    close,
  };
  try {
    await createCrds(admin, await allCrds());
    await admin.request({
      method: 'POST',
      path: '/api/v1/namespaces',
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } } satisfies KubeObject,
    });
    const gc = await probeGarbageCollector(admin);
    // The Websites are created while the controllers start: only the faults are measured.
    await Promise.all([
      createWebsites(env).then(() => at(`${scale.websites} Websites created`)),
      (async () => {
        await Promise.all(controllers.map((c) => c.start()));
        await applyKatalog(admin, env.revision);
        await boxRunning(admin);
        at('box running');
      })(),
    ]);
    const initial = await waitConverged(admin, env.revision, performance.now(), 600_000, scale.pollMs);
    if (initial.ms === undefined) throw new Error(`initial convergence failed: ${initial.final.examples.join('; ')}`);
    at(`${scale.websites} Websites converged`);
    await gc.collected;
    at('garbage collector follows Websites');
    return env;
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * Creates every Website of the environment that does not exist yet. A create that times out or
 * fails (a busy API server) is tried again: one that did land answers Conflict the second time.
 */
export async function createWebsites(env: ChaosEnv): Promise<void> {
  await pool(env.names, 8, async (name) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await createWebsite(env.admin, name);
        env.specs++;
        return;
      } catch (err) {
        if (isConflict(err)) return;
        if (attempt === 5) throw err;
        await sleep(500 * attempt);
      }
    }
  });
}

const totals = (env: ChaosEnv) => ({
  requests: env.controllers.reduce((sum, c) => sum + c.requests(), 0),
  applies: sumApplies(env.controllers.map((c) => c.counters().applies)),
  crashes: env.controllers.reduce((sum, c) => sum + c.crashes().length, 0),
  specs: env.specs,
});

function sumApplies(all: readonly Readonly<Record<string, number>>[], minus: Readonly<Record<string, number>> = {}) {
  const sum: Record<string, number> = {};
  for (const applies of all) for (const [k, n] of Object.entries(applies)) sum[k] = (sum[k] ?? 0) + n;
  for (const [k, n] of Object.entries(minus)) sum[k] = (sum[k] ?? 0) - n;
  return sum;
}

/**
 * The start-up phases of the process that took over the work after a fault at `faultAt` (a
 * restarted controller, or the standby that took the Lease), in ms from the fault; undefined
 * when no process started or took over.
 */
function takeoverPhases(env: ChaosEnv, faultAt: number, convergedAt: number | undefined) {
  const trace = env.controllers
    .flatMap((c) => c.starts())
    .find((t) => t.rootStartedAt !== undefined && t.rootStartedAt >= faultAt);
  if (!trace) return undefined;
  const since = (at: number | undefined) => (at === undefined ? undefined : at - faultAt);
  const phases: Record<string, number | undefined> = {
    spawned: since(trace.spawnedAt >= faultAt ? trace.spawnedAt : undefined),
    listening: since(trace.listeningAt !== undefined && trace.listeningAt >= faultAt ? trace.listeningAt : undefined),
    leading: since(trace.leadingAt),
    'root started': since(trace.rootStartedAt),
    'CRs listed': since(trace.runningAt),
    converged: since(convergedAt),
  };
  return Object.fromEntries(Object.entries(phases).filter((e): e is [string, number] => e[1] !== undefined));
}

/**
 * The scenario's runs in `env`: for each, load, the fault at a random moment, then re-convergence
 * and the counts. Requests per converged CR are the controllers' requests over the specs they
 * converged since `since` (by default now; the environment's start to include its first
 * convergence).
 */
export async function runFaults(
  env: ChaosEnv,
  scenario: Scenario,
  runs: number,
  log: Log = () => {},
  since: ReturnType<typeof totals> = totals(env),
): Promise<ScenarioResult> {
  const started = performance.now();
  const at = (what: string) => log(`${((performance.now() - started) / 1000).toFixed(1)} s: ${what}`);
  const load0 = loadavg()[0] as number;
  const crashesBefore = env.controllers.flatMap((c) => c.crashes()).length;
  const problems: string[] = [];
  const reconverge: number[] = [];
  const takeover: number[] = [];
  const phases = new Map<string, number[]>();
  let orphans = 0;
  let duplicates = 0;
  let lostUpdates = 0;
  let churnWrites = 0;
  const { admin, scale } = env;
  for (let run = 0; run < runs; run++) {
    const churn = startChurn(admin, env.names, scale.opsPerSecond);
    await sleep(500 + Math.random() * 2_500); // a random moment, with work in flight
    at(`run ${run + 1}: fault`);
    const faultAt = performance.now();
    const fault = await scenario.inject(env);
    at(`run ${run + 1}: fault over`);
    const written = await churn.stop();
    churnWrites += written.writes;
    env.specs += written.writes;
    if (fault.problem) problems.push(`run ${run + 1}: ${fault.problem}`);
    if (fault.takeoverMs !== undefined) takeover.push(fault.takeoverMs);
    const converged = await waitConverged(admin, env.revision, fault.backAt, scale.deadlineMs, scale.pollMs);
    if (converged.ms === undefined) {
      lostUpdates += converged.final.unconverged;
      problems.push(
        `run ${run + 1}: ${converged.final.unconverged} Websites not converged ${scale.deadlineMs / 1000} s after the fault: ${converged.final.examples.join('; ')}`,
      );
    } else reconverge.push(converged.ms);
    at(`run ${run + 1}: re-converged in ${Math.round(converged.ms ?? Number.NaN)} ms`);
    const traced = takeoverPhases(env, faultAt, converged.ms === undefined ? undefined : fault.backAt + converged.ms);
    if (traced) {
      for (const [phase, ms] of Object.entries(traced)) phases.set(phase, [...(phases.get(phase) ?? []), ms]);
      at(
        `run ${run + 1}: from the fault, ${Object.entries(traced)
          .map(([phase, ms]) => `${phase} ${(ms / 1000).toFixed(1)} s`)
          .join(', ')}`,
      );
    }
    const settled = await settleOrphans(admin, env.revision, 30_000);
    orphans += settled.orphans;
    duplicates += settled.duplicates;
    if (settled.orphans > 0)
      problems.push(`run ${run + 1}: ${settled.orphans} orphaned children, e.g. ${settled.orphanExamples.join(', ')}`);
    if (settled.duplicates > 0) problems.push(`run ${run + 1}: ${settled.duplicates} duplicate children`);
    await fault.settle;
  }
  const crashes = env.controllers.flatMap((c) => c.crashes()).slice(crashesBefore);
  for (const crash of crashes) problems.push(`crash: ${crash}`);
  const now = totals(env);
  const stats = (values: number[]) =>
    values.length ? { p50: percentile(values, 50), max: Math.max(...values) } : { p50: Number.NaN, max: Number.NaN };
  return {
    name: scenario.name,
    title: scenario.title,
    runs,
    websites: scale.websites,
    orphans,
    duplicates,
    lostUpdates,
    crashes: crashes.length,
    reconvergeMs: stats(reconverge),
    ...(takeover.length ? { takeoverMs: stats(takeover) } : {}),
    requestsPerConvergedCr: (now.requests - since.requests) / Math.max(1, now.specs - since.specs),
    ...(phases.size ? { phasesMs: Object.fromEntries([...phases].map(([phase, ms]) => [phase, stats(ms)])) } : {}),
    applies: sumApplies([now.applies], since.applies),
    churnWrites,
    wallMs: performance.now() - started,
    loadAverage: [load0, loadavg()[0] as number],
    problems,
  };
}
