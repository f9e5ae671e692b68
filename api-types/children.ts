import { conditionList, gateProperties } from './condition.ts';
import {
  celRules,
  crdDescription,
  FIELD_PATH,
  fieldPath,
  freeform,
  intOrTemplate,
  type Static,
  stringList,
  stringMap,
  type TSchema,
  Type,
  template,
} from './schema.ts';

const FOR_EACH_MAX_LENGTH = 128;

function forEachOf(field: ReturnType<typeof fieldPath>) {
  return Type.Optional(
    Type.Object(
      {
        field,
        as: Type.Optional(
          Type.String({
            description: 'Name of the loop variable (default item).',
            ...crdDescription('Default item.'),
            pattern: '^[a-z][A-Za-z0-9]*$',
            maxLength: 32,
          }),
        ),
      },
      {
        description: 'Renders one child per item of a list in the custom resource, bound as .item (or .<as>).',
        ...crdDescription('One child per list item.'),
      },
    ),
  );
}

/** Fields every child entry takes, whatever its kind; repeated in every entry, so terse in the CRD. */
const commonProperties = {
  name: template('Name of the child (a template, e.g. "{{ .metadata.name }}-web").', {
    minLength: 1,
    ...crdDescription('Name (a template).'),
  }),
  namespace: Type.Optional(
    template("Namespace of the child; defaults to the custom resource's namespace.", {
      ...crdDescription('Namespace (a template).'),
    }),
  ),
  labels: Type.Optional(stringMap('Labels added to the child (values may be templates).', 'Labels (templates).')),
  annotations: Type.Optional(
    stringMap('Annotations added to the child (values may be templates).', 'Annotations (templates).'),
  ),
  ...gateProperties,
  forEach: forEachOf(
    fieldPath('List to iterate, e.g. spec.databases.', {
      maxLength: FOR_EACH_MAX_LENGTH,
      crdDescription: 'e.g. spec.dbs',
    }),
  ),
  reconcile: Type.Optional(
    Type.Boolean({
      description: 'Correct drift on every cycle (onCreate children are otherwise left alone once created).',
      ...crdDescription('Correct drift on every cycle.'),
    }),
  ),
};

const envVar = Type.Object({
  name: Type.String({ description: 'Variable name.', maxLength: 253 }),
  value: template('Value (a template).'),
});

const resources = Type.Object(
  {
    requests: Type.Optional(stringMap('Resource requests, e.g. cpu: 100m.')),
    limits: Type.Optional(stringMap('Resource limits, e.g. memory: 256Mi.')),
  },
  { description: 'Container resources; none are set unless given.' },
);

const containerProperties = {
  image: template('Container image (a template, e.g. "{{ .spec.image }}").', { minLength: 1 }),
  containerName: Type.Optional(template('Container name (default: the child name).')),
  command: Type.Optional(stringList('Entrypoint.', 32)),
  args: Type.Optional(stringList('Arguments.', 64)),
  env: Type.Optional(Type.Array(envVar, { description: 'Environment variables.', maxItems: 64 })),
  port: Type.Optional(intOrTemplate('Container port.')),
  resources: Type.Optional(resources),
  serviceAccountName: Type.Optional(template('Service account the pods run as.')),
};

function entry<P extends Record<string, TSchema>>(
  properties: P,
  description: string,
  extra: Record<string, unknown> = {},
) {
  return Type.Object({ ...commonProperties, ...properties }, { description, ...extra });
}

function list<T extends TSchema>(item: T, description: string) {
  return Type.Optional(Type.Array(item, { description, maxItems: 16 }));
}

