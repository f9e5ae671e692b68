// Resident memory of a real `orkestra run` process against the control plane in $KUBECONFIG (e.g.
// `make cluster-up`, or under `node e2e/control-plane/cli.ts exec --`): RSS and V8 heap once the
// boxes are Running and the process has settled, then again with --crs custom resources (3
// children each) converged. Quicker to repeat than `bench.ts --only memory`, which starts a fresh
// control plane per figure; the controller runs with the same flags as there.
//
//   node bench/memory-probe.ts [--boxes 1] [--crs 0] [--runs 3] [--settle-seconds 5] [--snapshot DIR]
//
// --snapshot writes a heap snapshot of the settled process (idle, and converged with --crs) into
// DIR, through Node's --heapsnapshot-signal. NODE_OPTIONS reaches the controller, so V8 flags can
// be tried without editing bin/orkestra.
import { readFileSync } from 'node:fs';
import { mkdir, readdir, rename } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type ApiClient, createApiClient, loadKubeConfig } from '../controller/kube/api-client.ts';
import type { KubeList, KubeObject } from '../controller/kube/object.ts';
import { applyProjectCrds, createCrd, testCrd } from '../e2e/support/crds.ts';
import { serverSideApply } from '../e2e/support/custom-resources.ts';
import { testKubeconfig } from '../e2e/support/kubectl.ts';
import { type OrkestraProcess, startOrkestra } from '../e2e/support/orkestra-process.ts';
import { eventually } from '../e2e/support/wait.ts';
import { median } from './stats.ts';

const { values } = parseArgs({
  options: {
    boxes: { type: 'string', default: '1' },
    crs: { type: 'string', default: '0' },
    runs: { type: 'string', default: '3' },
    'settle-seconds': { type: 'string', default: '5' },
    snapshot: { type: 'string' },
  },
});
const BOXES = Number(values.boxes);
const CRS = Number(values.crs);
const RUNS = Number(values.runs);
const SETTLE_MS = Number(values['settle-seconds']) * 1000;
const SNAPSHOT_DIR = values.snapshot === undefined ? undefined : resolve(values.snapshot);
const GROUP = 'memory-probe.orkestra.io';
// A namespace per probe: deleting it (the namespace and garbage collectors of the control plane)
// takes the custom resources and their children away without waiting for them here.
const NS = `memory-probe-${Date.now().toString(36)}`;
const KATALOG_PATH = (name: string) => `/apis/orkestra.orkspace.io/v1alpha1/katalogs/${name}`;
const MiB = 2 ** 20;

const kinds = Array.from({ length: BOXES }, (_, i) => `Probe${i}`);
/** The bench's box: a ConfigMap, a Service and a Secret per custom resource. */
const box = (kind: string) => ({
  apiTypes: { group: GROUP, version: 'v1', kind },
  operatorBox: {
    reconcile: {
      workers: 8,
      onReconcile: {
        configMaps: [{ name: '{{ .metadata.name }}-config', data: { value: '{{ .spec.value }}' }, reconcile: true }],
        services: [{ name: '{{ .metadata.name }}', port: 80, targetPort: 8080, reconcile: true }],
        secrets: [{ name: '{{ .metadata.name }}-secret', stringData: { token: '{{ .spec.value }}' }, reconcile: true }],
      },
    },
  },
});
// A Katalog holds at most 32 boxes (CRD schema); spread them over Katalogs of 25.
const katalogs = Array.from({ length: Math.ceil(BOXES / 25) }, (_, i) => ({
  name: `memory-probe-${i}`,
  crds: Object.fromEntries(kinds.slice(i * 25, i * 25 + 25).map((kind) => [kind.toLowerCase(), box(kind)])),
}));
const crPath = (name?: string) => `/apis/${GROUP}/v1/namespaces/${NS}/probe0s${name ? `/${name}` : ''}`;

