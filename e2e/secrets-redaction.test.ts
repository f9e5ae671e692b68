// Secrets never leave the Secret: a box renders a value derived from a custom resource field (its
// SHA-256, so the value exists nowhere but in what the box rendered) into a child Secret, for one
// custom resource that converges and one whose reconcile fails, and the value (plain or base64)
// appears nowhere else — not in the controller's logs, Events, the Katalog's or the custom
// resources' status, the Control Center's views or /metrics.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { type ApiClient, createApiClient, loadKubeConfig } from '../controller/kube/api-client.ts';
import type { KubeList, KubeObject } from '../controller/kube/object.ts';
import { customResource, GROUP, hostileKatalog, typedCrd, VERSION } from './hostile/kinds.ts';
import { getOrUndefined } from './support/controller.ts';
import { applyOrkestraCrds, createCrd } from './support/crds.ts';
import { deleteAndWaitGone } from './support/custom-resources.ts';
import { type OrkestraProcess, startOrkestra } from './support/orkestra-process.ts';
import { eventually } from './support/wait.ts';

const NS = `secrets-${process.pid}`;
const KIND = 'Vault';
const KATALOG = 'secrets-redaction';
const SEED = 'Zq9-hunter2-s3cr3t-VALUE';
const SECRET = createHash('sha256').update(SEED).digest('hex');
const crPath = (name = '') => `/apis/${GROUP}/${VERSION}/namespaces/${NS}/vaults${name ? `/${name}` : ''}`;
type Cr = KubeObject & { status?: { conditions?: { type: string; status: string; message?: string }[] } };

let client: ApiClient;
let orkestra: OrkestraProcess;

before(async () => {
  client = createApiClient(loadKubeConfig(process.env.KUBECONFIG));
  await applyOrkestraCrds();
  await client.request({ method: 'POST', path: '/api/v1/namespaces', body: { metadata: { name: NS } } });
  await createCrd(client, typedCrd(KIND));
  orkestra = startOrkestra(['--listen', '127.0.0.1:0']);
  // Loading the controller's modules can take longer than baseUrl()'s default wait on a loaded machine.
  await orkestra.baseUrl(90_000);
  const katalog = hostileKatalog(KATALOG, KIND, {
    operatorBox: {
      reconcile: {
        onReconcile: {
          secrets: [
            {
              name: '{{ .metadata.name }}{{ .spec.suffix | default "" }}',
              stringData: { password: '{{ .spec.name | sha256sum }}' },
              reconcile: true,
            },
          ],
        },
      },
    },
  });
  await client.request({ method: 'POST', path: '/apis/orkestra.orkspace.io/v1alpha1/katalogs', body: katalog });
});

after(async () => {
  await orkestra?.stop();
  await client
    .request({ method: 'DELETE', path: `/apis/orkestra.orkspace.io/v1alpha1/katalogs/${KATALOG}` })
    .catch(() => undefined);
  await deleteAndWaitGone(client, [`/api/v1/namespaces/${NS}`], 60_000).catch(() => undefined);
  await client
    .request({ method: 'DELETE', path: `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/vaults.${GROUP}` })
    .catch(() => undefined);
  client?.close();
});

test('a secret value is in the child Secret and nowhere else, whether the reconcile succeeds or fails', async () => {
  await eventually(
    'the vault box Running',
    async () =>
      (
        await getOrUndefined<{ status?: { boxes?: Record<string, { phase?: string }> } }>(
          client,
          `/apis/orkestra.orkspace.io/v1alpha1/katalogs/${KATALOG}`,
        )
      )?.status?.boxes?.vault?.phase === 'Running',
    90_000,
  );
  // One converges; the other's Secret name is refused by the API server, so its reconcile fails.
  await client.request({ method: 'POST', path: crPath(), body: customResource(KIND, 'good', NS, { name: SEED }) });
  await client.request({
    method: 'POST',
    path: crPath(),
    body: customResource(KIND, 'bad', NS, { name: SEED, suffix: '-NOT_A_NAME' }),
  });
  const secret = await eventually(
    'the child Secret',
    () => getOrUndefined<{ data?: Record<string, string> }>(client, `/api/v1/namespaces/${NS}/secrets/good`),
    30_000,
  );
  assert.equal(Buffer.from(secret.data?.password ?? '', 'base64').toString(), SECRET, 'the Secret holds the value');
  await eventually(
    'good Ready, bad failed',
    async () => {
      const ready = async (n: string) =>
        (await getOrUndefined<Cr>(client, crPath(n)))?.status?.conditions?.find((c) => c.type === 'Ready');
      const [good, bad] = [await ready('good'), await ready('bad')];
      return good?.status === 'True' && bad?.status === 'False' && /NOT_A_NAME/.test(bad.message ?? '');
    },
    60_000,
  );
  // Drift on the Secret is corrected (a write the controller logs) before looking.
  await client.request({
    method: 'PATCH',
    path: `/api/v1/namespaces/${NS}/secrets/good`,
    contentType: 'application/merge-patch+json',
    body: { stringData: { password: 'drifted' } },
  });
  await eventually(
    'drift corrected',
    async () => {
      const s = await getOrUndefined<{ data?: Record<string, string> }>(
        client,
        `/api/v1/namespaces/${NS}/secrets/good`,
      );
      return Buffer.from(s?.data?.password ?? '', 'base64').toString() === SECRET;
    },
    30_000,
  );

  const base = await orkestra.baseUrl();
  const view = (q: string) => fetch(`${base}/api/ui/view?${q}`).then((r) => r.text());
  const places: Record<string, string> = {
    'controller logs': JSON.stringify(orkestra.lines),
    Events: JSON.stringify(
      await client.request<KubeList<KubeObject>>({ method: 'GET', path: `/api/v1/namespaces/${NS}/events` }),
    ),
    'Katalog status': JSON.stringify(
      await client.request<KubeObject>({
        method: 'GET',
        path: `/apis/orkestra.orkspace.io/v1alpha1/katalogs/${KATALOG}`,
      }),
    ),
    'custom resource status': JSON.stringify(
      (await client.request<KubeList<Cr>>({ method: 'GET', path: crPath() })).items.map((i) => i.status),
    ),
    'Control Center overview': await view('view=overview'),
    'Control Center box': await view(`view=box&katalog=${KATALOG}&box=vault`),
    'Control Center resource (good)': await view(
      `view=resource&katalog=${KATALOG}&box=vault&namespace=${NS}&name=good`,
    ),
    'Control Center resource (bad)': await view(`view=resource&katalog=${KATALOG}&box=vault&namespace=${NS}&name=bad`),
    metrics: await fetch(`${base}/metrics`).then((r) => r.text()),
  };
  assert.ok(places.Events?.includes('NOT_A_NAME'), 'the failure is in an Event (the search looks where it should)');
  assert.ok(places['Control Center resource (good)']?.includes('password'), 'the Secret child is on the page');
  const encoded = Buffer.from(SECRET).toString('base64');
  for (const [where, text] of Object.entries(places)) {
    assert.ok(!text.includes(SECRET), `the secret value is in the ${where}`);
    assert.ok(!text.includes(encoded), `the base64 secret value is in the ${where}`);
  }
});
