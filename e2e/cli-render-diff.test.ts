// `orkestra render` and `orkestra diff` against the real API server, with the controller running:
// render's output is accepted by a server-side dry-run apply and equals, field by field, what
// the controller applied; diff reports nothing once the controller converged, and exactly the
// changed field after an edit of the Katalog.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type ApiClient, createApiClient, loadKubeConfig } from '../controller/kube/api-client.ts';
import { carriesAll } from '../controller/kube/apply.ts';
import type { KubeList, KubeObject } from '../controller/kube/object.ts';
import { getOrUndefined, type InProcessController, startInProcessController } from './support/controller.ts';
import { assertConverged, type ConvergedStatus } from './support/converged.ts';
import { kubectl, kubectlOk, testKubeconfig } from './support/kubectl.ts';
import { orkestra } from './support/orkestra-cli.ts';
import { eventually } from './support/wait.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const NS = `render-${process.pid}`;
const KATALOG = `${root}examples/katalogs/web-platform.yaml`;
const tmp = mkdtempSync(join(tmpdir(), 'orkestra-render-'));
const RESOURCES = join(tmp, 'resources.yaml');

let admin: ApiClient;
let running: InProcessController;

before(async () => {
  admin = createApiClient(loadKubeConfig(testKubeconfig()));
  await kubectlOk(['apply', '--server-side', '-f', `${root}crds/`]);
  await kubectlOk(['apply', '--server-side', '-R', '-f', `${root}examples/crds/`]);
  await kubectlOk(['wait', '--for=condition=Established', '--timeout=60s', '-f', `${root}crds/`]);
  await kubectlOk(['wait', '--for=condition=Established', '--timeout=60s', '-R', '-f', `${root}examples/crds/`]);
  running = startInProcessController(createApiClient(loadKubeConfig(testKubeconfig())));
  await kubectlOk(['create', 'namespace', NS]);
  const docs = readFileSync(`${root}examples/resources/team-a.yaml`, 'utf8')
    .split(/^---$/m)
    .filter((d) => !/kind: Namespace/.test(d))
    .map((d) => d.replaceAll('team-a', NS));
  writeFileSync(RESOURCES, docs.join('---\n'));
  await kubectlOk(['apply', '--server-side', '-f', KATALOG]);
  await kubectlOk(['apply', '--server-side', '-f', RESOURCES]);
  await eventually(
    'the example converged',
    async () => {
      for (const plural of ['websites', 'databases']) {
        const o = await getOrUndefined<KubeObject & { status?: ConvergedStatus }>(
          admin,
          `/apis/demo.orkestra.io/v1alpha1/namespaces/${NS}/${plural}/shop`,
        );
        assertConverged(o?.status, 3);
      }
      return true;
    },
    90_000,
  );
});

after(async () => {
  await running?.stop();
  await kubectl(['delete', 'katalog', 'web-platform', '--ignore-not-found', '--wait=false']);
  await kubectl(['delete', 'namespace', NS, `${NS}-dry`, '--ignore-not-found', '--wait=false']);
  admin.close();
});

test('render output is accepted by kubectl apply --server-side --dry-run=server', async () => {
  // Offline, in a namespace of its own: the children are new there, as on a first apply.
  const fresh = `${NS}-dry`;
  await kubectlOk(['create', 'namespace', fresh]);
  const freshResources = join(tmp, 'fresh.yaml');
  writeFileSync(freshResources, readFileSync(RESOURCES, 'utf8').replaceAll(`namespace: ${NS}`, `namespace: ${fresh}`));
  const rendered = await orkestra(['render', KATALOG, freshResources]);
  assert.equal(rendered.code, 0, rendered.stderr);
  assert.match(rendered.stdout, /kind: Deployment/);
  const r = await kubectl(['apply', '--server-side', '--dry-run=server', '-f', '-'], rendered.stdout);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /deployment.apps\/shop serverside-applied \(server dry run\)/);
});

test('render of the live resources equals, field by field, the children the controller applied', async () => {
  const live = await kubectlOk(['get', 'websites.demo.orkestra.io,databases.demo.orkestra.io', '-n', NS, '-o', 'yaml']);
  const liveFile = join(tmp, 'live.yaml');
  writeFileSync(liveFile, live);
  const r = await orkestra(['render', KATALOG, liveFile, '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const rendered = (JSON.parse(r.stdout) as KubeList).items;
  assert.deepEqual(rendered.map((o) => `${o.kind}/${o.metadata.name}`).sort(), [
    'ConfigMap/shop-content',
    'Deployment/shop',
    'PersistentVolumeClaim/shop-data',
    'Service/shop',
    'Service/shop-db',
    'StatefulSet/shop-db',
  ]);
  for (const child of rendered) {
    const path = `${child.apiVersion === 'v1' ? '/api/v1' : `/apis/${child.apiVersion}`}/namespaces/${NS}/${child.kind.toLowerCase()}s/${child.metadata.name}`;
    const applied = await getOrUndefined<KubeObject>(admin, path);
    assert.ok(applied, `${child.kind} ${child.metadata.name} exists`);
    assert.ok(carriesAll(child, applied), `${child.kind} ${child.metadata.name}: live differs from render`);
    assert.deepEqual(applied.metadata.ownerReferences, child.metadata.ownerReferences);
    assert.deepEqual(applied.metadata.labels, child.metadata.labels);
    // And the other way round: orkestra's fields on the live object are exactly the rendered ones.
    const mine = (applied.metadata.managedFields as { manager: string; operation: string }[] | undefined)?.filter(
      (m) => m.manager === 'orkestra' && m.operation === 'Apply',
    );
    assert.equal(mine?.length, 1, `${child.kind} ${child.metadata.name} applied by orkestra`);
  }
});

test('diff reports nothing after convergence, and exactly the changed field after a Katalog edit', async () => {
  const args = ['--kubeconfig', testKubeconfig(), '-n', NS];
  const clean = await orkestra(['diff', KATALOG, ...args]);
  assert.equal(clean.code, 0, `${clean.stdout}${clean.stderr}`);
  assert.equal(clean.stdout, '');

  const edited = join(tmp, 'edited.yaml');
  writeFileSync(
    edited,
    readFileSync(KATALOG, 'utf8')
      .replace('"<h1>{{ .spec.message', '"<h2>{{ .spec.message')
      .replace('}}</h1>"', '}}</h2>"'),
  );
  const changed = await orkestra(['diff', edited, ...args]);
  assert.equal(changed.code, 1, changed.stderr);
  assert.match(changed.stdout, new RegExp(`^--- live/ConfigMap/${NS}/shop-content`, 'm'));
  const lines = changed.stdout.split('\n').filter((l) => /^[-+]/.test(l) && !/^(---|\+\+\+) /.test(l));
  assert.deepEqual(lines, [
    '-  index.html: <h1>Welcome to the shop</h1>',
    '+  index.html: <h2>Welcome to the shop</h2>',
  ]);
});
