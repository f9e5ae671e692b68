// `orkestra rbac`: the least-privilege RBAC for running exactly the given boxes. What the
// controller does decides each verb:
//   - Katalogs: listed and watched by the root controller, status written with a JSON patch;
//   - CRDs: listed and watched (a box waits for its CRD, reads scope and served versions);
//   - custom resources: listed and watched cluster-wide by the box, finalizers added and removed
//     with patches, status patched through the status subresource; `update` on finalizers lets
//     the child owner references set blockOwnerDeletion;
//   - children: watched cluster-wide (label-filtered), applied server-side (create, patch),
//     pruned and removed on deletion (delete);
//   - Events (core/v1: created, then patched when repeated), and the leader Lease (get, create,
//     update) in the controller's namespace;
//   - webhook configurations, when a box has admission rules or webhooks.
// A box with allowedNamespaces keeps its reads cluster-wide (its watches are) and gets its
// writes to namespaced kinds only through a Role in each allowed namespace.

import { stringify } from 'yaml';
import type { Box } from '../../api-types/box.ts';
import { GROUP } from '../../api-types/crd.ts';
import type { Katalog } from '../../api-types/katalog.ts';
import type { Komposer } from '../../api-types/komposer.ts';
import { compileBox } from '../box/compiled-box.ts';
import { readDocuments } from './documents.ts';
import { crdLookup, guessPlural, isShorthandKind, type KindLookup, splitApiVersion } from './kinds.ts';
import { CliError, EXIT_USAGE } from './terminal.ts';

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

interface RbacObject {
  apiVersion: 'rbac.authorization.k8s.io/v1';
  kind: 'ClusterRole' | 'ClusterRoleBinding' | 'Role' | 'RoleBinding';
  metadata: { name: string; namespace?: string; labels: Record<string, string> };
  rules?: PolicyRule[];
  roleRef?: { apiGroup: string; kind: string; name: string };
  subjects?: { kind: 'ServiceAccount'; name: string; namespace: string }[];
}

export interface RbacOptions {
  /** Name of the roles and bindings. */
  readonly name: string;
  readonly serviceAccount: { readonly namespace: string; readonly name: string };
  /** Namespace of the leader Lease (the controller's namespace); undefined: no leader election. */
  readonly leaseNamespace: string | undefined;
}

const READ = ['get', 'list', 'watch'];
const CHILD_WRITE = ['create', 'patch', 'delete'];

/** Rules keyed by api group and verb set, so one rule lists every resource sharing both. */
function mergeRules(rules: readonly PolicyRule[]): PolicyRule[] {
  const merged = new Map<string, PolicyRule>();
  for (const r of rules) {
    for (const group of r.apiGroups) {
      const verbs = [...new Set(r.verbs)];
      const key = `${group}|${verbs.join(',')}`;
      const m = merged.get(key) ?? { apiGroups: [group], resources: [], verbs };
      m.resources = [...new Set([...m.resources, ...r.resources])].sort();
      merged.set(key, m);
    }
  }
  return [...merged.values()].sort(
    (a, b) =>
      (a.apiGroups[0] ?? '').localeCompare(b.apiGroups[0] ?? '') ||
      (a.resources[0] ?? '').localeCompare(b.resources[0] ?? ''),
  );
}

/** The boxes a Komposer runs: its imported Katalogs (from the inputs) with its overrides merged on top. */
function komposerBoxes(komposer: Komposer, katalogs: readonly Katalog[]): [string, Box][] {
  const boxes = new Map<string, Box>();
  for (const name of komposer.spec.imports.katalogs ?? []) {
    const k = katalogs.find((x) => x.metadata.name === name);
    if (!k) throw new CliError(`Komposer ${komposer.metadata.name} imports Katalog ${name}: pass its file too`);
    for (const [boxName, box] of Object.entries(k.spec.crds)) boxes.set(boxName, box);
  }
  for (const [boxName, override] of Object.entries(komposer.spec.crds ?? {})) {
    const base = boxes.get(boxName);
    if (base) boxes.set(boxName, { ...base, ...override } as Box);
  }
  return [...boxes];
}

/** The boxes of the given Katalogs and Komposers that would run (enabled ones). */
export function boxesOf(documents: readonly unknown[]): { name: string; box: Box }[] {
  const katalogs = documents.filter((d) => (d as { kind?: string }).kind === 'Katalog') as Katalog[];
  const komposers = documents.filter((d) => (d as { kind?: string }).kind === 'Komposer') as Komposer[];
  const imported = new Set(komposers.flatMap((k) => k.spec.imports.katalogs ?? []));
  const pairs: [string, Box][] = [
    ...katalogs
      .filter((k) => komposers.length === 0 || !imported.has(k.metadata.name))
      .flatMap((k) => Object.entries(k.spec.crds)),
    ...komposers.flatMap((k) => komposerBoxes(k, katalogs)),
  ];
  return pairs.filter(([, box]) => box.enabled !== false).map(([name, box]) => ({ name, box }));
}

interface Grant {
  readonly cluster: PolicyRule[];
  readonly byNamespace: Map<string, PolicyRule[]>;
}

