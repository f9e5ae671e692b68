// Shorthand child kinds → Kubernetes manifests, synthesized with cdk8s-plus-28 (cdk8s ApiObject where
// cdk8s-plus has no construct or cannot emit exactly the entry). Rule: a field appears in the output only if
// the entry set it or Kubernetes requires it. Orkestra applies these with server-side apply and compares them
// with live objects, so every extra field is one it would own and fight other controllers over. The output
// is deterministic: same entry, same bytes (keys sorted, no hashed names or labels, no timestamps).
//
// WHAT THE RENDERER ADDS (beyond metadata.name/namespace/labels/annotations, copied from the entry)
//
// | Kind (key)               | Synthesized by        | Added, always the same way                                    |
// |--------------------------|-----------------------|---------------------------------------------------------------|
// | Deployment (deployments) | cdk8s-plus-28         | spec.selector.matchLabels = {WORKLOAD_LABEL: name}; pod       |
// |                          | Deployment            | template labels = entry labels + {WORKLOAD_LABEL: name}; one  |
// |                          |                       | container, named containerName or the entry name; port →      |
// |                          |                       | ports[0].containerPort                                        |
// | StatefulSet              | cdk8s-plus-28         | as Deployment; serviceName only when given                    |
// | (statefulSets)           | StatefulSet           |                                                               |
// | Job (jobs)               | cdk8s-plus-28 Job     | pod labels and container as Deployment, no selector (the API  |
// |                          |                       | server generates it); restartPolicy = the entry's or Never    |
// |                          |                       | (required: a Job's pods must say Never or OnFailure)          |
// | CronJob (cronJobs)       | cdk8s-plus-28 CronJob | as Job, under spec.jobTemplate; schedule verbatim             |
// | Service (services)       | cdk8s-plus-28 Service | spec.selector = {WORKLOAD_LABEL: name} unless `selector` is   |
// |                          |                       | given; one port (targetPort, protocol, type only when given)  |
// | Ingress (ingresses)      | cdk8s-plus-28 Ingress | one rule; path "/" when not given; pathType Prefix            |
// |                          |                       | (required); backend.service {name, port.number};              |
// |                          |                       | tlsSecretName → tls [{hosts: [host] if host, secretName}]     |
// | ConfigMap (configMaps)   | cdk8s-plus-28         | nothing                                                       |
// |                          | ConfigMap             |                                                               |
// | Secret (secrets)         | cdk8s-plus-28 Secret  | nothing (type only when given; Kubernetes says Opaque)        |
// | ServiceAccount           | cdk8s-plus-28         | nothing (automountServiceAccountToken only when               |
// | (serviceAccounts)        | ServiceAccount        | automountToken is given)                                      |
// | PersistentVolumeClaim    | cdk8s ApiObject ¹     | accessModes [ReadWriteOnce] when none given (the API requires |
// | (persistentVolumeClaims) |                       | one); storage → spec.resources.requests.storage               |
// | HorizontalPodAutoscaler  | cdk8s-plus-28         | scaleTargetRef {apiVersion apps/v1, kind targetKind or        |
// | (hpa)                    | HorizontalPod-        | Deployment, name}; cpuUtilization → one Resource cpu          |
// |                          | Autoscaler (v2)       | Utilization metric; without it no metrics at all (the API     |
// |                          |                       | server's default, 80% CPU, applies)                           |
// | PodDisruptionBudget      | cdk8s ApiObject       | selector → spec.selector.matchLabels                          |
// | (pdb)                    | (policy/v1) ²         |                                                               |
// | NetworkPolicy            | cdk8s ApiObject ³     | spec.podSelector {} when not given (required; all pods), else |
// | (networkPolicies)        |                       | {matchLabels}; numeric-string rule ports → integers; rules    |
// |                          |                       | otherwise verbatim                                            |
// | Role (roles)             | cdk8s ApiObject ⁴     | apiGroups [""] in a rule that names none (the API requires    |
// |                          |                       | one)                                                          |
// | RoleBinding              | cdk8s-plus-28         | roleRef.apiGroup rbac.authorization.k8s.io (required); a      |
// | (roleBindings)           | RoleBinding           | ServiceAccount subject without namespace gets the binding's   |
// |                          |                       | namespace (required)                                          |
//
// ¹ cdk8s-plus takes the size as a cdk8s Size and writes whole gibibytes only ("500Mi" cannot be said).
// ² cdk8s-plus-28 has no PodDisruptionBudget construct.
// ³ cdk8s-plus models policy peers as constructs; the entry's rules are free-form NetworkPolicy rules.
// ⁴ cdk8s-plus splits every rule into one rule per resource with a single API group.
//
// Workloads: entry annotations go on the object's metadata only, never on the pod template (changing one
// would roll every pod). Entry labels go on the metadata and the pod template, never on a selector. A
// `labels[WORKLOAD_LABEL]` other than the entry name is an error (pods would not match their selector).
// env is written as the list given, in order (duplicate names are an error: SSA merges env by name);
// resources verbatim, only when given (cdk8s-plus rewrites quantities, 1Gi → 1024Mi).
// Replicas appear only when given: Kubernetes defaults them to 1, and a field left out of the applied
// configuration is not owned by Orkestra, so an HPA can own it.
//
// Values: integers (replicas, ports, backoffLimit, min/maxReplicas, cpuUtilization) may arrive as numbers or
// numeric strings; minAvailable/maxUnavailable as integers or "N%"; booleans as true/false or "true"/"false";
// numbers and booleans where a string belongs become strings. An optional scalar that rendered to "" or
// null is treated as not given (e.g. `storageClassName: ""`); empty lists and maps are left out. A value of
// the wrong type or range, a missing required field or a field the kind does not take throws RenderError
// naming the field (`replicas`, `env[1].value`, `labels.app`).
//
// WHAT CDK8S-PLUS-28 2.5.6 INJECTS AND THE RENDERER REMOVES (each checked against real output by the tests;
// lists in the `injected` tables of workloads.ts, networking.ts, config.ts, scaling.ts, rbac.ts)
//
// | Kind                 | Removed (unless the entry set the field)                                               |
// |----------------------|----------------------------------------------------------------------------------------|
// | every pod template   | label cdk8s.io/metadata.addr (hashed); automountServiceAccountToken false; dnsPolicy     |
// |                      | ClusterFirst; hostNetwork false; securityContext {fsGroupChangePolicy: Always,          |
// |                      | runAsNonRoot: true}; setHostnameAsFQDN false; terminationGracePeriodSeconds 30;         |
// |                      | restartPolicy Always (Deployment, StatefulSet); container imagePullPolicy Always;       |
// |                      | container securityContext {allowPrivilegeEscalation false, privileged false,            |
// |                      | readOnlyRootFilesystem true, runAsNonRoot true}                                         |
// | Deployment           | replicas 2; minReadySeconds 0; progressDeadlineSeconds 600; strategy RollingUpdate       |
// |                      | maxSurge 25% maxUnavailable 25%                                                         |
// | StatefulSet          | replicas 1; minReadySeconds 0; podManagementPolicy OrderedReady; updateStrategy          |
// |                      | RollingUpdate partition 0; serviceName (a stand-in; plus otherwise adds a headless      |
// |                      | Service object)                                                                         |
// | CronJob              | concurrencyPolicy Forbid; startingDeadlineSeconds 10; successfulJobsHistoryLimit 3;     |
// |                      | failedJobsHistoryLimit 1; suspend false                                                 |
// | Service              | type ClusterIP; externalIPs []                                                          |
// | ConfigMap, Secret    | immutable false                                                                         |
// | ServiceAccount       | automountServiceAccountToken false                                                      |
// | HPA                  | minReplicas 1; metrics []; behavior (scaleUp 4 pods or 200%/60s, scaleDown 1 pod/300s,  |
// |                      | stabilization 0s/300s)                                                                  |
// | RoleBinding          | subjects[].apiGroup ("" / rbac.authorization.k8s.io: the API server's own defaults)     |
//
// Avoided by construction rather than removed: default container resources (requests cpu 1000m memory
// 512Mi, limits cpu 1500m memory 2048Mi; `resources: {}` is passed), the TCP startupProbe (`ports` is used,
// not `portNumber`), hashed object names (explicit names, `disableResourceNameHashes`), the extra headless
// Service of a StatefulSet, a RoleBinding ServiceAccount subject's namespace "default".

