// How a child is marked as Orkestra's: labels that the shared child watches select and index
// on, and an owner reference to the custom resource when the garbage collector can honour it
// (same namespace). Labels are set on top of the rendered ones; the CR's own labels are never
// copied (GitOps tools track resources by them).
import { BOX_LABEL, KATALOG_LABEL, MANAGED_BY, MANAGED_BY_LABEL, OWNER_UID_LABEL } from '../kube/child-watches.ts';
import type { KubeObject, OwnerReference } from '../kube/object.ts';

export const FINALIZER = 'orkestra.orkspace.io/finalizer';

export interface Owner {
  readonly katalog: string;
  readonly box: string;
  readonly object: KubeObject;
}

export function managedLabels(owner: Owner): Record<string, string> {
  return {
    [MANAGED_BY_LABEL]: MANAGED_BY,
    [KATALOG_LABEL]: owner.katalog,
    [BOX_LABEL]: owner.box,
    [OWNER_UID_LABEL]: owner.object.metadata.uid ?? '',
  };
}

function ownerReference(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/**
 * Stamps ownership on a rendered child. `namespaced` says whether the child's kind is namespaced;
 * a namespaced child without a namespace lands in the owner's.
 */
export function stampOwnership(child: KubeObject, owner: Owner, namespaced: boolean): KubeObject {
  const ownerNs = owner.object.metadata.namespace;
  const namespace = namespaced ? (child.metadata.namespace ?? ownerNs) : undefined;
  const metadata = { ...child.metadata, labels: { ...child.metadata.labels, ...managedLabels(owner) } };
  if (namespace) metadata.namespace = namespace;
  else delete metadata.namespace;
  // Owner references cannot cross namespaces or point from cluster scope into a namespace;
  // such children are tracked by label and removed by the finalizer instead.
  if (namespace !== undefined && namespace === ownerNs) metadata.ownerReferences = [ownerReference(owner.object)];
  else delete metadata.ownerReferences;
  return { ...child, metadata };
}

export function isOwnedBy(child: KubeObject, owner: Owner): boolean {
  const labels = child.metadata.labels ?? {};
  return (
    labels[OWNER_UID_LABEL] === owner.object.metadata.uid &&
    labels[BOX_LABEL] === owner.box &&
    labels[KATALOG_LABEL] === owner.katalog
  );
}

export function hasOwnerReference(child: KubeObject, ownerUid: string | undefined): boolean {
  return child.metadata.ownerReferences?.some((r) => r.uid === ownerUid) ?? false;
}

/** A child's identity across renders, the live cache and watch events. */
export function childRef(o: KubeObject): string {
  return `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}
