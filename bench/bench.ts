// `make bench`: what Orkestra costs, against the local control plane. Prints a table and writes
// bench/results/latest.json and latest.md. Each figure is a median over --runs repetitions,
// each on a fresh control plane so no run inherits another's objects.
//
//   converge     N custom resources (3 children each) from first create to all Ready, against
//                the floor: a plain client doing the same creates, applies and status patches
//                at the same concurrency with no controller
//   first child  Katalog applied -> first child created (p50, p95); CRD applied -> box Running
//   drift        child deleted -> recreated (p50, p99)
//   steady       controller write requests and reconciles per minute once converged
//   memory       controller RSS and heap per 1,000 managed objects; RSS with 50 boxes
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type ApiClient, createApiClient, isNotFound, loadKubeConfig } from '../controller/kube/api-client.ts';
import type { KubeList, KubeObject } from '../controller/kube/object.ts';
import { type ControlPlane, startControlPlane } from '../e2e/control-plane/control-plane.ts';
import { createCrd, testCrd } from '../e2e/support/crds.ts';
import { eventually } from '../e2e/support/wait.ts';
import { median, percentile } from './stats.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '3' },
    workers: { type: 'string', default: '8' },
    'steady-seconds': { type: 'string', default: '60' },
    boxes: { type: 'string', default: '50' },
    // Events are writes the floor does not make; --events false measures the controller without them.
    events: { type: 'string', default: 'true' },
    // `--only memory` skips the floor, latency and steady-state runs: RSS and heap figures only.
    only: { type: 'string' },
  },
});
if (values.only !== undefined && values.only !== 'memory')
  throw new Error(`--only ${values.only}: only "memory" is known`);
const MEMORY_ONLY = values.only === 'memory';
const N = Number(values.n);
const RUNS = Number(values.runs);
const WORKERS = Number(values.workers);
const STEADY_S = Number(values['steady-seconds']);
const BOXES = Number(values.boxes);
const EVENTS = values.events !== 'false';
const GROUP = 'bench.orkestra.io';
const NS = 'bench';

// ---------- cluster and controller plumbing ----------

// A bench interrupted mid-run still tears down the control plane it started.
const live = new Set<ControlPlane>();
async function controlPlane(): Promise<ControlPlane> {
  const cp = await startControlPlane({ controllerManager: false });
  live.add(cp);
  const stop = cp.stop;
  return {
    ...cp,
    async stop() {
      live.delete(cp);
      await stop();
    },
  };
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.all([...live].map((cp) => cp.stop())).finally(() => process.exit(130));
  });
}

async function installOrkestraCrds(kubeconfig: string) {
  await run('kubectl', ['--kubeconfig', kubeconfig, 'apply', '--server-side', '-f', `${root}crds/`]);
  await run('kubectl', ['--kubeconfig', kubeconfig, 'wait', '--for=condition=Established', '-f', `${root}crds/`]);
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    c.stderr.on('data', (d) => {
      err += d;
    });
    c.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')}: ${err}`))));
  });
}

interface Controller {
  readonly pid: number;
  readonly url: string;
  stop(): Promise<void>;
}

async function startController(kubeconfig: string): Promise<Controller> {
  const child: ChildProcess = spawn(
    `${root}bin/orkestra`,
    ['run', '--kubeconfig', kubeconfig, '--listen', '127.0.0.1:0'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let logs = '';
  let exited = false;
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    logs += d;
  });
  child.on('exit', () => {
    exited = true;
  });
  const address = await eventually(
    'controller listening',
    () => {
      if (exited) throw new Error(`controller exited:\n${logs}`);
      for (const line of logs.split('\n')) {
        if (!line.includes('serving health')) continue;
        return (JSON.parse(line) as { address?: string }).address;
      }
      return undefined;
    },
    30_000,
  );
  return {
    pid: child.pid ?? 0,
    url: `http://${address}`,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      await eventually('controller exit', () => exited, 15_000).catch(() => child.kill('SIGKILL'));
      const errors = logs.split('\n').filter((l) => l.includes('"level":"error"'));
      if (errors.length > 0)
        console.error(`controller logged ${errors.length} errors, e.g.:\n${errors.slice(0, 3).join('\n')}`);
    },
  };
}