export const DeploymentChild = entry(
  { ...containerProperties, replicas: Type.Optional(intOrTemplate('Replica count (default 1).')) },
  'A Deployment with one container.',
);
export const StatefulSetChild = entry(
  {
    ...containerProperties,
    replicas: Type.Optional(intOrTemplate('Replica count (default 1).')),
    serviceName: Type.Optional(template('Governing headless Service.')),
  },
  'A StatefulSet with one container.',
);
export const JobChild = entry(
  {
    ...containerProperties,
    backoffLimit: Type.Optional(intOrTemplate('Retries before the Job fails.')),
    restartPolicy: Type.Optional(Type.Union([Type.Literal('Never'), Type.Literal('OnFailure')])),
  },
  'A Job with one container.',
);
export const CronJobChild = entry(
  {
    ...containerProperties,
    schedule: template('Cron schedule, e.g. "*/5 * * * *".', { minLength: 1 }),
    backoffLimit: Type.Optional(intOrTemplate('Retries before a run fails.')),
    restartPolicy: Type.Optional(Type.Union([Type.Literal('Never'), Type.Literal('OnFailure')])),
  },
  'A CronJob with one container.',
);
export const ServiceChild = entry(
  {
    port: intOrTemplate('Service port.'),
    targetPort: Type.Optional(intOrTemplate('Container port traffic goes to (default: port).')),
    protocol: Type.Optional(Type.Union([Type.Literal('TCP'), Type.Literal('UDP'), Type.Literal('SCTP')])),
    type: Type.Optional(
      Type.Union([Type.Literal('ClusterIP'), Type.Literal('NodePort'), Type.Literal('LoadBalancer')], {
        description: 'Service type (default ClusterIP).',
      }),
    ),
    selector: Type.Optional(stringMap('Pod selector (default: the pods of the workload children of the same name).')),
  },
  'A Service.',
);
export const IngressChild = entry(
  {
    host: Type.Optional(template('Host name.')),
    path: Type.Optional(template('Path prefix (default /).')),
    serviceName: template('Backend Service name.'),
    servicePort: intOrTemplate('Backend Service port.'),
    className: Type.Optional(template('IngressClass name.')),
    tlsSecretName: Type.Optional(template('Secret holding the TLS certificate for host.')),
  },
  'An Ingress with one rule.',
);
export const ConfigMapChild = entry(
  { data: Type.Optional(stringMap('Data (values may be templates).')) },
  'A ConfigMap.',
);
export const SecretChild = entry(
  {
    stringData: Type.Optional(stringMap('Data as plain strings (values may be templates).')),
    type: Type.Optional(template('Secret type (default Opaque).')),
  },
  'A Secret.',
);
export const ServiceAccountChild = entry(
  { automountToken: Type.Optional(Type.Boolean({ description: 'Mount an API token into pods.' })) },
  'A ServiceAccount.',
);
export const PersistentVolumeClaimChild = entry(
  {
    storage: template('Requested size, e.g. 1Gi.', { minLength: 1 }),
    accessModes: Type.Optional(
      Type.Array(
        Type.Union([
          Type.Literal('ReadWriteOnce'),
          Type.Literal('ReadOnlyMany'),
          Type.Literal('ReadWriteMany'),
          Type.Literal('ReadWriteOncePod'),
        ]),
        { maxItems: 4 },
      ),
    ),
    storageClassName: Type.Optional(template('StorageClass name.')),
  },
  'A PersistentVolumeClaim.',
);
export const HorizontalPodAutoscalerChild = entry(
  {
    targetKind: Type.Optional(
      Type.Union([Type.Literal('Deployment'), Type.Literal('StatefulSet')], { description: 'Default Deployment.' }),
    ),
    targetName: template('Name of the scaled workload.'),
    minReplicas: Type.Optional(intOrTemplate('Lower bound.')),
    maxReplicas: intOrTemplate('Upper bound.'),
    cpuUtilization: Type.Optional(intOrTemplate('Target average CPU utilization, percent.')),
  },
  'A HorizontalPodAutoscaler (autoscaling/v2).',
);
export const PodDisruptionBudgetChild = entry(
  {
    minAvailable: Type.Optional(intOrTemplate('Pods that must stay available (number or percent).')),
    maxUnavailable: Type.Optional(intOrTemplate('Pods that may be unavailable (number or percent).')),
    selector: stringMap('Pod selector labels.'),
  },
  'A PodDisruptionBudget.',
  celRules({
    rule: 'has(self.minAvailable) != has(self.maxUnavailable)',
    message: 'set exactly one of minAvailable or maxUnavailable',
  }),
);
export const NetworkPolicyChild = entry(
  {
    podSelector: Type.Optional(stringMap('Pods the policy applies to (default: all in the namespace).')),
    policyTypes: Type.Optional(
      Type.Array(Type.Union([Type.Literal('Ingress'), Type.Literal('Egress')]), { maxItems: 2 }),
    ),
    ingress: Type.Optional(Type.Array(freeform('A networking.k8s.io/v1 NetworkPolicyIngressRule.'), { maxItems: 32 })),
    egress: Type.Optional(Type.Array(freeform('A networking.k8s.io/v1 NetworkPolicyEgressRule.'), { maxItems: 32 })),
  },
  'A NetworkPolicy.',
);
const policyRule = Type.Object({
  apiGroups: Type.Optional(stringList('API groups ("" for core).', 16)),
  resources: stringList('Resources.', 32),
  verbs: stringList('Verbs.', 16),
  resourceNames: Type.Optional(stringList('Restrict to these names.', 32)),
});
export const RoleChild = entry(
  { rules: Type.Array(policyRule, { description: 'RBAC rules.', maxItems: 32 }) },
  'A namespaced RBAC Role.',
);
export const RoleBindingChild = entry(
  {
    roleRef: Type.Object({
      kind: Type.Union([Type.Literal('Role'), Type.Literal('ClusterRole')]),
      name: template('Role name.'),
    }),
    subjects: Type.Array(
      Type.Object({
        kind: Type.Union([Type.Literal('ServiceAccount'), Type.Literal('User'), Type.Literal('Group')]),
        name: template('Subject name.'),
        namespace: Type.Optional(template('Namespace of a ServiceAccount subject.')),
      }),
      { maxItems: 32 },
    ),
  },
  'An RBAC RoleBinding.',
);