function grantBox(name: string, box: Box, lookup: KindLookup, grant: Grant) {
  const { group, kind } = box.apiTypes;
  const known = lookup(group, kind);
  const plural = box.apiTypes.plural ?? known?.plural ?? guessPlural(kind);
  const allowed = box.operatorBox?.runtime?.allowedNamespaces;
  const writeTo = (namespaced: boolean, rule: PolicyRule) => {
    if (allowed && namespaced) {
      for (const ns of allowed) grant.byNamespace.set(ns, [...(grant.byNamespace.get(ns) ?? []), rule]);
    } else grant.cluster.push(rule);
  };
  grant.cluster.push({ apiGroups: [group], resources: [plural], verbs: READ });
  writeTo(true, { apiGroups: [group], resources: [plural], verbs: ['patch'] });
  writeTo(true, { apiGroups: [group], resources: [`${plural}/status`], verbs: ['patch'] });
  writeTo(true, { apiGroups: [group], resources: [`${plural}/finalizers`], verbs: ['update'] });

  const compiled = compileBox(name, box);
  const kinds = [
    ...compiled.childKinds,
    ...compiled.onDelete.groups.flatMap((g) => g.targets.map((t) => ({ apiVersion: t.apiVersion, kind: t.kind }))),
  ];
  for (const child of kinds) {
    const childGroup = splitApiVersion(child.apiVersion).group;
    const info = lookup(childGroup, child.kind);
    const resource = info?.plural ?? guessPlural(child.kind);
    grant.cluster.push({ apiGroups: [childGroup], resources: [resource], verbs: READ });
    // The shorthand kinds are all namespaced; a custom kind whose scope no input tells is treated
    // as cluster-scoped, since a Role could not grant it.
    const shorthand = isShorthandKind(child.apiVersion, child.kind);
    writeTo(info?.namespaced ?? shorthand, { apiGroups: [childGroup], resources: [resource], verbs: CHILD_WRITE });
  }
  const admission = box.admission;
  if (admission?.validation || admission?.mutation || admission?.webhooks) {
    grant.cluster.push({
      apiGroups: ['admissionregistration.k8s.io'],
      resources: ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'],
      verbs: [...READ, 'create', 'patch', 'update', 'delete'],
    });
  }
}

const LABELS = { 'app.kubernetes.io/name': 'orkestra', 'app.kubernetes.io/component': 'rbac' };

/** Rules of the controller itself, whatever the boxes. */
export const BASE_RULES: readonly PolicyRule[] = [
  { apiGroups: [GROUP], resources: ['katalogs', 'komposers'], verbs: READ },
  { apiGroups: [GROUP], resources: ['katalogs/status', 'komposers/status'], verbs: ['patch'] },
  { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: READ },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
];

export interface GeneratedRbac {
  readonly clusterRules: PolicyRule[];
  readonly namespaceRules: Record<string, PolicyRule[]>;
}

export function generateRules(documents: readonly unknown[], lookup: KindLookup): GeneratedRbac {
  const grant: Grant = { cluster: [...BASE_RULES], byNamespace: new Map() };
  for (const { name, box } of boxesOf(documents)) grantBox(name, box, lookup, grant);
  return {
    clusterRules: mergeRules(grant.cluster),
    namespaceRules: Object.fromEntries([...grant.byNamespace].sort().map(([ns, rules]) => [ns, mergeRules(rules)])),
  };
}

function binding(
  kind: 'ClusterRoleBinding' | 'RoleBinding',
  roleKind: string,
  name: string,
  options: RbacOptions,
  namespace?: string,
): RbacObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind,
    metadata: { name, ...(namespace ? { namespace } : {}), labels: LABELS },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name },
    subjects: [{ kind: 'ServiceAccount', ...options.serviceAccount }],
  };
}

/** The ClusterRole, a Role per allowed namespace and the leader-election Role, each with its binding. */
export function rbacObjects(generated: GeneratedRbac, options: RbacOptions): RbacObject[] {
  const objects: RbacObject[] = [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: options.name, labels: LABELS },
      rules: generated.clusterRules,
    },
    binding('ClusterRoleBinding', 'ClusterRole', options.name, options),
  ];
  const roles: [string, PolicyRule[]][] = Object.entries(generated.namespaceRules);
  if (options.leaseNamespace !== undefined) {
    const lease: PolicyRule = {
      apiGroups: ['coordination.k8s.io'],
      resources: ['leases'],
      verbs: ['get', 'create', 'update'],
    };
    const existing = roles.find(([ns]) => ns === options.leaseNamespace);
    if (existing) existing[1] = mergeRules([...existing[1], lease]);
    else roles.push([options.leaseNamespace, [lease]]);
  }
  for (const [namespace, rules] of roles) {
    objects.push(
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: options.name, namespace, labels: LABELS },
        rules,
      },
      binding('RoleBinding', 'Role', options.name, options, namespace),
    );
  }
  return objects;
}

export interface RbacCommandOptions {
  readonly crd: readonly string[];
  readonly name: string;
  readonly serviceAccount: string;
  readonly leaseNamespace: string;
  readonly leaderElection: boolean;
  readonly output: 'yaml' | 'json' | 'helm-values';
}

export function rbacCommand(paths: readonly string[], options: RbacCommandOptions): void {
  const [saNamespace, saName] = options.serviceAccount.split('/');
  if (!saNamespace || !saName) {
    throw new CliError(`--service-account must be NAMESPACE/NAME, got "${options.serviceAccount}"`, EXIT_USAGE);
  }
  const docs = readDocuments(paths).map((d) => d.value);
  const crds = [...docs, ...readDocuments(options.crd).map((d) => d.value)];
  if (boxesOf(docs).length === 0) throw new CliError('no enabled box in the given Katalogs and Komposers', EXIT_USAGE);
  const generated = generateRules(docs, crdLookup(crds));
  if (options.output === 'helm-values') {
    process.stdout.write(
      stringify({ rbac: { rules: generated.clusterRules, namespaceRules: generated.namespaceRules } }),
    );
    return;
  }
  const objects = rbacObjects(generated, {
    name: options.name,
    serviceAccount: { namespace: saNamespace, name: saName },
    leaseNamespace: options.leaderElection ? options.leaseNamespace : undefined,
  });
  process.stdout.write(
    options.output === 'json'
      ? `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }, null, 2)}\n`
      : objects.map((o) => stringify(o)).join('---\n'),
  );
}
