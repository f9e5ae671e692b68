import { ChildSet, childSet, DeleteGroup } from './children.ts';
import { gateProperties, MutationRule, ValidationRule } from './condition.ts';
import {
  celRules,
  duration,
  fieldPath,
  freeform,
  GROUP,
  mapOf,
  oneOf,
  QUALIFIED_NAME,
  RFC1123_LABEL,
  type Static,
  stringList,
  Type,
  template,
  VERSION,
} from './schema.ts';

export const ApiTypes = Type.Object(
  {
    group: Type.String({
      description: 'API group of the managed CRD, e.g. demo.orkestra.io.',
      pattern: GROUP,
      maxLength: 253,
    }),
    version: Type.String({
      description: 'Served version the box watches, e.g. v1alpha1.',
      pattern: VERSION,
      maxLength: 32,
    }),
    kind: Type.String({ description: 'Kind, e.g. Website.', pattern: '^[A-Z][A-Za-z0-9]*$', maxLength: 63 }),
    plural: Type.Optional(
      Type.String({
        description: 'Resource name, e.g. websites (default: discovered from the CRD).',
        pattern: '^[a-z][a-z0-9]*$',
        maxLength: 63,
      }),
    ),
  },
  {
    description: 'The custom resource type this box operates. Orkestra never modifies the CRD itself.',
    ...celRules({
      rule: '!has(self.plural) || self.plural.substring(0, 1) == self.kind.substring(0, 1).lowerAscii()',
      messageExpression:
        "'plural ' + self.plural + ' does not look like the plural of kind ' + self.kind + ' (it must be the lowercase resource name)'",
      fieldPath: '.plural',
    }),
  },
);

const Queue = Type.Object(
  {
    failureThreshold: Type.Optional(
      Type.Integer({
        description:
          'Consecutive failures after which the box is Degraded (default 5); the next success makes it Running again. Failed items are never dropped.',
        minimum: 1,
        maximum: 1000,
      }),
    ),
    maxRetries: Type.Optional(
      Type.Integer({
        description:
          'Ignored, kept so existing Katalogs stay valid: a failing custom resource is retried until it succeeds, with the capped backoff of retryBackoff; failureThreshold marks the box Degraded meanwhile.',
        minimum: 0,
        maximum: 1000,
      }),
    ),
    retryBackoff: Type.Optional(
      Type.Object(
        {
          initial: Type.Optional(duration('First retry delay (default 5ms).')),
          max: Type.Optional(duration('Cap (default 1000s).')),
        },
        { description: 'Per-item exponential backoff.' },
      ),
    ),
    qps: Type.Optional(
      Type.Integer({ description: 'Overall token-bucket rate (default 10).', minimum: 1, maximum: 10000 }),
    ),
    burst: Type.Optional(
      Type.Integer({ description: 'Token-bucket burst (default 100).', minimum: 1, maximum: 100000 }),
    ),
  },
  { description: 'Work queue tuning (client-go semantics).' },
);

const HookCommon = {
  runHooksFirst: Type.Optional(
    Type.Boolean({
      description:
        'Run the hook before the templates (default false: templates first, and the hook sees their output in `rendered`).',
    }),
  ),
  override: Type.Optional(
    Type.Boolean({
      description:
        "A child the hook returns replaces a template's child of the same kind, namespace and name (default false: the template's wins).",
    }),
  ),
  args: Type.Optional(
    mapOf(template('A value (a template over the custom resource).'), 'Arguments passed to the hook as `args`.', {
      maxProperties: 64,
    }),
  ),
};

const TypedHook = Type.Object(
  {
    module: Type.String({
      description: 'Name of the hook module in --hooks-dir: <module>.ts (or .mts, .js, .mjs).',
      pattern: RFC1123_LABEL,
      maxLength: 63,
    }),
    timeout: Type.Optional(duration('Longest one call may run before its worker is terminated (default 10s).')),
    maxHeapMb: Type.Optional(
      Type.Integer({
        description: "Heap limit of the hook's worker threads in MiB (default 64).",
        minimum: 16,
        maximum: 4096,
      }),
    ),
    ...HookCommon,
  },
  { description: 'A typed TypeScript hook, run in worker threads (see docs: hooks).' },
);

