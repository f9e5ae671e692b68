// Scale-out with `orkestra run --shard`, against the local control plane (a fresh one per row):
//
//   node bench/replicas.ts [--replicas 1,2,4] [--boxes 32] [--per-box 200]
//       converge: B boxes x N custom resources (one ConfigMap child each), from the first create
//       to every resource Ready, with 1, 2, 4 ... replicas (1 = the default, unsharded); per
//       replica: RSS at the end and CPU seconds spent while converging.
//   node bench/replicas.ts --failover [--kills 10] [--boxes 32] [--per-box 10]
//       four sharded replicas; one holding boxes is SIGKILLed, --kills times (a fresh replica
//       joins after each): time from the kill until every box it ran has started on a survivor
//       (the survivors' own log times), p50 and max.
//
// Lease timings default to 4s / 3s / 0.5s (--lease-duration, --renew-deadline, --retry-period, in
// ms) so the run stays short; failover scales with the lease duration. The machine's load
// average is printed beside every figure: on a shared machine the numbers are noisy.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { type ApiClient, createApiClient, loadKubeConfig } from '../controller/kube/api-client.ts';
import type { KubeObject } from '../controller/kube/object.ts';
import { type ControlPlane, startControlPlane } from '../e2e/control-plane/control-plane.ts';
import {
  boxHolders,
  countBy,
  createBoxes,
  installOrkestraCrds,
  plural,
  type Replica,
  startReplica,
} from '../e2e/support/shard-fixture.ts';
import { eventually } from '../e2e/support/wait.ts';
import { median, percentile } from './stats.ts';

