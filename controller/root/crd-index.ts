// What the root controller needs to know of each CustomResourceDefinition in the cluster.
import type { KubeObject } from '../kube/object.ts';

export interface CrdInfo {
  readonly name: string;
  readonly group: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
  readonly servedVersions: readonly string[];
  readonly storageVersion: string | undefined;
  readonly established: boolean;
  readonly hasStatusSubresource: (version: string) => boolean;
}

interface CrdSpec {
  group: string;
  scope: 'Namespaced' | 'Cluster';
  names: { kind: string; plural: string };
  versions: { name: string; served: boolean; storage: boolean; subresources?: { status?: object } }[];
}

/**
 * The CRD reflector's cache transform: keeps what `crdInfo` reads and the identity the cache
 * needs, and drops the rest (schemas, printer columns, conversion webhooks, managedFields, the
 * last-applied copy), which is most of a CRD's size.
 */
export function crdForIndex(crd: KubeObject): KubeObject {
  const spec = crd.spec as CrdSpec;
  const status = crd.status as { conditions?: { type: string; status: string }[] } | undefined;
  const { name, uid, resourceVersion, generation } = crd.metadata;
  return {
    apiVersion: crd.apiVersion,
    kind: crd.kind,
    metadata: { name, uid, resourceVersion, generation },
    spec: {
      group: spec.group,
      scope: spec.scope,
      names: { kind: spec.names.kind, plural: spec.names.plural },
      versions: spec.versions.map((v) => ({
        name: v.name,
        served: v.served,
        storage: v.storage,
        ...(v.subresources?.status ? { subresources: { status: {} } } : {}),
      })),
    },
    status: { conditions: (status?.conditions ?? []).map((c) => ({ type: c.type, status: c.status })) },
  };
}

export function crdInfo(crd: KubeObject): CrdInfo {
  const spec = crd.spec as CrdSpec;
  const status = crd.status as { conditions?: { type: string; status: string }[] } | undefined;
  return {
    name: crd.metadata.name,
    group: spec.group,
    kind: spec.names.kind,
    plural: spec.names.plural,
    namespaced: spec.scope === 'Namespaced',
    servedVersions: spec.versions.filter((v) => v.served).map((v) => v.name),
    storageVersion: spec.versions.find((v) => v.storage)?.name,
    established: status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false,
    hasStatusSubresource: (version) => Boolean(spec.versions.find((v) => v.name === version)?.subresources?.status),
  };
}

/** Looks CRDs up by group and kind, the identity a box declares. */
export function indexCrds(crds: readonly KubeObject[]): (group: string, kind: string) => CrdInfo | undefined {
  const byGroupKind = new Map<string, CrdInfo>();
  for (const crd of crds) {
    const info = crdInfo(crd);
    byGroupKind.set(`${info.kind}.${info.group}`, info);
  }
  return (group, kind) => byGroupKind.get(`${kind}.${group}`);
}