async function scrape(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

function sum(samples: Map<string, number>, prefix: string, filter: (series: string) => boolean = () => true): number {
  let total = 0;
  for (const [k, v] of samples) if (k.startsWith(prefix) && filter(k)) total += v;
  return total;
}

const writesOf = (m: Map<string, number>) =>
  sum(m, 'rest_client_requests_total{', (k) => !/method="(GET|WATCH)"/.test(k));
const reconcilesOf = (m: Map<string, number>) => sum(m, 'controller_runtime_reconcile_total{');

async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

// ---------- the workload ----------

function benchKatalog(name: string, kind: string): KubeObject {
  return {
    apiVersion: 'orkestra.orkspace.io/v1alpha1',
    kind: 'Katalog',
    metadata: { name },
    spec: {
      crds: {
        app: {
          apiTypes: { group: GROUP, version: 'v1', kind },
          operatorBox: {
            emit: { events: EVENTS },
            reconcile: {
              workers: WORKERS,
              onReconcile: {
                configMaps: [
                  { name: '{{ .metadata.name }}-config', data: { value: '{{ .spec.value }}' }, reconcile: true },
                ],
                services: [{ name: '{{ .metadata.name }}', port: 80, targetPort: 8080, reconcile: true }],
                secrets: [
                  { name: '{{ .metadata.name }}-secret', stringData: { token: '{{ .spec.value }}' }, reconcile: true },
                ],
              },
            },
          },
        },
      },
    },
  };
}

async function apply(client: ApiClient, path: string, body: KubeObject, manager = 'bench') {
  return client.request<KubeObject>({
    method: 'PATCH',
    path,
    query: { fieldManager: manager, force: true },
    contentType: 'application/apply-patch+yaml',
    body,
  });
}

async function pool<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await fn(item);
      }
    }),
  );
}

const names = () => Array.from({ length: N }, (_, i) => `app-${i}`);
const crBody = (kind: string, name: string): KubeObject => ({
  apiVersion: `${GROUP}/v1`,
  kind,
  metadata: { name, namespace: NS },
  spec: { value: `v-${name}` },
});

async function setup(cp: ControlPlane, kinds: string[]) {
  const client = createApiClient(loadKubeConfig(cp.kubeconfigPath));
  await installOrkestraCrds(cp.kubeconfigPath);
  for (const kind of kinds) await createCrd(client, testCrd(GROUP, kind));
  await client.request({
    method: 'POST',
    path: '/api/v1/namespaces',
    body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
  });
  return client;
}

async function readyCount(client: ApiClient, plural: string): Promise<number> {
  const list = await client.request<
    KubeList<KubeObject & { status?: { conditions?: { type: string; status: string }[] } }>
  >({
    method: 'GET',
    path: `/apis/${GROUP}/v1/namespaces/${NS}/${plural}`,
  });
  return list.items.filter((o) => o.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
}

interface ControllerRun {
  convergeMs: number;
  idleRss: number;
  rssPer1000: number;
  heapPer1000: number;
  steady?: { writesPerMin: number; reconcilesPerMin: number };
  drift?: number[];
}

async function controllerRun(withExtras: boolean): Promise<ControllerRun> {
  const cp = await controlPlane();
  try {
    const client = await setup(cp, ['Bapp']);
    const controller = await startController(cp.kubeconfigPath);
    try {
      await apply(client, '/apis/orkestra.orkspace.io/v1alpha1/katalogs/bench', benchKatalog('bench', 'Bapp'));
      await eventually(
        'box Running',
        async () => {
          const k = await client.request<{ status?: { runningBoxes?: number } }>({
            method: 'GET',
            path: '/apis/orkestra.orkspace.io/v1alpha1/katalogs/bench',
          });
          return k.status?.runningBoxes === 1;
        },
        30_000,
      );
      const idle = await scrape(controller.url);
      const idleRss = await rssBytes(controller.pid);
      const started = performance.now();
      await pool(names(), WORKERS, async (name) => {
        await client.request({
          method: 'POST',
          path: `/apis/${GROUP}/v1/namespaces/${NS}/bapps`,
          body: crBody('Bapp', name),
        });
      });
      await eventually('all Ready', async () => (await readyCount(client, 'bapps')) === N, 600_000, 100);
      const convergeMs = performance.now() - started;
      const metrics = await scrape(controller.url);
      const objects = N * 4; // each CR and its 3 children sit in the controller's caches
      // Growth over the idle process (box running, no objects), so the runtime's fixed cost is not spread over the objects.
      const heap = (m: Map<string, number>) => m.get('nodejs_heap_size_used_bytes') ?? 0;
      const result: ControllerRun = {
        convergeMs,
        idleRss,
        rssPer1000: (((await rssBytes(controller.pid)) - idleRss) / objects) * 1000,
        heapPer1000: ((heap(metrics) - heap(idle)) / objects) * 1000,
      };
      if (withExtras) {
        await eventually(
          'controller idle',
          async () => {
            // Longer than the root controller's 5 s Katalog-status refresh, whose last write
            // (final managed count, queue depth 0) may trail convergence.
            const a = writesOf(await scrape(controller.url));
            await new Promise((r) => setTimeout(r, 6_000));
            return writesOf(await scrape(controller.url)) === a;
          },
          60_000,
          0,
        );
        const before = await scrape(controller.url);
        await new Promise((r) => setTimeout(r, STEADY_S * 1000)); // the measured window
        const after = await scrape(controller.url);
        result.steady = {
          writesPerMin: ((writesOf(after) - writesOf(before)) * 60) / STEADY_S,
          reconcilesPerMin: ((reconcilesOf(after) - reconcilesOf(before)) * 60) / STEADY_S,
        };
        result.drift = [];
        for (let i = 0; i < 50; i++) {
          const path = `/api/v1/namespaces/${NS}/configmaps/app-${i}-config`;
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
            10_000,
            5,
          );
          result.drift.push(performance.now() - t);
        }
      }
      return result;
    } finally {
      await controller.stop();
      client.close();
    }
  } finally {
    await cp.stop();
  }
}

