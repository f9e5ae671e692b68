// `orkestra rbac` end to end: the controller runs under a ServiceAccount bound only to the RBAC
// the CLI generated for the example Katalog, and the example still converges: boxes Running,
// children applied, status written. Anything the generated role forgot would surface as a 403.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type ApiClient, createApiClient, loadKubeConfig } from '../controller/kube/api-client.ts';
import type { KubeObject } from '../controller/kube/object.ts';
import { getOrUndefined, type InProcessController, startInProcessController } from './support/controller.ts';
import { assertConverged, type ConvergedStatus } from './support/converged.ts';
import { kubectl, kubectlOk } from './support/kubectl.ts';
import { orkestraOk } from './support/orkestra-cli.ts';
import { ensureServiceAccount, serviceAccountClient } from './support/service-account.ts';
import { eventually } from './support/wait.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const SA_NS = 'e2e-cli-rbac';
const ROLE = 'e2e-cli-rbac-generated';
const NS = `rbac-${process.pid}`;
const KATALOG = `${root}examples/katalogs/web-platform.yaml`;

let admin: ApiClient;
let controllerClient: ApiClient;
let running: InProcessController | undefined;
let generated: string;

before(async () => {
  admin = createApiClient(loadKubeConfig(process.env.KUBECONFIG));
  await kubectlOk(['apply', '--server-side', '-f', `${root}crds/`]);
  await kubectlOk(['apply', '--server-side', '-R', '-f', `${root}examples/crds/`]);
  await kubectlOk(['wait', '--for=condition=Established', '--timeout=60s', '-f', `${root}crds/`]);
  await kubectlOk(['wait', '--for=condition=Established', '--timeout=60s', '-R', '-f', `${root}examples/crds/`]);
  const sa = await ensureServiceAccount(admin, SA_NS, 'orkestra');
  generated = await orkestraOk([
    'rbac',
    KATALOG,
    '--crd',
    `${root}examples/crds`,
    '--name',
    ROLE,
    '--service-account',
    `${SA_NS}/orkestra`,
    '--lease-namespace',
    SA_NS,
  ]);
  await kubectlOk(['apply', '--server-side', '-f', '-'], generated);
  controllerClient = await serviceAccountClient(admin, sa);
});

after(async () => {
  await running?.stop();
  controllerClient?.close();
  await kubectl(['delete', 'katalog', 'web-platform', '--ignore-not-found', '--wait=false']);
  await kubectl(['delete', 'namespace', NS, '--ignore-not-found', '--wait=false']);
  await kubectl(['delete', '-f', '-', '--ignore-not-found'], generated);
  admin.close();
});

async function canI(verb: string, resource: string, namespace = NS): Promise<boolean> {
  const r = await kubectl([
    'auth',
    'can-i',
    verb,
    resource,
    '-n',
    namespace,
    `--as=system:serviceaccount:${SA_NS}:orkestra`,
  ]);
  return r.stdout.trim() === 'yes';
}

test('the generated role grants what the boxes use and nothing broad', async () => {
  assert.equal(await canI('patch', 'deployments.apps'), true);
  assert.equal(await canI('watch', 'servicemonitors.monitoring.coreos.com'), true);
  assert.equal(await canI('patch', 'websites.demo.orkestra.io/status'), true);
  assert.equal(await canI('update', 'leases.coordination.k8s.io', SA_NS), true);
  // Not used by the example's boxes: secrets, jobs, other teams' leases, RBAC itself.
  assert.equal(await canI('list', 'secrets'), false);
  assert.equal(await canI('create', 'jobs.batch'), false);
  assert.equal(await canI('update', 'leases.coordination.k8s.io', 'kube-system'), false);
  assert.equal(await canI('create', 'clusterroles.rbac.authorization.k8s.io'), false);
});

test('the example Katalog converges under the generated role alone', async () => {
  running = startInProcessController(controllerClient);
  await kubectlOk(['create', 'namespace', NS]);
  await kubectlOk(['apply', '--server-side', '-f', KATALOG]);
  const resources = (await import('node:fs')).readFileSync(`${root}examples/resources/team-a.yaml`, 'utf8');
  // The example resources, in this suite's own namespace (the Namespace document is left out).
  const docs = resources
    .split(/^---$/m)
    .filter((d) => !/kind: Namespace/.test(d))
    .map((d) => d.replaceAll('team-a', NS));
  await kubectlOk(['apply', '--server-side', '-f', '-'], docs.join('---\n'));

  await eventually(
    'both boxes Running',
    async () => {
      const k = await getOrUndefined<
        KubeObject & { status?: { boxes?: Record<string, { phase: string; message?: string }> } }
      >(admin, '/apis/orkestra.orkspace.io/v1alpha1/katalogs/web-platform');
      const boxes = k?.status?.boxes ?? {};
      assert.equal(boxes.database?.phase, 'Running', JSON.stringify(boxes));
      assert.equal(boxes.website?.phase, 'Running', JSON.stringify(boxes));
      return true;
    },
    60_000,
  );
  await eventually(
    'children applied and status written',
    async () => {
      assert.ok(
        await getOrUndefined(admin, `/apis/apps/v1/namespaces/${NS}/statefulsets/shop-db`),
        'statefulset shop-db',
      );
      assert.ok(
        await getOrUndefined(admin, `/api/v1/namespaces/${NS}/persistentvolumeclaims/shop-data`),
        'pvc shop-data',
      );
      assert.ok(await getOrUndefined(admin, `/apis/apps/v1/namespaces/${NS}/deployments/shop`), 'deployment shop');
      assert.ok(await getOrUndefined(admin, `/api/v1/namespaces/${NS}/services/shop`), 'service shop');
      assert.ok(
        await getOrUndefined(admin, `/api/v1/namespaces/${NS}/configmaps/shop-content`),
        'configmap shop-content',
      );
      const site = await getOrUndefined<KubeObject & { status?: ConvergedStatus }>(
        admin,
        `/apis/demo.orkestra.io/v1alpha1/namespaces/${NS}/websites/shop`,
      );
      assert.equal(site?.status?.url, `http://shop.${NS}.svc`);
      assertConverged(site?.status, 3);
      const db = await getOrUndefined<KubeObject & { status?: ConvergedStatus }>(
        admin,
        `/apis/demo.orkestra.io/v1alpha1/namespaces/${NS}/databases/shop`,
      );
      assertConverged(db?.status, 3);
      assert.ok(site?.metadata.finalizers?.includes('orkestra.orkspace.io/finalizer'), 'finalizer added');
      return true;
    },
    60_000,
  );
});
