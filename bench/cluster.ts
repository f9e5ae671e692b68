// The benchmark's plumbing: fresh control planes (torn down even when the bench is interrupted),
// the controller processes it measures (RSS and CPU from /proc), their Prometheus metrics, and the
// small client helpers every subject shares.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type ApiClient, createApiClient, loadKubeConfig } from '../controller/kube/api-client.ts';
import type { KubeObject } from '../controller/kube/object.ts';
import { type ControlPlane, startControlPlane } from '../e2e/control-plane/control-plane.ts';
import { eventually } from '../e2e/support/wait.ts';

export const root = fileURLToPath(new URL('..', import.meta.url));

const live = new Set<ControlPlane>();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.all([...live].map((cp) => cp.stop())).finally(() => process.exit(130));
  });
}

/**
 * A fresh control plane with kube-controller-manager, whose Deployment controller makes the
 * Websites' Deployments Available. Its client rate limit (20 QPS by default) is lifted, so it never
 * paces the controllers under test.
 */
export async function controlPlane(): Promise<ControlPlane> {
  const cp = await startControlPlane({ controllerManagerArgs: ['--kube-api-qps=5000', '--kube-api-burst=5000'] });
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

export function clientOf(cp: ControlPlane): ApiClient {
  return createApiClient(loadKubeConfig(cp.kubeconfigPath));
}

export function run(cmd: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    c.stdout.on('data', (d) => {
      out += d;
    });
    c.stderr.on('data', (d) => {
      err += d;
    });
    c.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')}: ${err}`))));
  });
}

/** A controller under measurement: its process, metrics endpoint, and how to count its work. */
export interface Controller {
  readonly name: string;
  readonly pid: number;
  readonly metricsUrl: string;
  /** The flags it was started with, printed beside the results. */
  readonly flags: readonly string[];
  writes(m: Metrics): number;
  reconciles(m: Metrics): number;
  stop(): Promise<void>;
}

export interface Process {
  readonly pid: number;
  /** Everything the process wrote to stderr and stdout so far. */
  logs(): string;
  exited(): boolean;
  stop(): Promise<void>;
}

export function startProcess(cmd: string, args: readonly string[]): Process {
  const child: ChildProcess = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let logs = '';
  let exited = false;
  const collect = (d: string) => {
    // Keep the head (start-up) and a bounded tail: a controller logging per reconcile must not grow the bench's heap.
    logs = logs.length > 4_000_000 ? `${logs.slice(0, 1_000_000)}…${logs.slice(-1_000_000)}${d}` : logs + d;
  };
  child.stderr?.setEncoding('utf8').on('data', collect);
  child.stdout?.setEncoding('utf8').on('data', collect);
  child.on('exit', () => {
    exited = true;
  });
  return {
    pid: child.pid ?? 0,
    logs: () => logs,
    exited: () => exited,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      await eventually('process exit', () => exited, 15_000).catch(() => child.kill('SIGKILL'));
    },
  };
}

export type Metrics = Map<string, number>;

export async function scrape(url: string): Promise<Metrics> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out: Metrics = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

export function sum(samples: Metrics, prefix: string, filter: (series: string) => boolean = () => true): number {
  let total = 0;
  for (const [k, v] of samples) if (k.startsWith(prefix) && filter(k)) total += v;
  return total;
}

/** Non-read requests the process made, from client-go's (or Orkestra's same-named) request counter. */
export const clientWrites = (m: Metrics) =>
  sum(m, 'rest_client_requests_total{', (k) => !/method="(GET|WATCH|LIST)"/.test(k));

export async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

/** User + system CPU seconds the process has used (fields 14 and 15 of /proc/PID/stat, in clock ticks). */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; the fields after it start past the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / 100; // USER_HZ is 100 on Linux
}

/** Server-side apply of `body` (any object with apiVersion, kind and metadata). */
export async function apply(client: ApiClient, path: string, body: object, manager = 'bench') {
  return client.request<KubeObject>({
    method: 'PATCH',
    path,
    query: { fieldManager: manager, force: true },
    contentType: 'application/apply-patch+yaml',
    body,
  });
}

export async function createNamespace(client: ApiClient, name: string) {
  await client.request({
    method: 'POST',
    path: '/api/v1/namespaces',
    body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
  });
}

/** Runs `fn` over the items with at most `concurrency` in flight. */
export async function pool<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>) {
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

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The 1-minute load average, printed beside every figure: the machine is shared. */
export function loadAverage(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}

/** The commit measured, with `+dirty` when the worktree has changes. */
export async function commitMeasured(): Promise<string> {
  const head = (await run('git', ['-C', root, 'rev-parse', '--short', 'HEAD'])).trim();
  const dirty = (await run('git', ['-C', root, 'status', '--porcelain', '--untracked-files=no'])).trim();
  return dirty ? `${head}+dirty` : head;
}

/**
 * Runs one measurement on its own fresh control plane, once more if it fails: on a machine this
 * loaded a start-up can miss a deadline, and a long bench should not lose every figure to one
 * such miss. The failure is printed; a second failure ends the bench.
 */
export async function onFreshControlPlane<T>(
  label: string,
  fn: (cp: ControlPlane, client: ApiClient) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const cp = await controlPlane();
    const client = clientOf(cp);
    try {
      return await fn(cp, client);
    } catch (err) {
      if (attempt >= 2) throw err;
      console.error(
        `${label} failed, retrying on a fresh control plane (load ${loadAverage()}): ${(err as Error).message}`,
      );
    } finally {
      client.close();
      await cp.stop();
    }
  }
}

/**
 * Server-side applies the CRDs in `dir` and waits until they are Established. The wait is retried:
 * right after an apply, `kubectl wait` fails on a CRD whose status is not written yet.
 */
export async function applyCrds(kubeconfig: string, dir: string) {
  await run('kubectl', ['--kubeconfig', kubeconfig, 'apply', '--server-side', '-f', dir]);
  await eventually(
    `CRDs in ${dir} Established`,
    () =>
      run('kubectl', [
        '--kubeconfig',
        kubeconfig,
        'wait',
        '--for=condition=Established',
        '--timeout=60s',
        '-f',
        dir,
      ]).then(() => true),
    120_000,
    500,
  );
}
