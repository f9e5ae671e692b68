// kro (github.com/kubernetes-sigs/kro) as a peer in the benchmark: built from the Go module proxy
// by e2e/binaries/build-kro.sh, run out of cluster against the bench's control plane with the same
// worker count as Orkestra's box, and given the Website workload as a ResourceGraphDefinition.
import { spawn } from 'node:child_process';
import { isNotFound } from '../../controller/kube/api-client.ts';
import type { KubeObject } from '../../controller/kube/object.ts';
import type { ControlPlane } from '../../e2e/control-plane/control-plane.ts';
import { freePort } from '../../e2e/control-plane/ports.ts';
import { eventually } from '../../e2e/support/wait.ts';
import { apply, applyCrds, clientWrites, createNamespace, root, startProcess, sum } from '../cluster.ts';
import type { Peer } from '../peer.ts';
import { kroSubject, type Subject, websiteRgd } from '../workload.ts';

export const KRO_VERSION = 'v0.9.4';
const rgdPath = (name: string) => `/apis/kro.run/v1alpha1/resourcegraphdefinitions/${name}`;

/** The cached build directory (`kro` and `crds/`), building it on first use (minutes; its log shows on stderr). */
export function kroBuild(): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = spawn('bash', [`${root}e2e/binaries/build-kro.sh`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', (d) => {
      out += d;
    });
    c.on('close', (code) =>
      code === 0
        ? resolve(out.trim())
        : reject(new Error(`e2e/binaries/build-kro.sh failed (exit ${code}); see its log above`)),
    );
  });
}

/**
 * Orkestra's API client has no client-side rate limit; kro's client-go one (100 QPS, burst 150 by
 * default) is lifted to a level the bench never reaches, so neither is paced by its own client.
 */
const UNLIMITED_QPS = '100000';

export function kroPeer(dir: string): Peer {
  return {
    name: 'kro',
    benchOwnsCrd: false,
    subject: kroSubject,
    async prepare(cp, client) {
      await applyCrds(cp.kubeconfigPath, `${dir}/crds/`);
      await createNamespace(client, kroSubject().namespace);
    },
    async start(cp: ControlPlane, options) {
      const metricsPort = await freePort();
      const probePort = await freePort();
      const flags = [
        `--kubeconfig=${cp.kubeconfigPath}`,
        `--metrics-bind-address=127.0.0.1:${metricsPort}`,
        `--health-probe-bind-address=127.0.0.1:${probePort}`,
        `--dynamic-controller-concurrent-reconciles=${options.workers}`,
        `--client-qps=${UNLIMITED_QPS}`,
        `--client-burst=${UNLIMITED_QPS}`,
        // Logging as kro's Helm chart ships it (values.yaml: info, console, not development).
        '--zap-devel=false',
        '--zap-log-level=info',
        '--zap-encoder=console',
      ];
      const p = startProcess(`${dir}/kro`, flags);
      await eventually(
        'kro ready',
        async () => {
          if (p.exited()) throw new Error(`kro exited:\n${p.logs()}`);
          return (await fetch(`http://127.0.0.1:${probePort}/readyz`)).ok;
        },
        120_000,
      );
      return {
        name: 'kro',
        pid: p.pid,
        metricsUrl: `http://127.0.0.1:${metricsPort}`,
        flags: flags.map((f) => (f.startsWith('--kubeconfig') ? '--kubeconfig=<kubeconfig>' : f)),
        writes: clientWrites,
        // Instance reconciles; the RGD and GraphRevision controllers count under controller_runtime_*.
        reconciles: (m) => sum(m, 'dynamic_controller_reconcile_total{'),
        stop: () => p.stop(),
      };
    },
    async define(client, name: string, subject: Subject) {
      await apply(client, rgdPath(name), websiteRgd(name, subject));
    },
    async serving(client, name, subject) {
      const rgd = await client.request<KubeObject & { status?: { state?: string } }>({
        method: 'GET',
        path: rgdPath(name),
      });
      if (rgd.status?.state !== 'Active') return false;
      try {
        const crd = await client.request<{ status?: { conditions?: { type: string; status: string }[] } }>({
          method: 'GET',
          path: `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${subject.plural}.${subject.group}`,
        });
        return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false;
      } catch (err) {
        if (isNotFound(err)) return false;
        throw err;
      }
    },
    async describe(client, name) {
      const rgd = await client.request<KubeObject>({ method: 'GET', path: rgdPath(name) });
      return `ResourceGraphDefinition ${name} status ${JSON.stringify(rgd.status)}`;
    },
    async undefine(client, name) {
      await client.request({ method: 'DELETE', path: rgdPath(name) }).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    },
    heapBytes: (m) => m.get('go_memstats_heap_inuse_bytes') ?? 0,
  };
}
