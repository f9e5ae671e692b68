// deploy/ against a real API server: the kustomize base renders the controller's objects, the
// API server accepts them (and the CRDs and deploy/examples/) in a server-side dry run with Pod
// Security "restricted" raising nothing, and once its RBAC is applied for real the ServiceAccount
// may do what the controller does and nothing beyond it. Everything created is removed at the end.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, stringify } from 'yaml';
import type { KubeObject } from '../controller/kube/object.ts';
import { kubectl, kubectlOk } from './support/kubectl.ts';
import { eventually } from './support/wait.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const BASE = `${root}deploy/base`;
const EXAMPLES = `${root}deploy/examples/`;
const NAMESPACE = 'orkestra-system';
const SERVICE_ACCOUNT = `system:serviceaccount:${NAMESPACE}:orkestra`;
const FIELD_MANAGER = 'orkestra-deploy-e2e';
const AGGREGATE_LABEL = 'orkestra.orkspace.io/aggregate-to-controller';
const ORKESTRA_CRDS = ['katalogs.orkestra.orkspace.io', 'komposers.orkestra.orkspace.io'];
const RBAC_KINDS = new Set(['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding']);

/** The 15 shorthand child kinds, as [API group, resource]. */
const CHILD_RESOURCES: readonly (readonly [string, string])[] = [
  ['apps', 'deployments'],
  ['apps', 'statefulsets'],
  ['batch', 'jobs'],
  ['batch', 'cronjobs'],
  ['', 'services'],
  ['', 'configmaps'],
  ['', 'secrets'],
  ['', 'serviceaccounts'],
  ['', 'persistentvolumeclaims'],
  ['networking.k8s.io', 'ingresses'],
  ['networking.k8s.io', 'networkpolicies'],
  ['autoscaling', 'horizontalpodautoscalers'],
  ['policy', 'poddisruptionbudgets'],
  ['rbac.authorization.k8s.io', 'roles'],
  ['rbac.authorization.k8s.io', 'rolebindings'],
];
const CHILD_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] as const;

interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: { name: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
  ports?: { name: string; containerPort: number }[];
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    runAsNonRoot?: boolean;
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    capabilities?: { drop?: string[] };
    seccompProfile?: { type: string };
  };
}
interface PodSpec {
  serviceAccountName?: string;
  securityContext?: { runAsNonRoot?: boolean; seccompProfile?: { type: string } };
  topologySpreadConstraints?: { topologyKey: string; labelSelector?: { matchLabels?: Record<string, string> } }[];
  affinity?: { podAntiAffinity?: unknown };
  containers: Container[];
}
interface Deployment extends KubeObject {
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
  };
}
interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}
interface Binding extends KubeObject {
  roleRef: { kind: string; name: string };
  subjects: Subject[];
}

function parseDocs(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
}

function toYaml(objects: readonly KubeObject[]): string {
  return objects.map((o) => stringify(o)).join('---\n');
}

function find<T extends KubeObject = KubeObject>(docs: readonly KubeObject[], kind: string, name: string): T {
  const found = docs.find((d) => d.kind === kind && d.metadata.name === name);
  assert.ok(found, `${kind}/${name} rendered`);
  return found as T;
}

/** `kubectl auth can-i … --as=<Orkestra's ServiceAccount>`: true for "yes", false for "no". */
async function canI(
  verb: string,
  resource: string,
  where: { namespace?: string; subresource?: string } = {},
): Promise<boolean> {
  const args = ['auth', 'can-i', verb, resource, `--as=${SERVICE_ACCOUNT}`];
  args.push(...(where.namespace ? ['-n', where.namespace] : ['--all-namespaces']));
  if (where.subresource) args.push(`--subresource=${where.subresource}`);
  const r = await kubectl(args);
  const answer = r.stdout.trim();
  if (r.code === 0 && answer === 'yes') return true;
  if (r.code === 1 && answer.startsWith('no')) return false;
  throw new Error(`kubectl ${args.join(' ')}: exit ${r.code}, ${answer} ${r.stderr}`);
}