/** The same creates, server-side applies and status patches, by a plain client, no controller. */
async function floorRun(): Promise<number> {
  const cp = await controlPlane();
  try {
    const client = await setup(cp, ['Bapp']);
    const labels = (uid: string) => ({
      'app.kubernetes.io/managed-by': 'orkestra',
      'orkestra.orkspace.io/katalog': 'bench',
      'orkestra.orkspace.io/box': 'app',
      'orkestra.orkspace.io/owner-uid': uid,
    });
    const started = performance.now();
    await pool(names(), WORKERS, async (name) => {
      const cr = await client.request<KubeObject>({
        method: 'POST',
        path: `/apis/${GROUP}/v1/namespaces/${NS}/bapps`,
        body: crBody('Bapp', name),
      });
      const uid = cr.metadata.uid ?? '';
      const meta = (n: string) => ({
        name: n,
        namespace: NS,
        labels: labels(uid),
        ownerReferences: [
          { apiVersion: `${GROUP}/v1`, kind: 'Bapp', name, uid, controller: true, blockOwnerDeletion: true },
        ],
      });
      await apply(client, `/api/v1/namespaces/${NS}/configmaps/${name}-config`, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: meta(`${name}-config`),
        data: { value: `v-${name}` },
      });
      await apply(client, `/api/v1/namespaces/${NS}/services/${name}`, {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: meta(name),
        spec: { selector: { 'orkestra.orkspace.io/workload': name }, ports: [{ port: 80, targetPort: 8080 }] },
      });
      await apply(client, `/api/v1/namespaces/${NS}/secrets/${name}-secret`, {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: meta(`${name}-secret`),
        stringData: { token: `v-${name}` },
      });
      const now = new Date().toISOString();
      await apply(client, `/apis/${GROUP}/v1/namespaces/${NS}/bapps/${name}/status`, {
        apiVersion: `${GROUP}/v1`,
        kind: 'Bapp',
        metadata: { name, namespace: NS },
        status: {
          observedGeneration: 1,
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'Reconciled',
              message: '3 children ready',
              observedGeneration: 1,
              lastTransitionTime: now,
            },
            {
              type: 'Reconciling',
              status: 'False',
              reason: 'Reconciled',
              message: '',
              observedGeneration: 1,
              lastTransitionTime: now,
            },
            {
              type: 'Stalled',
              status: 'False',
              reason: 'NotStalled',
              message: '',
              observedGeneration: 1,
              lastTransitionTime: now,
            },
          ],
        },
      });
    });
    const ms = performance.now() - started;
    client.close();
    return ms;
  } finally {
    await cp.stop();
  }
}

