// One controller on a control plane: N Websites from first create to all Ready, with the CPU it
// spent and its RSS before and after; optionally the steady-state write and reconcile rates and
// the child deleted -> recreated latency once converged.
import type { ApiClient } from '../controller/kube/api-client.ts';
import { isNotFound } from '../controller/kube/api-client.ts';
import type { KubeObject } from '../controller/kube/object.ts';
import type { ControlPlane } from '../e2e/control-plane/control-plane.ts';
import { createCrd } from '../e2e/support/crds.ts';
import { eventually } from '../e2e/support/wait.ts';
import { type Controller, cpuSeconds, pool, rssBytes, scrape, sleep } from './cluster.ts';
import type { Peer } from './peer.ts';
import { watchReady } from './ready-watch.ts';
import { crsPath, names, type Subject, websiteCr, websiteCrd } from './workload.ts';

export interface ConvergeOptions {
  readonly n: number;
  readonly workers: number;
  /** Also measure steady state (for this many seconds) and drift. */
  readonly extras?: { readonly steadySeconds: number; readonly driftSamples: number };
}

export interface ConvergeResult {
  convergeMs: number;
  cpuSeconds: number;
  idleRss: number;
  /** RSS the moment the last Website turned Ready. */
  peakRss: number;
  /** RSS once the controller is quiet again after the converge. */
  afterRss: number;
  rssPer1000: number;
  heapPer1000: number;
  /** Writes and reconciles the controller made during the converge, per Website. */
  writesPerCr: number;
  reconcilesPerCr: number;
  flags: readonly string[];
  steady?: { writesPerMin: number; reconcilesPerMin: number };
  drift?: number[];
}

/** Installs the peer's prerequisites and, when the bench owns it, the Website CRD. */
export async function preparePeer(peer: Peer, cp: ControlPlane, client: ApiClient, subject: Subject) {
  await peer.prepare(cp, client);
  if (peer.benchOwnsCrd) await createCrd(client, websiteCrd(subject));
}

export async function defineAndServe(peer: Peer, client: ApiClient, name: string, subject: Subject) {
  await peer.define(client, name, subject);
  await eventually(
    `${peer.name} serving ${subject.kind}`,
    () => peer.serving(client, name, subject),
    120_000,
    50,
  ).catch(async (err: unknown) => {
    throw new Error(`${(err as Error).message}; ${await peer.describe(client, name)}`);
  });
}

/** Waits until the controller stops writing (two scrapes `quietMs` apart agree). */
async function quiet(controller: Controller, quietMs: number) {
  await eventually(
    `${controller.name} idle`,
    async () => {
      const a = controller.writes(await scrape(controller.metricsUrl));
      await sleep(quietMs);
      return controller.writes(await scrape(controller.metricsUrl)) === a;
    },
    120_000,
    0,
  );
}

export async function convergeRun(
  peer: Peer,
  cp: ControlPlane,
  client: ApiClient,
  options: ConvergeOptions,
): Promise<ConvergeResult> {
  const subject = peer.subject();
  await preparePeer(peer, cp, client, subject);
  const controller = await peer.start(cp, { workers: options.workers });
  try {
    await defineAndServe(peer, client, 'bench', subject);
    // Longer than Orkestra's 5 s Katalog-status refresh, so start-up writes are not counted as converge work.
    await quiet(controller, 6_000);
    const idle = await scrape(controller.metricsUrl);
    const idleRss = await rssBytes(controller.pid);
    const cpu0 = await cpuSeconds(controller.pid);
    // Opened before the first create, so no Ready transition is missed.
    const readiness = watchReady(client, subject);
    let convergeMs: number;
    try {
      const started = performance.now();
      await pool(names(options.n), options.workers, async (name) => {
        await client.request({ method: 'POST', path: crsPath(subject), body: websiteCr(subject, name) });
      });
      await readiness.until(options.n, 1_800_000).catch((err: unknown) => {
        throw new Error(`${peer.name}: ${(err as Error).message}`);
      });
      convergeMs = performance.now() - started;
    } finally {
      await readiness.stop();
    }
    const cpu = (await cpuSeconds(controller.pid)) - cpu0;
    const peakRss = await rssBytes(controller.pid);
    // Settled as the idle figure was (no writes for 6 s), so both are a steady controller's RSS,
    // not one taken mid-collection the moment the last Website turned Ready.
    await quiet(controller, 6_000);
    const afterRss = await rssBytes(controller.pid);
    const after = await scrape(controller.metricsUrl);
    const objects = options.n * 4; // each Website and its 3 children sit in the controller's caches
    const result: ConvergeResult = {
      convergeMs,
      cpuSeconds: cpu,
      idleRss,
      peakRss,
      afterRss,
      // Growth over the idle process (definition serving, no objects), so the runtime's fixed cost is not spread over the objects.
      rssPer1000: ((afterRss - idleRss) / objects) * 1000,
      heapPer1000: ((peer.heapBytes(after) - peer.heapBytes(idle)) / objects) * 1000,
      writesPerCr: (controller.writes(after) - controller.writes(idle)) / options.n,
      reconcilesPerCr: (controller.reconciles(after) - controller.reconciles(idle)) / options.n,
      flags: controller.flags,
    };
    const extras = options.extras;
    if (extras) {
      await quiet(controller, 6_000);
      const before = await scrape(controller.metricsUrl);
      await sleep(extras.steadySeconds * 1000); // the measured window
      const end = await scrape(controller.metricsUrl);
      const perMin = (count: (m: Map<string, number>) => number) =>
        ((count(end) - count(before)) * 60) / extras.steadySeconds;
      result.steady = { writesPerMin: perMin(controller.writes), reconcilesPerMin: perMin(controller.reconciles) };
      result.drift = await driftRun(client, subject, Math.min(extras.driftSamples, options.n));
    }
    return result;
  } finally {
    await controller.stop();
  }
}

/** Deletes a ConfigMap child and times until the controller has created a new one. */
async function driftRun(client: ApiClient, subject: Subject, samples: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const path = `/api/v1/namespaces/${subject.namespace}/configmaps/site-${i}-config`;
    const old = await client.request<KubeObject>({ method: 'GET', path });
    const t = performance.now();
    await client.request({ method: 'DELETE', path });
    await eventually(
      'child recreated',
      async () => {
        try {
          return (await client.request<KubeObject>({ method: 'GET', path })).metadata.uid !== old.metadata.uid;
        } catch (err) {
          if (isNotFound(err)) return false;
          throw err;
        }
      },
      30_000,
      5,
    );
    out.push(performance.now() - t);
  }
  return out;
}