async function prepare(client: ApiClient) {
  await applyProjectCrds();
  for (const kind of kinds) {
    await createCrd(client, testCrd(GROUP, kind)).catch((err: unknown) => {
      if (!String(err).includes('409')) throw err; // left by an earlier probe
    });
  }
  await client
    .request({
      method: 'POST',
      path: '/api/v1/namespaces',
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
    })
    .catch((err: unknown) => {
      if (!String(err).includes('409')) throw err;
    });
}

async function runningBoxes(client: ApiClient): Promise<number> {
  let running = 0;
  for (const k of katalogs) {
    const got = await client.request<{ status?: { runningBoxes?: number } }>({
      method: 'GET',
      path: KATALOG_PATH(k.name),
    });
    running += got.status?.runningBoxes ?? 0;
  }
  return running;
}

async function heapUsed(orkestra: OrkestraProcess): Promise<number> {
  const text = await (await fetch(`${await orkestra.baseUrl()}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('nodejs_heap_size_used_bytes '));
  return Number(line?.split(' ')[1] ?? Number.NaN);
}

/** Waits `SETTLE_MS`, then the median of RSS samples taken over one more second. */
async function settledRss(orkestra: OrkestraProcess): Promise<number> {
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    samples.push(orkestra.rss());
    await new Promise((r) => setTimeout(r, 200));
  }
  return median(samples);
}

async function snapshot(orkestra: OrkestraProcess, cwd: string, label: string) {
  if (!SNAPSHOT_DIR) return;
  const before = new Set(await readdir(cwd));
  orkestra.child.kill('SIGUSR2');
  const written = await eventually(
    'the heap snapshot',
    async () => (await readdir(cwd)).find((f) => f.endsWith('.heapsnapshot') && !before.has(f)),
    120_000,
    500,
  );
  // The file is complete once its size stops changing.
  await new Promise((r) => setTimeout(r, 2_000));
  await rename(join(cwd, written), join(SNAPSHOT_DIR, `${label}.heapsnapshot`));
}

interface Figures {
  idleRss: number;
  idleHeap: number;
  loadedRss?: number;
  loadedHeap?: number;
  /** Wall and controller CPU time from the first create to all Ready. */
  convergeMs?: number;
  convergeCpuMs?: number;
}

/** User + system CPU time of a process so far, from /proc/PID/stat. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}
const CLOCK_TICKS = 100;

async function probe(client: ApiClient, run: number): Promise<Figures> {
  if (SNAPSHOT_DIR) await mkdir(SNAPSHOT_DIR, { recursive: true });
  const cwd = SNAPSHOT_DIR ?? process.cwd();
  if (SNAPSHOT_DIR) {
    process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --heapsnapshot-signal=SIGUSR2`.trim();
    process.chdir(cwd); // the controller writes its snapshots into its working directory
  }
  const orkestra = startOrkestra(['--listen', '127.0.0.1:0', '--webhook-listen', '127.0.0.1:0']);
  try {
    // A loaded machine can take longer to start the controller than baseUrl() waits.
    await eventually(
      'orkestra to listen',
      () => orkestra.lines.some((l) => l.msg === 'serving health, metrics and API'),
      120_000,
    );
    for (const k of katalogs) {
      await serverSideApply(client, KATALOG_PATH(k.name), {
        apiVersion: 'orkestra.orkspace.io/v1alpha1',
        kind: 'Katalog',
        metadata: { name: k.name },
        spec: { crds: k.crds },
      });
    }
    await eventually(`${BOXES} boxes Running`, async () => (await runningBoxes(client)) === BOXES, 60_000);
    const figures: Figures = { idleRss: await settledRss(orkestra), idleHeap: await heapUsed(orkestra) };
    await snapshot(orkestra, cwd, `run${run}-idle`);
    if (CRS > 0) {
      const names = Array.from({ length: CRS }, (_, i) => `cr-${i}`);
      const pid = orkestra.child.pid ?? 0;
      const [startCpu, started] = [cpuMs(pid), performance.now()];
      for (let i = 0; i < names.length; i += 8) {
        await Promise.all(
          names.slice(i, i + 8).map((name) =>
            client.request({
              method: 'POST',
              path: crPath(),
              body: {
                apiVersion: `${GROUP}/v1`,
                kind: 'Probe0',
                metadata: { name, namespace: NS },
                spec: { value: `v-${name}` },
              },
            }),
          ),
        );
      }
      await eventually(
        `${CRS} custom resources Ready`,
        async () => {
          const list = await client.request<
            KubeList<KubeObject & { status?: { conditions?: { type: string; status: string }[] } }>
          >({
            method: 'GET',
            path: crPath(),
          });
          return (
            list.items.filter((o) => o.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
              .length === CRS
          );
        },
        600_000,
        500,
      );
      figures.convergeMs = performance.now() - started;
      figures.convergeCpuMs = cpuMs(pid) - startCpu;
      figures.loadedRss = await settledRss(orkestra);
      figures.loadedHeap = await heapUsed(orkestra);
      await snapshot(orkestra, cwd, `run${run}-loaded`);
      await client.request({ method: 'DELETE', path: crPath() });
      await eventually(
        'the custom resources gone',
        async () => (await client.request<KubeList<KubeObject>>({ method: 'GET', path: crPath() })).items.length === 0,
        600_000,
        500,
      );
    }
    return figures;
  } finally {
    for (const k of katalogs) await client.request({ method: 'DELETE', path: KATALOG_PATH(k.name) }).catch(() => {});
    await orkestra.stop();
  }
}

const client = createApiClient(loadKubeConfig(testKubeconfig()));
await prepare(client);
const runs: Figures[] = [];
for (let r = 0; r < RUNS; r++) {
  const f = await probe(client, r);
  runs.push(f);
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const loaded =
    f.loadedRss === undefined
      ? ''
      : `, with ${CRS} CRs ${(f.loadedRss / MiB).toFixed(1)} MiB (heap ${((f.loadedHeap ?? 0) / MiB).toFixed(1)} MiB), converged in ${Math.round(f.convergeMs ?? 0)} ms using ${Math.round(f.convergeCpuMs ?? 0)} ms CPU`;
  console.log(
    `run ${r + 1}: ${BOXES} boxes idle RSS ${(f.idleRss / MiB).toFixed(1)} MiB (heap ${(f.idleHeap / MiB).toFixed(1)} MiB)${loaded}; load ${load}`,
  );
}
const per1000 = (pick: (f: Figures) => number | undefined, base: (f: Figures) => number) =>
  median(runs.map((f) => (((pick(f) ?? 0) - base(f)) / (CRS * 4)) * 1000)) / MiB;
console.log(
  JSON.stringify({
    boxes: BOXES,
    crs: CRS,
    runs: RUNS,
    nodeOptions: process.env.NODE_OPTIONS ?? '',
    idleRssMiB: +(median(runs.map((f) => f.idleRss)) / MiB).toFixed(1),
    idleHeapMiB: +(median(runs.map((f) => f.idleHeap)) / MiB).toFixed(1),
    ...(CRS > 0
      ? {
          loadedRssMiB: +(median(runs.map((f) => f.loadedRss ?? 0)) / MiB).toFixed(1),
          rssPer1000ObjectsMiB: +per1000(
            (f) => f.loadedRss,
            (f) => f.idleRss,
          ).toFixed(2),
          heapPer1000ObjectsMiB: +per1000(
            (f) => f.loadedHeap,
            (f) => f.idleHeap,
          ).toFixed(2),
        }
      : {}),
    loadavg: loadavg().map((l) => +l.toFixed(2)),
  }),
);
await client.request({ method: 'DELETE', path: `/api/v1/namespaces/${NS}` });
client.close();