async function latencyRun() {
  const cp = await controlPlane();
  try {
    const kinds = Array.from({ length: 20 }, (_, i) => `Lat${i}`);
    const client = await setup(cp, kinds);
    const controller = await startController(cp.kubeconfigPath);
    try {
      const firstChild: number[] = [];
      for (const kind of kinds) {
        await client.request({
          method: 'POST',
          path: `/apis/${GROUP}/v1/namespaces/${NS}/${kind.toLowerCase()}s`,
          body: crBody(kind, 'one'),
        });
        const t = performance.now();
        await apply(
          client,
          `/apis/orkestra.orkspace.io/v1alpha1/katalogs/${kind.toLowerCase()}`,
          benchKatalog(kind.toLowerCase(), kind),
        );
        await eventually(
          'first child',
          async () => {
            try {
              await client.request({ method: 'GET', path: `/api/v1/namespaces/${NS}/configmaps/one-config` });
              return true;
            } catch (err) {
              if (isNotFound(err)) return false;
              throw err;
            }
          },
          30_000,
          5,
        );
        firstChild.push(performance.now() - t);
        await client.request({
          method: 'DELETE',
          path: `/apis/orkestra.orkspace.io/v1alpha1/katalogs/${kind.toLowerCase()}`,
        });
        await client
          .request({ method: 'DELETE', path: `/api/v1/namespaces/${NS}/configmaps/one-config` })
          .catch(() => undefined);
      }
      const crdToRunning: number[] = [];
      for (let i = 0; i < 10; i++) {
        const kind = `Late${i}`;
        const name = `late${i}`;
        await apply(client, `/apis/orkestra.orkspace.io/v1alpha1/katalogs/${name}`, benchKatalog(name, kind));
        await eventually(
          'WaitingForCRD',
          async () => {
            const k = await client.request<{ status?: { boxes?: Record<string, { phase: string }> } }>({
              method: 'GET',
              path: `/apis/orkestra.orkspace.io/v1alpha1/katalogs/${name}`,
            });
            return k.status?.boxes?.app?.phase === 'WaitingForCRD';
          },
          10_000,
          20,
        );
        const t = performance.now();
        await client.request({
          method: 'POST',
          path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
          body: testCrd(GROUP, kind),
        });
        await eventually(
          'Running',
          async () => {
            const k = await client.request<{ status?: { boxes?: Record<string, { phase: string }> } }>({
              method: 'GET',
              path: `/apis/orkestra.orkspace.io/v1alpha1/katalogs/${name}`,
            });
            return k.status?.boxes?.app?.phase === 'Running';
          },
          10_000,
          5,
        );
        crdToRunning.push(performance.now() - t);
      }
      return { firstChild, crdToRunning };
    } finally {
      await controller.stop();
      client.close();
    }
  } finally {
    await cp.stop();
  }
}

async function manyBoxesRun(): Promise<number> {
  const cp = await controlPlane();
  try {
    const kinds = Array.from({ length: BOXES }, (_, i) => `Many${i}`);
    const client = await setup(cp, kinds);
    const controller = await startController(cp.kubeconfigPath);
    try {
      // A Katalog holds at most 32 boxes (CRD schema); spread them over Katalogs of 25.
      const box = (kind: string) => (benchKatalog('x', kind).spec as { crds: { app: unknown } }).crds.app;
      const katalogs: string[] = [];
      for (let i = 0; i < kinds.length; i += 25) {
        const name = `many-${i / 25}`;
        katalogs.push(name);
        const crds = Object.fromEntries(kinds.slice(i, i + 25).map((kind) => [kind.toLowerCase(), box(kind)]));
        await apply(client, `/apis/orkestra.orkspace.io/v1alpha1/katalogs/${name}`, {
          apiVersion: 'orkestra.orkspace.io/v1alpha1',
          kind: 'Katalog',
          metadata: { name },
          spec: { crds },
        });
      }
      await eventually(
        `${BOXES} boxes Running`,
        async () => {
          let running = 0;
          for (const name of katalogs) {
            const k = await client.request<{ status?: { runningBoxes?: number } }>({
              method: 'GET',
              path: `/apis/orkestra.orkspace.io/v1alpha1/katalogs/${name}`,
            });
            running += k.status?.runningBoxes ?? 0;
          }
          return running === BOXES;
        },
        60_000,
      );
      return rssBytes(controller.pid);
    } finally {
      await controller.stop();
      client.close();
    }
  } finally {
    await cp.stop();
  }
}

// ---------- main ----------