const { values } = parseArgs({
  options: {
    replicas: { type: 'string', default: '1,2,4' },
    boxes: { type: 'string', default: '32' }, // the most one Katalog holds (its CRD schema)
    'per-box': { type: 'string' },
    failover: { type: 'boolean', default: false },
    kills: { type: 'string', default: '10' },
    'lease-duration': { type: 'string', default: '4000' },
    'renew-deadline': { type: 'string', default: '3000' },
    'retry-period': { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '16' },
  },
});
const BOXES = Number(values.boxes);
const PER_BOX = Number(values['per-box'] ?? (values.failover ? 10 : 200));
const TIMING = {
  leaseDurationMs: Number(values['lease-duration']),
  renewDeadlineMs: Number(values['renew-deadline']),
  retryMs: Number(values['retry-period']),
};
const GROUP = 'replicas.bench.orkestra.io';
const KATALOG = 'replicas-bench';
const LEASE = 'orkestra-bench';
const NS = 'default';

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** utime + stime of a process, in seconds (Linux, USER_HZ = 100). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function rssMiB(pid: number): number {
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

async function pool<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

async function cluster(): Promise<{ cp: ControlPlane; client: ApiClient }> {
  const cp = await startControlPlane({ controllerManager: false });
  await installOrkestraCrds(cp.kubeconfigPath);
  const client = createApiClient(loadKubeConfig(cp.kubeconfigPath));
  await client.request({
    method: 'POST',
    path: '/apis/orkestra.orkspace.io/v1alpha1/katalogs',
    body: await createBoxes(client, GROUP, KATALOG, BOXES),
  });
  return { cp, client };
}

const crPath = (i: number) => `/apis/${GROUP}/v1/namespaces/${NS}/${plural(i)}`;

async function createCrs(client: ApiClient, perBox: number) {
  const items = Array.from({ length: BOXES * perBox }, (_, n) => ({ box: n % BOXES, j: Math.floor(n / BOXES) }));
  await pool(items, Number(values.concurrency), async ({ box, j }) => {
    await client.request({
      method: 'POST',
      path: crPath(box),
      body: {
        apiVersion: `${GROUP}/v1`,
        kind: `Shard${box}`,
        metadata: { name: `r${j}` },
        spec: { round: '1' },
      },
    });
  });
}

async function readyCount(client: ApiClient): Promise<number> {
  let ready = 0;
  await pool(
    Array.from({ length: BOXES }, (_, i) => i),
    8,
    async (i) => {
      const list = await client.request<{
        items: (KubeObject & { status?: { conditions?: { type: string; status: string }[] } })[];
      }>({
        method: 'GET',
        path: crPath(i),
      });
      ready += list.items.filter((o) =>
        o.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      ).length;
    },
  );
  return ready;
}

async function allBoxesRunning(client: ApiClient): Promise<boolean> {
  const k = await client.request<{ status?: { runningBoxes?: number } }>({
    method: 'GET',
    path: `/apis/orkestra.orkspace.io/v1alpha1/katalogs/${KATALOG}`,
  });
  return k.status?.runningBoxes === BOXES;
}

function stopAll(replicas: readonly Replica[]) {
  for (const r of replicas) if (!r.exited) r.child.kill('SIGKILL');
}

async function convergeRow(count: number) {
  const { cp, client } = await cluster();
  const replicas = Array.from({ length: count }, (_, i) =>
    startReplica(`replica-${i}`, LEASE, { kubeconfig: cp.kubeconfigPath, shard: count > 1, ...TIMING }),
  );
  try {
    await eventually('every box Running', () => allBoxesRunning(client), 180_000, 250);
    if (count > 1)
      await eventually(
        'the boxes spread',
        async () => {
          const counts = [...countBy((await boxHolders(client, 'default', LEASE)).values()).values()];
          return counts.length === count && Math.max(...counts) - Math.min(...counts) <= 1;
        },
        120_000,
        250,
      );
    const cpuBefore = replicas.map((r) => cpuSeconds(r.child.pid as number));
    const started = performance.now();
    await createCrs(client, PER_BOX);
    await eventually(
      'every custom resource Ready',
      async () => (await readyCount(client)) === BOXES * PER_BOX,
      1_800_000,
      1_000,
    );
    const convergeS = (performance.now() - started) / 1000;
    const cpu = replicas.map((r, i) => cpuSeconds(r.child.pid as number) - (cpuBefore[i] ?? 0));
    const rss = replicas.map((r) => rssMiB(r.child.pid as number));
    return { replicas: count, convergeS, rss, cpu, load: load() };
  } finally {
    stopAll(replicas);
    client.close();
    await cp.stop();
  }
}

async function failover() {
  const { cp, client } = await cluster();
  let serial = 0;
  const start = () => startReplica(`replica-${serial++}`, LEASE, { kubeconfig: cp.kubeconfigPath, ...TIMING });
  const replicas = [start(), start(), start(), start()];
  const spread = () =>
    eventually(
      'four replicas sharing the boxes',
      async () => {
        const h = await boxHolders(client, 'default', LEASE);
        const live = new Set(replicas.filter((r) => !r.exited).map((r) => r.name));
        const counts = [...countBy([...h.values()].filter((x) => live.has(x))).values()];
        return h.size === BOXES && counts.length === 4 && Math.max(...counts) - Math.min(...counts) <= 1
          ? h
          : undefined;
      },
      180_000,
      250,
    );
  const times: number[] = [];
  try {
    await eventually('every box Running', () => allBoxesRunning(client), 180_000, 250);
    await createCrs(client, PER_BOX);
    for (let k = 0; k < Number(values.kills); k++) {
      const holders = await spread();
      const live = replicas.filter((r) => !r.exited);
      const victim = live[k % live.length] as Replica;
      const orphaned = [...holders].filter(([, h]) => h === victim.name).map(([b]) => b);
      const killedAt = Date.now();
      victim.child.kill('SIGKILL');
      const survivors = live.filter((r) => r !== victim);
      const startedAt = await eventually(
        'the boxes of the killed replica to start elsewhere',
        () => {
          const t = orphaned.map((b) => {
            const line = survivors
              .flatMap((s) => s.lines)
              .find((l) => l.msg === 'box started' && l.box === b && Date.parse(String(l.ts)) >= killedAt);
            return line ? Date.parse(String(line.ts)) : undefined;
          });
          return t.every((x) => x !== undefined) ? (t as number[]) : undefined;
        },
        10 * TIMING.leaseDurationMs,
        20,
      );
      const ms = Math.max(...startedAt) - killedAt;
      times.push(ms);
      console.log(
        `kill ${k + 1}: ${orphaned.length} boxes of ${victim.name} running elsewhere after ${ms} ms (load ${load()})`,
      );
      replicas.push(start());
    }
    return times;
  } finally {
    stopAll(replicas);
    client.close();
    await cp.stop();
  }
}

if (values.failover) {
  console.log(
    `failover: 4 replicas, ${BOXES} boxes x ${PER_BOX} CRs, lease ${TIMING.leaseDurationMs} ms / renew ${TIMING.renewDeadlineMs} ms / retry ${TIMING.retryMs} ms`,
  );
  const times = await failover();
  console.log(
    `failover over ${times.length} kills: p50 ${median(times)} ms, p90 ${percentile(times, 90)} ms, max ${Math.max(...times)} ms (load ${load()})`,
  );
} else {
  console.log(`converge: ${BOXES} boxes x ${PER_BOX} CRs (one ConfigMap child each)`);
  console.log('| replicas | converge s | RSS MiB per replica | CPU s per replica | load avg 1/5/15 |');
  console.log('|---|---|---|---|---|');
  for (const count of values.replicas.split(',').map(Number)) {
    const r = await convergeRow(count);
    console.log(
      `| ${r.replicas} | ${r.convergeS.toFixed(1)} | ${r.rss.map((x) => x.toFixed(0)).join(' / ')} | ${r.cpu.map((x) => x.toFixed(1)).join(' / ')} | ${r.load} |`,
    );
  }
}
process.exit(0);