const RemoteHook = Type.Object(
  {
    endpoint: template('URL the hook is POSTed to (a template over the custom resource).', {
      maxLength: 2048,
    }),
    timeout: Type.Optional(duration('Longest one call may take (default 10s).')),
    auth: Type.Optional(
      Type.Object(
        {
          secretRef: Type.Object(
            {
              namespace: Type.String({
                pattern: RFC1123_LABEL,
                maxLength: 63,
                description: 'Namespace of the Secret.',
              }),
              name: Type.String({ pattern: QUALIFIED_NAME, maxLength: 253, description: 'Name of the Secret.' }),
              key: Type.String({ maxLength: 253, description: 'Key in the Secret whose value is sent.' }),
            },
            { description: 'The Secret holding the header value; re-read when it changes.' },
          ),
          header: Type.Optional(
            Type.String({
              maxLength: 128,
              pattern: '^[A-Za-z0-9-]+$',
              description: 'Header name (default Authorization).',
            }),
          ),
        },
        { description: 'An authentication header sent with every call.' },
      ),
    ),
    caBundle: Type.Optional(
      Type.String({
        maxLength: 65536,
        description: 'Base64-encoded PEM CA certificates that verify the endpoint (default: the system roots).',
      }),
    ),
    ...HookCommon,
  },
  {
    description: "A dynamic HTTP hook in any language; a superset of Metacontroller's sync hook contract.",
    ...celRules({
      rule: "self.endpoint.startsWith('https://') || self.endpoint.startsWith('http://')",
      message: 'endpoint must be an http:// or https:// URL',
      fieldPath: '.endpoint',
    }),
  },
);

const ManagedResource = Type.Object(
  {
    apiVersion: Type.String({ maxLength: 253, description: 'e.g. v1 or apps/v1.' }),
    kind: Type.String({ pattern: '^[A-Z][A-Za-z0-9]*$', maxLength: 63, description: 'e.g. ConfigMap.' }),
  },
  { description: 'A kind the hook may return as a child and read through its cache accessor.' },
);

const Reconcile = Type.Object(
  {
    workers: Type.Optional(
      Type.Integer({ description: 'Concurrent reconciles for this CRD (default 1).', minimum: 1, maximum: 50 }),
    ),
    resync: Type.Optional(duration('Periodic re-enqueue of every custom resource, e.g. 10m.')),
    queue: Type.Optional(Queue),
    onCreate: Type.Optional(childSet('Children created once, then left alone unless an entry sets reconcile: true.')),
    onReconcile: Type.Optional(childSet('Children applied on every cycle.')),
    onDelete: Type.Optional(
      Type.Object(
        {
          ordered: Type.Optional(Type.Boolean({ description: 'Remove groups one after another.' })),
          timeout: Type.Optional(duration('How long one group may take before a Warning event (default 5m).')),
          groups: Type.Array(DeleteGroup, { description: 'Deletion groups, in order.', maxItems: 8 }),
        },
        { description: 'Runs before the finalizer is released.' },
      ),
    ),
    hooks: Type.Optional(TypedHook),
    remote: Type.Optional(RemoteHook),
    managedResources: Type.Optional(
      Type.Array(ManagedResource, {
        description: "Kinds beyond the templates' that hooks may return and read (their child watches are held).",
        maxItems: 32,
      }),
    ),
  },
  { description: 'How custom resources are reconciled.' },
);

const StatusField = Type.Object(
  {
    path: fieldPath('Path under .status, e.g. url or endpoint.host.', {
      pattern: '^[A-Za-z][A-Za-z0-9]*(\\.[A-Za-z][A-Za-z0-9]*)*$',
    }),
    value: template('Value (a template).'),
    ...gateProperties,
  },
  { description: 'A status field Orkestra writes.' },
);

const Runtime = Type.Object(
  {
    finalizers: Type.Optional(
      stringList('Finalizers added to every custom resource of this box.', 16, { pattern: QUALIFIED_NAME }),
    ),
    allowedNamespaces: Type.Optional(
      stringList('Only these namespaces are reconciled.', 64, { pattern: RFC1123_LABEL }),
    ),
    restrictedNamespaces: Type.Optional(
      stringList('These namespaces are never reconciled.', 64, { pattern: RFC1123_LABEL }),
    ),
  },
  {
    description: 'Runtime scope of the box.',
    ...celRules({
      rule: '!(has(self.allowedNamespaces) && has(self.restrictedNamespaces))',
      message: 'set allowedNamespaces or restrictedNamespaces, not both',
    }),
  },
);

const OperatorBox = Type.Object(
  {
    reconcile: Type.Optional(Reconcile),
    runtime: Type.Optional(Runtime),
    emit: Type.Optional(
      Type.Object(
        {
          status: Type.Optional(
            Type.Object({
              conditions: Type.Optional(
                Type.Boolean({ description: 'Write Ready/Reconciling/Stalled (default true).' }),
              ),
              fields: Type.Optional(
                Type.Array(StatusField, { description: 'Declarative status fields.', maxItems: 32 }),
              ),
            }),
          ),
          events: Type.Optional(Type.Boolean({ description: 'Record Events on custom resources (default true).' })),
        },
        { description: 'What the box reports on each custom resource.' },
      ),
    ),
  },
  { description: 'The controller Orkestra runs for this CRD.' },
);

