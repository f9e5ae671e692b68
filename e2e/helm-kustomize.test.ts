// The Helm chart and the kustomize base with the real tools: Helm v4 (built from the Go module
// proxy by e2e/binaries/build-gitops.sh) lints and renders the chart, values.schema.json rejects
// bad values, and what the chart and `kubectl kustomize deploy/base` render is applied
// server-side to the local control plane into namespaces that enforce Pod Security "restricted":
// every object is accepted, and kube-controller-manager's ReplicaSets get their Pods admitted.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, stringify } from 'yaml';
import type { KubeObject } from '../controller/kube/object.ts';
import { gitopsToolsDir } from './support/gitops-tools.ts';
import { kubectl, kubectlOk, runCommand } from './support/kubectl.ts';
import { eventually } from './support/wait.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const CHART = `${root}deploy/helm/orkestra`;
const PID = process.pid;
const NS = `helm-${PID}`;
const RELEASE = `ork-${PID}`;
const BASE_NS = 'orkestra-system';
const MANAGER = 'orkestra-helm-e2e';
const RESTRICTED = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/enforce-version': 'latest',
};

type Doc = KubeObject & { spec?: Record<string, unknown>; data?: Record<string, string> };
interface PodSpecDoc {
  spec: {
    replicas: number;
    template: {
      spec: {
        imagePullSecrets?: { name: string }[];
        securityContext?: Record<string, unknown>;
        containers: {
          args: string[];
          ports: { name: string; containerPort: number }[];
          resources: unknown;
          securityContext: Record<string, unknown>;
        }[];
      };
    };
  };
}

let work: string;
/** Everything applied, CRDs aside (other suites use them), deleted at the end. */
const applied: Doc[] = [];