/** A raw manifest of any kind, third-party CRDs included; every string in it may be a template. */
export const CustomChild = Type.Unsafe<
  {
    apiVersion: string;
    kind: string;
    metadata: {
      name: string;
      namespace?: string;
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
    };
    when?: Static<typeof commonProperties.when>;
    or?: Static<typeof commonProperties.or>;
    forEach?: Static<typeof commonProperties.forEach>;
    reconcile?: boolean;
  } & Record<string, unknown>
>({
  type: 'object',
  description:
    'A raw manifest of any kind (apiVersion, kind, metadata, and the rest verbatim); strings may be templates.',
  'x-kubernetes-preserve-unknown-fields': true,
  required: ['apiVersion', 'kind', 'metadata'],
  properties: {
    apiVersion: Type.String({ description: 'e.g. monitoring.coreos.com/v1', minLength: 1, maxLength: 253 }),
    kind: Type.String({ description: 'e.g. ServiceMonitor', pattern: '^[A-Z][A-Za-z0-9]*$', maxLength: 63 }),
    metadata: Type.Object(
      {
        name: template('Name (a template).', { minLength: 1 }),
        namespace: Type.Optional(template('Namespace (a template).')),
        labels: Type.Optional(stringMap('Labels.')),
        annotations: Type.Optional(stringMap('Annotations.')),
      },
      { description: 'Object metadata; only these fields are taken.' },
    ),
    ...gateProperties,
    forEach: commonProperties.forEach,
    reconcile: commonProperties.reconcile,
  },
});

