// Orkestra as a subject of the benchmark: its CRDs, the `orkestra run` process, and the Website
// Katalog.
import type { ApiClient } from '../controller/kube/api-client.ts';
import { isNotFound } from '../controller/kube/api-client.ts';
import type { KubeObject } from '../controller/kube/object.ts';
import type { ControlPlane } from '../e2e/control-plane/control-plane.ts';
import { eventually } from '../e2e/support/wait.ts';
import { apply, applyCrds, clientWrites, createNamespace, root, startProcess, sum } from './cluster.ts';
import type { Peer } from './peer.ts';
import { type KatalogOptions, orkestraSubject, type Subject, websiteKatalog } from './workload.ts';

const katalogPath = (name: string) => `/apis/orkestra.orkspace.io/v1alpha1/katalogs/${name}`;

export async function installOrkestraCrds(kubeconfig: string) {
  await applyCrds(kubeconfig, `${root}crds/`);
}

export function orkestraPeer(options: KatalogOptions): Peer {
  return {
    name: 'orkestra',
    benchOwnsCrd: true,
    subject: orkestraSubject,
    async prepare(cp, client) {
      await installOrkestraCrds(cp.kubeconfigPath);
      await createNamespace(client, orkestraSubject().namespace);
    },
    async start(cp: ControlPlane) {
      // Workers are set per box in the Katalog; Orkestra's API client has no client-side rate limit.
      // The webhook server takes a free port too: on a shared machine another controller may hold
      // the default 9443, and the process would exit after it started serving health.
      const flags = [
        'run',
        '--kubeconfig',
        cp.kubeconfigPath,
        '--listen',
        '127.0.0.1:0',
        '--webhook-listen',
        '127.0.0.1:0',
      ];
      const p = startProcess(`${root}bin/orkestra`, flags);
      const address = await eventually(
        'orkestra listening',
        () => {
          if (p.exited()) throw new Error(`orkestra exited:\n${p.logs()}`);
          for (const line of p.logs().split('\n')) {
            if (line.includes('serving health')) return (JSON.parse(line) as { address?: string }).address;
          }
          return undefined;
        },
        120_000,
      );
      return {
        name: 'orkestra',
        pid: p.pid,
        metricsUrl: `http://${address}`,
        flags: [...flags.slice(0, 2), '<kubeconfig>', ...flags.slice(3), `(Katalog: workers ${options.workers})`],
        writes: clientWrites,
        reconciles: (m) => sum(m, 'controller_runtime_reconcile_total{'),
        async stop() {
          await p.stop();
          const errors = p
            .logs()
            .split('\n')
            .filter((l) => l.includes('"level":"error"'));
          if (errors.length > 0)
            console.error(`orkestra logged ${errors.length} errors, e.g.:\n${errors.slice(0, 3).join('\n')}`);
        },
      };
    },
    async define(client: ApiClient, name: string, subject: Subject) {
      await apply(client, katalogPath(name), websiteKatalog(name, subject, options));
    },
    async serving(client, name) {
      const k = await client.request<{ status?: { runningBoxes?: number } }>({
        method: 'GET',
        path: katalogPath(name),
      });
      return k.status?.runningBoxes === 1;
    },
    async describe(client, name) {
      const k = await client.request<KubeObject>({ method: 'GET', path: katalogPath(name) });
      return `Katalog ${name} status ${JSON.stringify(k.status)}`;
    },
    async undefine(client, name) {
      await client.request({ method: 'DELETE', path: katalogPath(name) }).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    },
    heapBytes: (m) => m.get('nodejs_heap_size_used_bytes') ?? 0,
  };
}
