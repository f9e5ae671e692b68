// Shared by the sharding suites: N boxes (one CRD each) in one Katalog, each CR getting a
// ConfigMap, and `orkestra run --shard` replicas with short lease durations.
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ApiClient } from '../../controller/kube/api-client.ts';
import type { LeaseObject } from '../../controller/kube/lease.ts';
import { SHARD_KEY_ANNOTATION, SHARD_LABEL, SHARD_ROLE_LABEL } from '../../controller/shard/shard.ts';
import { createCrd, testCrd } from './crds.ts';
import { runCommand } from './kubectl.ts';
import { startOrkestra } from './orkestra-process.ts';

export const LEASE_DURATION_MS = 6_000;
export const RENEW_DEADLINE_MS = 4_000;
export const RETRY_MS = 1_000;

export interface Replica {
  readonly name: string;
  readonly child: ChildProcess;
  readonly lines: Record<string, unknown>[];
  exited: boolean;
}

export interface ReplicaOptions {
  readonly kubeconfig?: string;
  readonly env?: Record<string, string>;
  /** Default: LEASE_DURATION_MS, RENEW_DEADLINE_MS, RETRY_MS. */
  readonly leaseDurationMs?: number;
  readonly renewDeadlineMs?: number;
  readonly retryMs?: number;
  /** Default true; false runs the single-replica default (no --shard). */
  readonly shard?: boolean;
  readonly extraArgs?: readonly string[];
}

export function startReplica(name: string, lease: string, options: ReplicaOptions = {}): Replica {
  const { child, lines } = startOrkestra(
    [
      ...(options.shard === false ? [] : ['--shard']),
      '--lease-name',
      lease,
      '--identity',
      name,
      '--lease-duration',
      `${options.leaseDurationMs ?? LEASE_DURATION_MS}ms`,
      '--renew-deadline',
      `${options.renewDeadlineMs ?? RENEW_DEADLINE_MS}ms`,
      '--retry-period',
      `${options.retryMs ?? RETRY_MS}ms`,
      '--listen',
      '127.0.0.1:0',
      '--webhook-listen',
      '127.0.0.1:0',
      ...(options.extraArgs ?? []),
    ],
    options,
  );
  const replica: Replica = { name, child, lines, exited: false };
  child.on('exit', () => {
    replica.exited = true;
  });
  return replica;
}

export const kindOf = (i: number) => `Shard${i}`;
export const plural = (i: number) => `shard${i}s`;

/** Every CR gets a ConfigMap `<name>-cm` showing its spec.round. */
const configMapPerCr = () => ({
  onReconcile: {
    configMaps: [
      { name: '{{ .metadata.name }}-cm', data: { owner: '{{ .metadata.name }}', round: '{{ .spec.round }}' } },
    ],
  },
});

/** Creates one CRD per box and returns the Katalog that runs them all. */
export async function createBoxes(
  client: ApiClient,
  group: string,
  name: string,
  count: number,
  reconcile: (box: number) => Record<string, unknown> = configMapPerCr,
) {
  // One at a time: many CRDs becoming Established at once can take longer than createCrd waits.
  for (let i = 0; i < count; i++) await createCrd(client, testCrd(group, kindOf(i)));
  const crds: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) {
    crds[`b${i}`] = {
      apiTypes: { group, version: 'v1', kind: kindOf(i), plural: plural(i) },
      operatorBox: { reconcile: reconcile(i) },
    };
  }
  return { apiVersion: 'orkestra.orkspace.io/v1alpha1', kind: 'Katalog', metadata: { name }, spec: { crds } };
}

/** Box id → holder of its Lease, from the API server. */
export async function boxHolders(client: ApiClient, namespace: string, lease: string): Promise<Map<string, string>> {
  const list = await client.request<{ items: LeaseObject[] }>({
    method: 'GET',
    path: `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases`,
    query: { labelSelector: `${SHARD_LABEL}=${lease},${SHARD_ROLE_LABEL}=box` },
  });
  const holders = new Map<string, string>();
  for (const l of list.items) {
    const box = l.metadata.annotations?.[SHARD_KEY_ANNOTATION];
    if (box && l.spec?.holderIdentity) holders.set(box, l.spec.holderIdentity);
  }
  return holders;
}

export function countBy<T>(values: Iterable<T>): Map<T, number> {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

/** Installs Orkestra's CRDs on a control plane other than the test run's (one a suite started itself). */
export async function installOrkestraCrds(kubeconfig: string): Promise<void> {
  const crds = fileURLToPath(new URL('../../crds/', import.meta.url));
  const applied = await runCommand('kubectl', ['--kubeconfig', kubeconfig, 'apply', '--server-side', '-f', crds]);
  if (applied.code !== 0) throw new Error(`kubectl apply of ${crds} failed: ${applied.stderr.trim()}`);
}