async function helm(args: readonly string[]) {
  return runCommand(`${await gitopsToolsDir()}/helm`, args);
}
async function helmOk(args: readonly string[]): Promise<string> {
  const r = await helm(args);
  if (r.code !== 0) throw new Error(`helm ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}
async function valuesFile(name: string, values: unknown): Promise<string> {
  const path = `${work}/${name}.yaml`;
  await writeFile(path, stringify(values));
  return path;
}
function docs(text: string): Doc[] {
  return parseAllDocuments(text)
    .map((d) => d.toJSON() as Doc | null)
    .filter((d): d is Doc => d !== null);
}
function find(all: Doc[], kind: string, suffix = ''): Doc {
  const d = all.find((o) => o.kind === kind && o.metadata.name.endsWith(suffix));
  assert.ok(d, `${kind} *${suffix} rendered`);
  return d;
}
/** Applies `text` server-side (for real) and returns what the API server answered per object. */
async function applyServerSide(text: string): Promise<string> {
  applied.push(...docs(text).filter((d) => d.kind !== 'CustomResourceDefinition'));
  return kubectlOk(['apply', '--server-side', `--field-manager=${MANAGER}`, '-f', '-'], text);
}
/** Applies `text` server-side and checks the API server accepted every object in it. */
async function applyAllAccepted(text: string) {
  const out = await applyServerSide(text);
  for (const d of docs(text)) {
    assert.match(out, new RegExp(`${d.metadata.name} (serverside-applied|unchanged)`), `${d.kind} ${d.metadata.name}`);
  }
}
/** The conditions of the Deployment's ReplicaSets, as JSON (ReplicaFailure when Pods are refused). */
async function replicaSetConditions(namespace: string, deployment: string): Promise<string> {
  const rs = JSON.parse(await kubectlOk(['-n', namespace, 'get', 'replicasets', '-o', 'json'])) as {
    items: { metadata: { ownerReferences?: { name: string }[] }; status: Record<string, unknown> }[];
  };
  const mine = rs.items.filter((r) => r.metadata.ownerReferences?.some((o) => o.name === deployment));
  return JSON.stringify(mine.map((r) => r.status.conditions ?? []));
}
/** The Deployment's ReplicaSet gets its Pods created, so Pod Security admission let them in. */
async function podsAdmitted(namespace: string, deployment: string, replicas: number) {
  await eventually(
    `${replicas} pods of ${namespace}/${deployment} admitted`,
    async () => {
      const conditions = await replicaSetConditions(namespace, deployment);
      if (conditions.includes('FailedCreate')) throw new Error(`pods refused: ${conditions}`);
      const pods = JSON.parse(await kubectlOk(['-n', namespace, 'get', 'pods', '-o', 'json'])) as { items: unknown[] };
      return pods.items.length === replicas;
    },
    30_000,
    250,
  );
}

const VALUES = {
  replicas: 3,
  leaderElection: { enabled: true, leaseName: 'ork-lease' },
  logLevel: 'debug',
  resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } },
  webhooks: { enabled: true, port: 9443 },
  ui: { enabled: true, tokenSecret: 'orkestra-ui-token', servicePort: 80 },
  imagePullSecrets: [{ name: 'regcred' }],
  rbac: { create: true, aggregation: true, builtinChildren: true },
};

before(async () => {
  work = await mkdtemp(`${tmpdir()}/orkestra-helm-`);
  await gitopsToolsDir();
  await kubectlOk(['create', 'namespace', NS]);
  await kubectlOk(['label', 'namespace', NS, ...Object.entries(RESTRICTED).map(([k, v]) => `${k}=${v}`)]);
});

after(async () => {
  const manifests = applied.map((d) => stringify(d)).join('---\n');
  await kubectl(['delete', '--ignore-not-found', '--wait=false', '-f', '-'], manifests);
  // The base's namespace is waited for: e2e/deploy.test.ts applies the base again.
  await kubectl(['delete', 'namespace', BASE_NS, '--ignore-not-found', '--timeout=60s']);
  await kubectl(['delete', 'namespace', NS, '--ignore-not-found', '--wait=false']);
  await rm(work, { recursive: true, force: true });
});

describe('Helm chart and kustomize base with the real tools', () => {
  test('helm lint passes, with the defaults and with every value set', async () => {
    await helmOk(['lint', '--strict', CHART]);
    await helmOk(['lint', '--strict', CHART, '-f', await valuesFile('all', VALUES)]);
  });

  test('values.schema.json rejects values the chart cannot use, naming them', async () => {
    for (const [values, field] of [
      [{ logLevel: 'loud' }, 'logLevel'],
      [{ replicas: 'two' }, 'replicas'],
      [{ imagePullSecrets: ['regcred'] }, 'imagePullSecrets'],
      [{ leaderElection: { leaseDuration: '15 seconds' } }, 'leaseDuration'],
      [{ replica: 2 }, 'replica'],
    ] as const) {
      const r = await helm(['template', RELEASE, CHART, '-f', await valuesFile('bad', values)]);
      assert.notEqual(r.code, 0, `${JSON.stringify(values)} must be rejected`);
      assert.match(r.stderr, /values don't meet the specifications of the schema/);
      assert.match(r.stderr, new RegExp(field), r.stderr);
    }
  });

  test('helm template renders each value where it belongs', async () => {
    const all = docs(await helmOk(['template', RELEASE, CHART, '-n', NS, '-f', await valuesFile('all', VALUES)]));
    const deploy = find(all, 'Deployment') as unknown as PodSpecDoc;
    const pod = deploy.spec.template.spec;
    const container = pod.containers[0];
    assert.ok(container);
    assert.equal(deploy.spec.replicas, 3);
    assert.ok(container.args.includes('--leader-elect'));
    assert.ok(container.args.includes('--lease-name=ork-lease'));
    assert.ok(container.args.includes('--log-level=debug'));
    // Helm merges values into the defaults: limits.cpu keeps its default.
    assert.deepEqual(container.resources, {
      requests: VALUES.resources.requests,
      limits: { cpu: '1', memory: '512Mi' },
    });
    assert.deepEqual(pod.imagePullSecrets, [{ name: 'regcred' }]);
    assert.deepEqual(
      container.ports.map((p) => p.name),
      ['http-metrics', 'https-webhook'],
    );
    assert.equal(find(all, 'Service', '-webhook').kind, 'Service');
    assert.equal(find(all, 'Service', '-ui').kind, 'Service');
    assert.deepEqual(pod.securityContext?.seccompProfile, { type: 'RuntimeDefault' });
    assert.equal(container.securityContext.readOnlyRootFilesystem, true);
    assert.equal(container.securityContext.allowPrivilegeEscalation, false);
    assert.ok(all.some((d) => d.kind === 'ClusterRole'));

    const off = docs(
      await helmOk([
        'template',
        RELEASE,
        CHART,
        '-n',
        NS,
        '-f',
        await valuesFile('off', {
          leaderElection: { enabled: false },
          webhooks: { enabled: false },
          ui: { enabled: false },
          rbac: { create: false },
        }),
      ]),
    );
    const offContainer = (find(off, 'Deployment') as unknown as PodSpecDoc).spec.template.spec.containers[0];
    assert.ok(offContainer && !offContainer.args.includes('--leader-elect'));
    assert.equal(off.filter((d) => d.kind === 'Service').length, 1, 'only the metrics Service');
    assert.equal(off.filter((d) => d.kind.startsWith('ClusterRole') || d.kind.startsWith('Role')).length, 0);
  });

  test('the rendered chart, CRDs included, is applied server-side; restricted Pod Security admits its Pods', async () => {
    const rendered = await helmOk([
      'template',
      RELEASE,
      CHART,
      '-n',
      NS,
      '--include-crds',
      '-f',
      await valuesFile('all', VALUES),
    ]);
    await applyAllAccepted(rendered);
    await podsAdmitted(NS, `${RELEASE}-orkestra`, 3);
  });

  test('restricted Pod Security refuses the Pods when the security contexts are removed', async () => {
    const ns = `${NS}-open`;
    await kubectlOk(['create', 'namespace', ns]);
    try {
      await kubectlOk(['label', 'namespace', ns, ...Object.entries(RESTRICTED).map(([k, v]) => `${k}=${v}`)]);
      const rendered = await helmOk([
        'template',
        `${RELEASE}-open`,
        CHART,
        '-n',
        ns,
        '-f',
        // null removes a default in Helm (an empty map would merge into it and change nothing).
        await valuesFile('open', { rbac: { create: false }, podSecurityContext: null, securityContext: null }),
      ]);
      await applyServerSide(rendered);
      const refused = await eventually(
        'the ReplicaSet reports its Pods refused',
        async () => {
          const conditions = await replicaSetConditions(ns, `${RELEASE}-open-orkestra`);
          return conditions.includes('FailedCreate') && conditions;
        },
        30_000,
        250,
      );
      assert.match(refused, /violates PodSecurity \\"restricted:latest\\"/);
      assert.match(refused, /allowPrivilegeEscalation != false/);
      const pods = JSON.parse(await kubectlOk(['-n', ns, 'get', 'pods', '-o', 'json'])) as { items: unknown[] };
      assert.equal(pods.items.length, 0);
    } finally {
      await kubectl(['delete', 'namespace', ns, '--wait=false']);
    }
  });

  test('kubectl kustomize deploy/base is applied server-side; restricted Pod Security admits its Pods', async () => {
    await kubectlOk(['apply', '--server-side', '-f', `${root}crds/`]);
    const rendered = await kubectlOk(['kustomize', `${root}deploy/base`]);
    await applyAllAccepted(rendered);
    const ns = JSON.parse(await kubectlOk(['get', 'namespace', BASE_NS, '-o', 'json'])) as KubeObject;
    assert.equal(ns.metadata.labels?.['pod-security.kubernetes.io/enforce'], 'restricted');
    const deployment = find(docs(rendered), 'Deployment');
    await podsAdmitted(BASE_NS, deployment.metadata.name, 2);
  });
});