interface Access {
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
  readonly subresource?: string;
  readonly namespace?: string;
}
const describeAccess = (a: Access) =>
  `${a.verb} ${a.resource}${a.subresource ? `/${a.subresource}` : ''}${a.group ? `.${a.group}` : ''}` +
  (a.namespace ? ` -n ${a.namespace}` : ' (all namespaces)');

/** Many checks in one kubectl call: SubjectAccessReviews for the ServiceAccount, as the API server sees it. */
async function reviewAll(checks: readonly Access[]): Promise<Map<string, boolean>> {
  const reviews = checks.map((a) => ({
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: {
      user: SERVICE_ACCOUNT,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${NAMESPACE}`, 'system:authenticated'],
      resourceAttributes: {
        verb: a.verb,
        group: a.group,
        resource: a.resource,
        ...(a.subresource ? { subresource: a.subresource } : {}),
        ...(a.namespace ? { namespace: a.namespace } : {}),
      },
    },
  }));
  const out = await kubectlOk(
    ['create', '-o', 'yaml', '-f', '-'],
    stringify({ apiVersion: 'v1', kind: 'List', items: reviews }),
  );
  const answers = new Map<string, boolean>();
  for (const doc of parseDocs(out)) {
    const spec = doc.spec as { resourceAttributes: Access };
    answers.set(describeAccess(spec.resourceAttributes), (doc.status as { allowed: boolean }).allowed);
  }
  assert.equal(answers.size, checks.length, 'one review per check');
  return answers;
}

/** Whether kube-controller-manager's clusterrole-aggregation controller runs (it fills `admin`). */
async function aggregationRuns(): Promise<boolean> {
  const admin = JSON.parse(await kubectlOk(['get', 'clusterrole', 'admin', '-o', 'json'])) as { rules?: unknown[] };
  return (admin.rules ?? []).length > 0;
}

/**
 * Deletes the namespace and waits until it is gone. Without kube-controller-manager (`cli.ts exec
 * --no-controller-manager`) nothing empties and finalizes a terminating namespace; the test has
 * deleted everything it created there, so it finalizes the namespace as the namespace controller
 * would. The serviceaccount controller's `default/default` tells whether the controllers run.
 */
async function deleteNamespace(): Promise<void> {
  if ((await kubectl(['get', 'namespace', NAMESPACE])).code !== 0) return;
  await kubectlOk(['delete', 'namespace', NAMESPACE, '--wait=false']);
  const controllersRun = (await kubectl(['get', 'serviceaccount', 'default', '-n', 'default'])).code === 0;
  if (!controllersRun) {
    const ns = JSON.parse(await kubectlOk(['get', 'namespace', NAMESPACE, '-o', 'json'])) as KubeObject & {
      spec?: { finalizers?: string[] };
    };
    ns.spec = { ...ns.spec, finalizers: [] };
    await kubectlOk(['replace', '--raw', `/api/v1/namespaces/${NAMESPACE}/finalize`, '-f', '-'], JSON.stringify(ns));
  }
  await eventually(
    `namespace ${NAMESPACE} deleted`,
    async () => (await kubectl(['get', 'namespace', NAMESPACE])).code !== 0,
    60_000,
    200,
  );
}

describe('deploy/base', () => {
  let docs: KubeObject[] = [];
  let rendered = '';
  const createdClusterScoped: KubeObject[] = [];
  const createdNamespaced: KubeObject[] = [];
  let installedCrds = false;

  before(async () => {
    rendered = await kubectlOk(['kustomize', BASE]);
    docs = parseDocs(rendered);
    // kubectl auth can-i resolves `katalogs.orkestra.orkspace.io` through discovery; without the
    // CRDs it would ask about a resource of that name in the core group. Other suites leave the
    // CRDs installed; this one removes them again only if it installed them.
    if ((await kubectl(['get', 'crd', ...ORKESTRA_CRDS])).code !== 0) {
      installedCrds = true;
      await kubectlOk(['apply', '--server-side', `--field-manager=${FIELD_MANAGER}`, '-f', `${root}crds/`]);
      // Right after creation a CRD may have no conditions yet, which `kubectl wait` reports as an error.
      const established = ['wait', '--for=condition=Established', '--timeout=10s', '-f', `${root}crds/`];
      await eventually(
        'the Orkestra CRDs Established',
        async () => (await kubectl(established)).code === 0,
        30_000,
        200,
      );
    }
  });

  after(async () => {
    const remove = async (objects: readonly KubeObject[]) => {
      if (objects.length > 0)
        await kubectlOk(['delete', '--ignore-not-found', '--wait=false', '-f', '-'], toYaml(objects));
    };
    await remove(createdClusterScoped);
    await remove(createdNamespaced);
    await deleteNamespace();
    if (installedCrds) await kubectlOk(['delete', '--ignore-not-found', '--wait=true', '-f', `${root}crds/`]);
  });

  test('kubectl kustomize renders the controller, its RBAC, Services, webhook Secret and PodDisruptionBudget', () => {
    const names = docs.map((d) => `${d.kind}/${d.metadata.name}`).sort();
    assert.deepEqual(names, [
      'ClusterRole/orkestra-aggregated',
      'ClusterRole/orkestra-children',
      'ClusterRole/orkestra-controller',
      'ClusterRoleBinding/orkestra-aggregated',
      'ClusterRoleBinding/orkestra-children',
      'ClusterRoleBinding/orkestra-controller',
      'Deployment/orkestra-controller',
      `Namespace/${NAMESPACE}`,
      'PodDisruptionBudget/orkestra-controller',
      'Role/orkestra-leader-election',
      'Role/orkestra-registry-credentials',
      'Role/orkestra-webhook-certs',
      'RoleBinding/orkestra-leader-election',
      'RoleBinding/orkestra-registry-credentials',
      'RoleBinding/orkestra-webhook-certs',
      'Secret/orkestra-webhook-certs',
      'Service/orkestra-metrics',
      'Service/orkestra-webhook',
      'ServiceAccount/orkestra',
    ]);
    const clusterScoped = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding']);
    for (const d of docs) {
      assert.equal(d.metadata.namespace, clusterScoped.has(d.kind) ? undefined : NAMESPACE, `${d.kind} namespace`);
      assert.equal(d.metadata.labels?.['app.kubernetes.io/part-of'], 'orkestra', `${d.kind} part-of label`);
    }
    for (const d of docs.filter((o) => o.kind.endsWith('Binding'))) {
      const b = d as Binding;
      assert.deepEqual(b.subjects, [{ kind: 'ServiceAccount', name: 'orkestra', namespace: NAMESPACE }]);
      find(docs, b.roleRef.kind, b.roleRef.name);
    }
    const aggregated = find(docs, 'ClusterRole', 'orkestra-aggregated') as KubeObject & {
      aggregationRule?: { clusterRoleSelectors: { matchLabels: Record<string, string> }[] };
    };
    assert.deepEqual(aggregated.aggregationRule?.clusterRoleSelectors, [
      { matchLabels: { [AGGREGATE_LABEL]: 'true' } },
    ]);
  });

  test('the Deployment runs two leader-electing replicas, probed, spread and locked down', () => {
    const deployment = find<Deployment>(docs, 'Deployment', 'orkestra-controller');
    const { spec } = deployment;
    assert.equal(spec.replicas, 2);
    assert.deepEqual(spec.template.metadata.labels, spec.selector.matchLabels);
    const pod = spec.template.spec;
    assert.equal(pod.serviceAccountName, 'orkestra');
    assert.equal(pod.securityContext?.runAsNonRoot, true);
    assert.equal(pod.securityContext?.seccompProfile?.type, 'RuntimeDefault');
    const spread = pod.topologySpreadConstraints?.find((c) => c.topologyKey === 'kubernetes.io/hostname');
    assert.ok(spread || pod.affinity?.podAntiAffinity, 'replicas spread across nodes');
    assert.deepEqual(spread?.labelSelector?.matchLabels, spec.selector.matchLabels);

    assert.equal(pod.containers.length, 1);
    const [c] = pod.containers as [Container];
    assert.match(c.image, /^ghcr\.io\/orkspace\/orkestra:/);
    assert.deepEqual(c.args?.slice(0, 2), ['run', '--leader-elect']);
    assert.ok(c.args?.includes('--lease-namespace=$(POD_NAMESPACE)'), 'lease in the pod namespace');
    assert.ok(c.args?.includes('--listen=0.0.0.0:8080'));
    assert.ok(c.args?.includes('--webhook-listen=0.0.0.0:9443'));
    assert.ok(c.args?.includes('--webhook-namespace=$(POD_NAMESPACE)'), 'certificate Secret in the pod namespace');
    // Off loopback the Control Center needs a token; the base ships it off.
    assert.ok(c.args?.includes('--ui=false'), 'Control Center off by default');
    const podNamespace = c.env?.find((e) => e.name === 'POD_NAMESPACE');
    assert.equal(podNamespace?.valueFrom?.fieldRef?.fieldPath, 'metadata.namespace');
    assert.deepEqual(
      c.ports?.map((p) => [p.name, p.containerPort]),
      [
        ['http-metrics', 8080],
        ['https-webhook', 9443],
      ],
    );
    assert.deepEqual(c.readinessProbe?.httpGet, { path: '/readyz', port: 'http-metrics' });
    assert.deepEqual(c.livenessProbe?.httpGet, { path: '/healthz', port: 'http-metrics' });
    for (const r of ['cpu', 'memory']) {
      assert.ok(c.resources?.requests?.[r], `${r} request`);
      assert.ok(c.resources?.limits?.[r], `${r} limit`);
    }
    assert.deepEqual(c.securityContext, {
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('the metrics Service and the PodDisruptionBudget select the Deployment pods', () => {
    const selector = find<Deployment>(docs, 'Deployment', 'orkestra-controller').spec.selector.matchLabels;
    const service = find(docs, 'Service', 'orkestra-metrics') as KubeObject & {
      spec: { selector: Record<string, string>; ports: { name: string; port: number; targetPort: string }[] };
    };
    assert.deepEqual(service.spec.selector, selector);
    assert.deepEqual(
      service.spec.ports.map((p) => [p.name, p.port, p.targetPort]),
      [['http-metrics', 8080, 'http-metrics']],
    );
    // Every replica serves webhooks, so the webhook Service selects them all.
    const webhook = find(docs, 'Service', 'orkestra-webhook') as typeof service;
    assert.deepEqual(webhook.spec.selector, selector);
    assert.deepEqual(
      webhook.spec.ports.map((p) => [p.name, p.port, p.targetPort]),
      [['https-webhook', 443, 'https-webhook']],
    );
    const secret = find(docs, 'Secret', 'orkestra-webhook-certs');
    assert.equal(secret.data, undefined, 'the controller fills the certificate Secret; apply never overwrites it');
    const pdb = find(docs, 'PodDisruptionBudget', 'orkestra-controller') as KubeObject & {
      spec: { minAvailable: number; selector: { matchLabels: Record<string, string> } };
    };
    assert.equal(pdb.spec.minAvailable, 1);
    assert.deepEqual(pdb.spec.selector.matchLabels, selector);
  });

  test('the API server accepts the CRDs, the base and the examples in a server-side dry run', async () => {
    // Namespaced objects need their namespace, even in a dry run: create it for real first.
    const namespace = find(docs, 'Namespace', NAMESPACE);
    await kubectlOk(['apply', '--server-side', `--field-manager=${FIELD_MANAGER}`, '-f', '-'], toYaml([namespace]));

    const dryRun = ['apply', '--server-side', '--dry-run=server', `--field-manager=${FIELD_MANAGER}`, '-f'];
    const crds = await kubectl([...dryRun, `${root}crds/`]);
    assert.equal(crds.code, 0, crds.stderr);
    const base = await kubectl([...dryRun, '-'], rendered);
    assert.equal(base.code, 0, base.stderr);
    for (const d of docs) {
      // e.g. `role.rbac.authorization.k8s.io/orkestra-leader-election serverside-applied (server dry run)`
      const line = new RegExp(`^${d.kind.toLowerCase()}(\\.[a-z0-9.-]+)?/${d.metadata.name} serverside-applied`, 'm');
      assert.match(base.stdout, line);
    }
    // The namespace warns on Pod Security "restricted": the Deployment's pods must meet it.
    assert.doesNotMatch(base.stderr, /PodSecurity/, base.stderr);
    const examples = await kubectl([...dryRun, EXAMPLES]);
    assert.equal(examples.code, 0, examples.stderr);
  });

  test('the RBAC, applied, lets the ServiceAccount do what the controller does (kubectl auth can-i)', async () => {
    const rbac = docs.filter((d) => RBAC_KINDS.has(d.kind));
    for (const d of rbac) (d.metadata.namespace ? createdNamespaced : createdClusterScoped).push(d);
    await kubectlOk(['apply', '--server-side', `--field-manager=${FIELD_MANAGER}`, '-f', '-'], toYaml(rbac));

    const yes: [string, string, { namespace?: string; subresource?: string }?][] = [
      ['watch', 'katalogs.orkestra.orkspace.io'],
      ['list', 'komposers.orkestra.orkspace.io'],
      ['patch', 'katalogs.orkestra.orkspace.io', { subresource: 'status' }],
      // The finalizer of a Katalog with onDelete: Delete.
      ['patch', 'katalogs.orkestra.orkspace.io'],
      ['patch', 'komposers.orkestra.orkspace.io', { subresource: 'status' }],
      ['watch', 'customresourcedefinitions.apiextensions.k8s.io'],
      ['patch', 'customresourcedefinitions.apiextensions.k8s.io'],
      ['watch', 'validatingwebhookconfigurations.admissionregistration.k8s.io'],
      ['patch', 'validatingwebhookconfigurations.admissionregistration.k8s.io'],
      ['create', 'mutatingwebhookconfigurations.admissionregistration.k8s.io'],
      ['patch', 'mutatingwebhookconfigurations.admissionregistration.k8s.io'],
      ['get', 'secrets/orkestra-webhook-certs', { namespace: NAMESPACE }],
      ['update', 'secrets/orkestra-webhook-certs', { namespace: NAMESPACE }],
      ['create', 'secrets', { namespace: NAMESPACE }],
      ['create', 'events', { namespace: 'default' }],
      ['patch', 'events', { namespace: 'default' }],
      ['create', 'leases.coordination.k8s.io', { namespace: NAMESPACE }],
      ['update', 'leases.coordination.k8s.io', { namespace: NAMESPACE }],
      ['patch', 'deployments.apps', { namespace: 'default' }],
      ['watch', 'deployments.apps'],
    ];
    const no: [string, string, { namespace?: string; subresource?: string }?][] = [
      ['delete', 'nodes'],
      ['create', 'pods', { namespace: 'default' }],
      ['delete', 'katalogs.orkestra.orkspace.io'],
      ['patch', 'komposers.orkestra.orkspace.io'],
      ['update', 'customresourcedefinitions.apiextensions.k8s.io'],
      ['delete', 'validatingwebhookconfigurations.admissionregistration.k8s.io'],
      ['create', 'leases.coordination.k8s.io', { namespace: 'default' }],
      ['create', 'clusterroles.rbac.authorization.k8s.io'],
      ['escalate', 'roles.rbac.authorization.k8s.io', { namespace: 'default' }],
      ['bind', 'clusterroles.rbac.authorization.k8s.io'],
      ['impersonate', 'users'],
    ];
    const [granted, refused] = await Promise.all([
      Promise.all(yes.map(([verb, resource, where]) => canI(verb, resource, where))),
      Promise.all(no.map(([verb, resource, where]) => canI(verb, resource, where))),
    ]);
    yes.forEach(([verb, resource, where], i) => {
      assert.equal(granted[i], true, `can-i ${verb} ${resource} ${JSON.stringify(where ?? {})}: yes`);
    });
    no.forEach(([verb, resource, where], i) => {
      assert.equal(refused[i], false, `can-i ${verb} ${resource} ${JSON.stringify(where ?? {})}: no`);
    });
  });

  test('every verb on all 15 child kinds, cluster-wide, and nothing beyond (SubjectAccessReview)', async () => {
    const allowed: Access[] = CHILD_RESOURCES.flatMap(([group, resource]) =>
      CHILD_VERBS.map((verb) => ({ verb, group, resource })),
    );
    const refused: Access[] = [
      { verb: 'deletecollection', group: 'apps', resource: 'deployments' },
      { verb: 'create', group: '', resource: 'serviceaccounts', subresource: 'token', namespace: 'default' },
      { verb: 'get', group: '', resource: 'pods' },
      { verb: 'list', group: '', resource: 'namespaces' },
      { verb: 'get', group: '', resource: 'nodes' },
      { verb: 'create', group: 'apps', resource: 'daemonsets', namespace: 'default' },
      { verb: 'create', group: 'orkestra.orkspace.io', resource: 'katalogs' },
      { verb: 'update', group: 'orkestra.orkspace.io', resource: 'komposers' },
      { verb: 'get', group: 'demo.orkestra.io', resource: 'websites', namespace: 'default' },
      { verb: 'delete', group: 'admissionregistration.k8s.io', resource: 'validatingwebhookconfigurations' },
      { verb: 'delete', group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions' },
      { verb: 'escalate', group: 'rbac.authorization.k8s.io', resource: 'roles', namespace: 'default' },
      { verb: 'bind', group: 'rbac.authorization.k8s.io', resource: 'roles', namespace: 'default' },
    ];
    const answers = await reviewAll([...allowed, ...refused]);
    const wrong = [
      ...allowed.filter((a) => answers.get(describeAccess(a)) !== true).map((a) => `refused: ${describeAccess(a)}`),
      ...refused.filter((a) => answers.get(describeAccess(a)) !== false).map((a) => `allowed: ${describeAccess(a)}`),
    ];
    assert.deepEqual(wrong, []);
  });

  test('a ClusterRole labelled aggregate-to-controller extends what Orkestra may manage', async () => {
    const [example] = parseDocs(await readFile(`${EXAMPLES}clusterrole-demo-crds.yaml`, 'utf8'));
    assert.ok(example);
    assert.equal(example.metadata.labels?.[AGGREGATE_LABEL], 'true');
    // The harness runs kube-controller-manager's clusterrole-aggregation controller.
    assert.ok(await aggregationRuns(), 'clusterrole-aggregation controller is running');
    createdClusterScoped.push(example);
    await kubectlOk(['apply', '--server-side', `--field-manager=${FIELD_MANAGER}`, '-f', '-'], toYaml([example]));
    await eventually('the demo rules aggregated into orkestra-aggregated', async () => {
      const role = JSON.parse(await kubectlOk(['get', 'clusterrole', 'orkestra-aggregated', '-o', 'json'])) as {
        rules?: { resources?: string[] }[];
      };
      return role.rules?.some((r) => r.resources?.includes('websites/finalizers'));
    });
    // SubjectAccessReviews name the group; kubectl auth can-i would need the demo CRDs installed.
    const website = { group: 'demo.orkestra.io', resource: 'websites', namespace: 'default' };
    const checks: [Access, boolean][] = [
      [{ ...website, verb: 'watch' }, true],
      [{ ...website, verb: 'patch' }, true],
      [{ ...website, verb: 'patch', subresource: 'status' }, true],
      [{ ...website, verb: 'update', subresource: 'finalizers' }, true],
      [{ ...website, verb: 'delete' }, false],
      [{ group: 'monitoring.coreos.com', resource: 'servicemonitors', verb: 'create', namespace: 'default' }, true],
    ];
    const answers = await reviewAll(checks.map(([a]) => a));
    for (const [a, expected] of checks) assert.equal(answers.get(describeAccess(a)), expected, describeAccess(a));
  });
});