const ConversionPath = Type.Object(
  {
    from: Type.String({ pattern: VERSION, maxLength: 32, description: 'Source version.' }),
    to: Type.String({ pattern: VERSION, maxLength: 32, description: 'Target version.' }),
    spec: freeform('The target spec; strings are templates over the source object.'),
    status: Type.Optional(
      freeform('The target status, templates over the source object (default: the status carried over as is).'),
    ),
  },
  {
    description: 'How one version converts to another.',
    ...celRules({ rule: 'self.from != self.to', message: 'a conversion path needs two different versions' }),
  },
);

const Admission = Type.Object(
  {
    validation: Type.Optional(
      Type.Object({ rules: Type.Array(ValidationRule, { description: 'Rules, checked in order.', maxItems: 32 }) }),
    ),
    mutation: Type.Optional(
      Type.Object({
        rules: Type.Array(MutationRule, { description: 'Defaults and sets, applied in order.', maxItems: 32 }),
      }),
    ),
    conversion: Type.Optional(
      Type.Object(
        {
          storageVersion: Type.String({ pattern: VERSION, maxLength: 32, description: 'Version stored in etcd.' }),
          paths: Type.Array(ConversionPath, { maxItems: 16, description: 'Conversion paths between served versions.' }),
        },
        {
          description: 'Declarative conversion between served versions.',
          ...celRules({
            rule: 'self.paths.exists(p, p.from == self.storageVersion || p.to == self.storageVersion)',
            message: 'storageVersion must appear in at least one conversion path',
          }),
        },
      ),
    ),
    webhooks: Type.Optional(
      Type.Object(
        {
          failurePolicy: Type.Optional(
            Type.Union([Type.Literal('Fail'), Type.Literal('Ignore')], { description: 'Default Fail.' }),
          ),
          operations: Type.Optional(
            Type.Array(
              Type.Union([
                Type.Literal('CREATE'),
                Type.Literal('UPDATE'),
                Type.Literal('DELETE'),
                Type.Literal('CONNECT'),
              ]),
              { maxItems: 4, 'x-kubernetes-list-type': 'set', description: 'Default CREATE, UPDATE.' },
            ),
          ),
          timeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 30, description: 'Default 10.' })),
        },
        { description: 'Webhook registration settings.' },
      ),
    ),
  },
  { description: 'Enforced at admission (webhooks) and again at reconcile.' },
);

export const Box = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean({ description: 'false stops the box (default true).' })),
    description: Type.Optional(Type.String({ maxLength: 1024 })),
    apiTypes: ApiTypes,
    dependsOn: Type.Optional(
      stringList('Boxes (of the same Katalog) that must be Running before this one starts.', 32, {
        pattern: RFC1123_LABEL,
        maxLength: 63,
      }),
    ),
    operatorBox: Type.Optional(OperatorBox),
    admission: Type.Optional(Admission),
  },
  { description: 'One operator box: a CRD and the controller Orkestra runs for it.' },
);
export type Box = Static<typeof Box>;
export { ChildSet };

export const BOX_PHASES = [
  'Pending',
  'WaitingForCRD',
  'WaitingForDependency',
  'Running',
  'Degraded',
  'Failed',
  'Stopped',
] as const;
export type BoxPhase = (typeof BOX_PHASES)[number];

export const BoxStatus = Type.Object(
  {
    phase: oneOf(BOX_PHASES, { description: 'Lifecycle phase of the box.' }),
    message: Type.Optional(Type.String({ description: 'Why the box is in this phase.', maxLength: 4096 })),
    gvk: Type.Optional(Type.String({ description: 'group/version/Kind the box operates.', maxLength: 512 })),
    workers: Type.Optional(Type.Integer({ description: 'Worker count.' })),
    managed: Type.Optional(Type.Integer({ description: "Custom resources in the box's cache." })),
    queueDepth: Type.Optional(Type.Integer({ description: 'Items waiting in the work queue.' })),
    lastError: Type.Optional(Type.String({ description: 'Most recent reconcile error.', maxLength: 4096 })),
    since: Type.Optional(Type.String({ format: 'date-time', description: 'When the box entered this phase.' })),
    replica: Type.Optional(
      Type.String({
        description:
          'The controller replica (its identity, the pod name in cluster) that runs the box; set when replicas shard the boxes (run --shard).',
        maxLength: 253,
      }),
    ),
  },
  { description: 'Observed state of one box.' },
);
export type BoxStatus = Static<typeof BoxStatus>;
