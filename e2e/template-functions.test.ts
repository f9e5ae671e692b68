// Template functions through the real controller: a Katalog using Sprig's int, add, join, dict,
// toYaml | nindent and semverCompare renders the ConfigMap that Go text/template + Sprig renders
// for the same expressions over the same custom resource (the Go oracle of
// controller/render/template/oracle/); a Katalog calling now, randAlphaNum or env is Failed, and
// its status says why, with the field path.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Katalog } from '../api-types/katalog.ts';
import { type ApiClient, createApiClient, loadKubeConfig } from '../controller/kube/api-client.ts';
import type { KubeObject } from '../controller/kube/object.ts';
import { ACCEPTANCE_TEMPLATES } from '../controller/render/template/oracle/corpus.ts';
import { renderWithGo } from '../controller/render/template/oracle/run.ts';
import { getOrUndefined, type InProcessController, startInProcessController } from './support/controller.ts';
import { createCrd, testCrd } from './support/crds.ts';
import { kubectlOk } from './support/kubectl.ts';
import { eventually } from './support/wait.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const GROUP = `tmpl${process.pid}.e2e.orkestra.io`;
const NS = `tmpl-${process.pid}`;
const KATALOGS = '/apis/orkestra.orkspace.io/v1alpha1/katalogs';

let client: ApiClient;
let running: InProcessController;

const api = (kind: string) => ({ group: GROUP, version: 'v1', kind, plural: `${kind.toLowerCase()}s` });
const configMapBox = (kind: string, data: Record<string, string>) => ({
  apiTypes: api(kind),
  operatorBox: { reconcile: { onReconcile: { configMaps: [{ name: '{{ .metadata.name }}-rendered', data }] } } },
});

async function applyKatalog(name: string, crds: Katalog['spec']['crds']) {
  await client.request({
    method: 'PATCH',
    path: `${KATALOGS}/${name}`,
    query: { fieldManager: 'e2e', force: true },
    contentType: 'application/apply-patch+yaml',
    body: { apiVersion: 'orkestra.orkspace.io/v1alpha1', kind: 'Katalog', metadata: { name }, spec: { crds } },
  });
}
const katalog = (name: string) => getOrUndefined<Katalog>(client, `${KATALOGS}/${name}`);

before(async () => {
  client = createApiClient(loadKubeConfig(process.env.KUBECONFIG));
  await kubectlOk(['apply', '--server-side', '-f', `${root}crds/`]);
  await kubectlOk(['wait', '--for=condition=Established', '--timeout=30s', '-f', `${root}crds/`]);
  await kubectlOk(['create', 'namespace', NS]);
  await createCrd(client, testCrd(GROUP, 'Site'));
  running = startInProcessController(createApiClient(loadKubeConfig(process.env.KUBECONFIG)));
  await running.root.waitForSync();
});

after(async () => {
  await running?.stop();
  for (const name of [`sprig-${process.pid}`, `refused-${process.pid}`]) {
    await client?.request({ method: 'DELETE', path: `${KATALOGS}/${name}` }).catch(() => undefined);
  }
  await kubectlOk(['delete', 'namespace', NS, '--wait=false']).catch(() => undefined);
  client?.close();
});

describe('template functions', () => {
  test('a Katalog using int, add, join, dict, toYaml | nindent 4, semverCompare renders what Go + Sprig renders', async () => {
    await applyKatalog(`sprig-${process.pid}`, { site: configMapBox('Site', { ...ACCEPTANCE_TEMPLATES }) });
    const spec = {
      replicas: '2',
      version: '1.25.3',
      config: { listen: ':8080', upstreams: ['a', 'b'], tls: { enabled: true }, 'max-body': '10m' },
    };
    await client.request({
      method: 'POST',
      path: `/apis/${GROUP}/v1/namespaces/${NS}/sites`,
      body: { apiVersion: `${GROUP}/v1`, kind: 'Site', metadata: { name: 'shop', namespace: NS }, spec },
    });
    const path = `/api/v1/namespaces/${NS}/configmaps/shop-rendered`;
    await eventually('ConfigMap rendered', async () => (await getOrUndefined(client, path)) !== undefined, 10_000);
    const configMap = (await getOrUndefined<KubeObject & { data: Record<string, string> }>(client, path)) as {
      data: Record<string, string>;
    };
    // The custom resource as the API server returns it: what Go decodes (integers as int64).
    const cr = await client.request<KubeObject>({
      method: 'GET',
      path: `/apis/${GROUP}/v1/namespaces/${NS}/sites/shop`,
    });
    const keys = Object.keys(ACCEPTANCE_TEMPLATES) as Array<keyof typeof ACCEPTANCE_TEMPLATES>;
    const go = renderWithGo(
      keys.map((k) => ({ template: ACCEPTANCE_TEMPLATES[k], data: 'cr' })),
      { cr },
    );
    keys.forEach((key, i) => {
      assert.deepEqual(go[i]?.ok, true, `Go failed on ${key}: ${go[i]?.text}`);
      assert.equal(configMap.data[key], go[i]?.text, key);
    });
    assert.equal(configMap.data.replicas, '3');
    assert.match(configMap.data.config ?? '', /^server:\n {4}listen: :8080\n {4}max-body: 10m\n/);
  });

  test('now, randAlphaNum and env are refused: the box is Failed with the reason and the field path', async () => {
    const name = `refused-${process.pid}`;
    await applyKatalog(name, {
      clock: configMapBox('Clock', { at: '{{ now }}' }),
      random: configMapBox('Random', { token: '{{ randAlphaNum 16 }}' }),
      environment: configMapBox('Environment', { home: '{{ env "HOME" }}' }),
    });
    const expected: Record<string, RegExp> = {
      clock:
        /^spec\.crds\.clock\.operatorBox\.reconcile\.onReconcile\.configMaps\[0\]\.data\.at: .*function "now" is not allowed: it reads the clock/,
      random:
        /^spec\.crds\.random\.operatorBox\.reconcile\.onReconcile\.configMaps\[0\]\.data\.token: .*function "randAlphaNum" is not allowed: its result changes on every call/,
      environment:
        /^spec\.crds\.environment\.operatorBox\.reconcile\.onReconcile\.configMaps\[0\]\.data\.home: .*function "env" is not allowed: templates must not read the controller's environment/,
    };
    await eventually(
      'all three boxes Failed',
      async () => {
        const boxes = (await katalog(name))?.status?.boxes ?? {};
        return Object.keys(expected).every((b) => boxes[b]?.phase === 'Failed');
      },
      10_000,
    );
    const boxes = (await katalog(name))?.status?.boxes ?? {};
    for (const [box, message] of Object.entries(expected)) assert.match(boxes[box]?.message ?? '', message, box);
  });
});