const started = Date.now();
const controllerRuns: ControllerRun[] = [];
const floors: number[] = [];
for (let r = 0; r < RUNS; r++) {
  controllerRuns.push(await controllerRun(r === 0 && !MEMORY_ONLY));
  if (MEMORY_ONLY) continue;
  floors.push(await floorRun());
  console.error(
    `run ${r + 1}/${RUNS}: controller ${Math.round(controllerRuns.at(-1)?.convergeMs ?? 0)} ms, floor ${Math.round(floors.at(-1) ?? 0)} ms`,
  );
}
const latency = MEMORY_ONLY ? { firstChild: [], crdToRunning: [] } : await latencyRun();
const manyRss = await manyBoxesRun();

const convergeMs = median(controllerRuns.map((r) => r.convergeMs));
const floorMs = median(floors);
const first = controllerRuns[0];
const results = {
  date: new Date().toISOString(),
  parameters: {
    n: N,
    runs: RUNS,
    workers: WORKERS,
    steadySeconds: STEADY_S,
    boxes: BOXES,
    childrenPerCr: 3,
    events: EVENTS,
  },
  converge: {
    controllerMs: convergeMs,
    floorMs,
    ratio: convergeMs / floorMs,
    runs: controllerRuns.map((r) => r.convergeMs),
    floorRuns: floors,
  },
  firstChild: { p50Ms: percentile(latency.firstChild, 50), p95Ms: percentile(latency.firstChild, 95) },
  crdToRunning: { p50Ms: percentile(latency.crdToRunning, 50), p95Ms: percentile(latency.crdToRunning, 95) },
  drift: { p50Ms: percentile(first?.drift ?? [], 50), p99Ms: percentile(first?.drift ?? [], 99) },
  steady: first?.steady,
  memory: {
    rssPer1000ObjectsMiB: median(controllerRuns.map((r) => r.rssPer1000)) / 2 ** 20,
    heapPer1000ObjectsMiB: median(controllerRuns.map((r) => r.heapPer1000)) / 2 ** 20,
    idleRssMiB: median(controllerRuns.map((r) => r.idleRss)) / 2 ** 20,
    rssWithBoxesMiB: manyRss / 2 ** 20,
  },
  durationS: (Date.now() - started) / 1000,
};

const f = (n: number | undefined, d = 0) => (n === undefined ? 'n/a' : n.toFixed(d));
const memoryRows: [string, string][] = [
  ['RSS of the idle controller (1 box, no objects)', `${f(results.memory.idleRssMiB, 1)} MiB`],
  ['RSS growth per 1,000 managed objects', `${f(results.memory.rssPer1000ObjectsMiB, 1)} MiB`],
  ['heap growth per 1,000 managed objects', `${f(results.memory.heapPer1000ObjectsMiB, 1)} MiB`],
  [`RSS with ${BOXES} boxes (no CRs)`, `${f(results.memory.rssWithBoxesMiB, 1)} MiB`],
];
const rows: [string, string][] = MEMORY_ONLY
  ? memoryRows
  : [
      [`converge ${N} CRs x 3 children (controller)`, `${f(convergeMs)} ms`],
      ['converge floor (plain client, same writes)', `${f(floorMs)} ms`],
      ['converge ratio (controller / floor)', `${f(results.converge.ratio, 2)}x`],
      [
        'Katalog applied -> first child (p50 / p95)',
        `${f(results.firstChild.p50Ms)} / ${f(results.firstChild.p95Ms)} ms`,
      ],
      [
        'CRD applied -> box Running (p50 / p95)',
        `${f(results.crdToRunning.p50Ms)} / ${f(results.crdToRunning.p95Ms)} ms`,
      ],
      ['child deleted -> recreated (p50 / p99)', `${f(results.drift.p50Ms)} / ${f(results.drift.p99Ms)} ms`],
      ['steady state: writes per minute', f(results.steady?.writesPerMin)],
      ['steady state: reconciles per minute', f(results.steady?.reconcilesPerMin)],
      ...memoryRows,
    ];
const md = [
  `| measure (median of ${RUNS} runs, ${WORKERS} workers) | value |`,
  '| --- | --- |',
  ...rows.map(([k, v]) => `| ${k} | ${v} |`),
].join('\n');
console.log(md);
console.log(`\n(bench took ${f(results.durationS)} s)`);
const dir = `${root}bench/results`;
await mkdir(dir, { recursive: true });
await writeFile(`${dir}/latest.json`, `${JSON.stringify(results, null, 2)}\n`);
await writeFile(`${dir}/latest.md`, `${md}\n`);