/** The shorthand kinds, by the key they are listed under. */
export const childKinds = {
  deployments: DeploymentChild,
  statefulSets: StatefulSetChild,
  jobs: JobChild,
  cronJobs: CronJobChild,
  services: ServiceChild,
  ingresses: IngressChild,
  configMaps: ConfigMapChild,
  secrets: SecretChild,
  serviceAccounts: ServiceAccountChild,
  persistentVolumeClaims: PersistentVolumeClaimChild,
  hpa: HorizontalPodAutoscalerChild,
  pdb: PodDisruptionBudgetChild,
  networkPolicies: NetworkPolicyChild,
  roles: RoleChild,
  roleBindings: RoleBindingChild,
} as const;
export type ChildKindKey = keyof typeof childKinds | 'custom';

const childSetProperties = {
  deployments: list(DeploymentChild, 'Deployments.'),
  statefulSets: list(StatefulSetChild, 'StatefulSets.'),
  jobs: list(JobChild, 'Jobs.'),
  cronJobs: list(CronJobChild, 'CronJobs.'),
  services: list(ServiceChild, 'Services.'),
  ingresses: list(IngressChild, 'Ingresses.'),
  configMaps: list(ConfigMapChild, 'ConfigMaps.'),
  secrets: list(SecretChild, 'Secrets.'),
  serviceAccounts: list(ServiceAccountChild, 'ServiceAccounts.'),
  persistentVolumeClaims: list(PersistentVolumeClaimChild, 'PersistentVolumeClaims.'),
  hpa: list(HorizontalPodAutoscalerChild, 'HorizontalPodAutoscalers.'),
  pdb: list(PodDisruptionBudgetChild, 'PodDisruptionBudgets.'),
  networkPolicies: list(NetworkPolicyChild, 'NetworkPolicies.'),
  roles: list(RoleChild, 'Roles.'),
  roleBindings: list(RoleBindingChild, 'RoleBindings.'),
  custom: list(CustomChild, 'Raw manifests of any other kind, third-party CRDs included.'),
};

export function childSet(description: string) {
  return Type.Object(childSetProperties, { description });
}
export const ChildSet = childSet('Child resources, by kind.');
export type ChildSet = Static<typeof ChildSet>;

// onDelete targets occur too often for fieldPath's CEL rule in the CRD's cost budget (see
// api-types/schema.ts); the loader rejects their reserved segments.
const deleteForEach = forEachOf(
  Type.String({
    description: 'List to iterate, e.g. spec.databases.',
    ...crdDescription('e.g. spec.dbs'),
    pattern: FIELD_PATH,
    maxLength: FOR_EACH_MAX_LENGTH,
  }),
);

/** What an onDelete group removes: enough to name the objects, nothing to render. */
const DeleteTarget = Type.Object(
  {
    name: commonProperties.name,
    namespace: commonProperties.namespace,
    when: Type.Optional(
      conditionList('Every condition must hold for this object to be deleted.', 4, crdDescription('All must hold.')),
    ),
    forEach: deleteForEach,
  },
  { description: 'An object to delete, named by template.', ...crdDescription('') },
);
const CustomDeleteTarget = Type.Object(
  {
    apiVersion: Type.String({ minLength: 1, maxLength: 253 }),
    kind: Type.String({ pattern: '^[A-Z][A-Za-z0-9]*$', maxLength: 63 }),
    metadata: Type.Object({ name: commonProperties.name, namespace: commonProperties.namespace }),
    when: Type.Optional(conditionList('Every condition must hold for this object to be deleted.', 4)),
    forEach: deleteForEach,
  },
  { description: 'An object of any kind to delete.' },
);

export const DeleteGroup = Type.Object(
  {
    name: Type.String({ description: 'Group name, shown in events and status.', maxLength: 63 }),
    ...Object.fromEntries(Object.keys(childKinds).map((key) => [key, list(DeleteTarget, `${key} to delete.`)])),
    custom: list(CustomDeleteTarget, 'Objects of other kinds to delete.'),
  },
  { description: 'Children removed together; with ordered, the next group waits until these are gone.' },
);