import { configMaps, persistentVolumeClaims, secrets, serviceAccounts } from './config.ts';
import { type KubeManifest, RenderError, type RenderedEntry, type ShorthandKind } from './model.ts';
import { ingresses, networkPolicies, services } from './networking.ts';
import { roleBindings, roles } from './rbac.ts';
import { hpa, pdb } from './scaling.ts';
import type { KindRenderer } from './synth.ts';
import { cronJobs, deployments, jobs, statefulSets } from './workloads.ts';

export {
  type KubeManifest,
  RenderError,
  type RenderedEntry,
  SHORTHAND_KINDS,
  type ShorthandKind,
  WORKLOAD_LABEL,
} from './model.ts';

/** One renderer per shorthand kind. */
export const RENDERERS: Readonly<Record<ShorthandKind, KindRenderer>> = {
  deployments,
  statefulSets,
  jobs,
  cronJobs,
  services,
  ingresses,
  configMaps,
  secrets,
  serviceAccounts,
  persistentVolumeClaims,
  hpa,
  pdb,
  networkPolicies,
  roles,
  roleBindings,
};

/**
 * Renders one shorthand entry (templates already rendered) to its manifest.
 * Throws RenderError naming the field when a rendered value has the wrong type (e.g. replicas "abc").
 */
export function renderKind(kind: ShorthandKind, entry: RenderedEntry): KubeManifest {
  const renderer = Object.hasOwn(RENDERERS, kind) ? RENDERERS[kind] : undefined;
  if (!renderer) throw new RenderError('(kind)', `unknown shorthand kind ${JSON.stringify(kind)}`);
  try {
    return renderer.render(entry);
  } catch (err) {
    if (!(err instanceof RenderError)) throw err;
    const name = typeof entry?.name === 'string' && entry.name !== '' ? ` "${entry.name}"` : '';
    throw new RenderError(err.field, err.detail, `${kind}${name}`);
  }
}
