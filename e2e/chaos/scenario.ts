// One scenario on a fresh control plane: the controller (or two replicas) talks to the API
// server through a TCP proxy the suite controls; Websites converge; then, for each run, the load
// starts, the fault is injected at a random moment, the load stops when the fault is over, and
// the suite measures how long until every Website has converged again and what was lost.
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { percentile } from '../../bench/stats.ts';
import { type ApiClient, createApiClient, isConflict, loadKubeConfig } from '../../controller/kube/api-client.ts';
import type { KubeObject } from '../../controller/kube/object.ts';
import { type ControlPlane, startControlPlane } from '../control-plane/control-plane.ts';
import { kubeconfigYaml, writeKubeconfig } from '../control-plane/kubeconfig.ts';
import { createCrd } from '../support/crds.ts';
import { runCommand } from '../support/kubectl.ts';
import { eventually } from '../support/wait.ts';
import { type ChaosController, chaosController } from './controller.ts';
import { settleOrphans, waitConverged } from './measure.ts';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';
import {
  applyKatalog,
  createWebsite,
  KATALOG_PATH,
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
}

export interface FaultOutcome {
  /** performance.now() when the fault was over (API server back, controller restarted, …). */
  readonly backAt: number;
  readonly takeoverMs?: number;
  /** Set when the fault did not have the effect it is meant to have, or a target was missed. */
  readonly problem?: string;
}

export interface Scenario {
  readonly name: string;
  readonly title: string;
  /** Runs in the full suite. */
  readonly runs: number;
  /** Two replicas with --leader-elect; one controller without otherwise. */
  readonly replicas?: 2;
  readonly apiserverArgs?: readonly string[];
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
  readonly churnWrites: number;
  readonly wallMs: number;
  readonly loadAverage: readonly [number, number];
  /** Everything that should not have happened, one line each; empty on a clean scenario. */
  readonly problems: readonly string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function applyOrkestraCrds(kubeconfig: string): Promise<void> {
  const crds = new URL('../../crds/', import.meta.url).pathname;
  const apply = await runCommand('kubectl', ['--kubeconfig', kubeconfig, 'apply', '--server-side', '-f', crds]);
  if (apply.code !== 0) throw new Error(`kubectl apply crds/: ${apply.stderr}`);
  await eventually(
    "Orkestra's CRDs Established",
    async () =>
      (
        await runCommand('kubectl', [
          '--kubeconfig',
          kubeconfig,
          'wait',
          '--for=condition=Established',
          '--timeout=10s',
          '-f',
          crds,
        ])
      ).code === 0,
    60_000,
    200,
  );
}

async function boxRunning(admin: ApiClient): Promise<void> {
  await eventually(
    'the Website box Running',
    async () =>
      (await admin.request<{ status?: { runningBoxes?: number } }>({ method: 'GET', path: KATALOG_PATH })).status
        ?.runningBoxes === 1,
    60_000,
    200,
  );
}

export async function runScenario(scenario: Scenario, scale: Scale, runs: number): Promise<ScenarioResult> {
  const started = performance.now();
  const load0 = loadavg()[0] as number;
  const cp = await startControlPlane({ apiserverArgs: scenario.apiserverArgs ?? [] });
  const admin = createApiClient(loadKubeConfig(cp.kubeconfigPath));
  const apiPort = Number(new URL(cp.server).port);
  const proxy = await startTcpProxy(apiPort);
  const viaProxy = join(cp.dir, 'kubeconfig-proxy');
  await writeKubeconfig(viaProxy, kubeconfigYaml(`https://127.0.0.1:${proxy.port}`, cp.caPem, cp.adminToken));
  const controllers = Array.from({ length: scenario.replicas ?? 1 }, (_, i) =>
    chaosController({
      kubeconfig: viaProxy,
      identity: `replica-${i}`,
      ...(scenario.replicas ? { leaderElect: scale.lease } : {}),
    }),
  );
  const env: ChaosEnv = { cp, admin, proxy, controllers, names: websiteNames(scale.websites), scale, revision: 1 };
  const problems: string[] = [];
  const reconverge: number[] = [];
  const takeover: number[] = [];
  let orphans = 0;
  let duplicates = 0;
  let lostUpdates = 0;
  let churnWrites = 0;
  try {
    await applyOrkestraCrds(cp.kubeconfigPath);
    await createCrd(admin, websiteCrd());
    await admin.request({
      method: 'POST',
      path: '/api/v1/namespaces',
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } } satisfies KubeObject,
    });
    await Promise.all(controllers.map((c) => c.start()));
    await applyKatalog(admin, env.revision);
    await boxRunning(admin);
    await pool(env.names, 8, (name) =>
      createWebsite(admin, name).catch((err) => {
        if (!isConflict(err)) throw err;
      }),
    );
    const initial = await waitConverged(admin, env.revision, performance.now(), 600_000, scale.pollMs);
    if (initial.ms === undefined) throw new Error(`initial convergence failed: ${initial.final.examples.join('; ')}`);

    for (let run = 0; run < runs; run++) {
      const churn = startChurn(admin, env.names, scale.opsPerSecond);
      await sleep(500 + Math.random() * 2_500); // a random moment, with work in flight
      const fault = await scenario.inject(env);
      const totals = await churn.stop();
      churnWrites += totals.writes;
      if (fault.problem) problems.push(`run ${run + 1}: ${fault.problem}`);
      if (fault.takeoverMs !== undefined) takeover.push(fault.takeoverMs);
      const converged = await waitConverged(admin, env.revision, fault.backAt, scale.deadlineMs, scale.pollMs);
      if (converged.ms === undefined) {
        lostUpdates += converged.final.unconverged;
        problems.push(
          `run ${run + 1}: ${converged.final.unconverged} Websites not converged ${scale.deadlineMs / 1000} s after the fault: ${converged.final.examples.join('; ')}`,
        );
      } else reconverge.push(converged.ms);
      const settled = await settleOrphans(admin, env.revision, 30_000);
      orphans += settled.orphans;
      duplicates += settled.duplicates;
      if (settled.orphans > 0) problems.push(`run ${run + 1}: ${settled.orphans} orphaned children`);
      if (settled.duplicates > 0) problems.push(`run ${run + 1}: ${settled.duplicates} duplicate children`);
    }
  } finally {
    await Promise.all(controllers.map((c) => c.stop()));
    await proxy.close();
    admin.close();
    await cp.stop();
  }
  const crashes = controllers.flatMap((c) => c.crashes());
  for (const crash of crashes) problems.push(`crash: ${crash}`);
  const requests = controllers.reduce((sum, c) => sum + c.requests(), 0);
  const stats = (values: number[]) => ({ p50: percentile(values, 50), max: Math.max(...values) });
  return {
    name: scenario.name,
    title: scenario.title,
    runs,
    websites: scale.websites,
    orphans,
    duplicates,
    lostUpdates,
    crashes: crashes.length,
    reconvergeMs: reconverge.length ? stats(reconverge) : { p50: Number.NaN, max: Number.NaN },
    ...(takeover.length ? { takeoverMs: stats(takeover) } : {}),
    requestsPerConvergedCr: requests / (scale.websites + churnWrites),
    churnWrites,
    wallMs: performance.now() - started,
    loadAverage: [load0, loadavg()[0] as number],
    problems,
  };
}
