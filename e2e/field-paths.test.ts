// Field paths with bracket-quoted keys end to end: a mutation rule sets
// `metadata.annotations["a.b/c"]` on the copy of the custom resource the box renders from, a
// validation rule and a forEach read bracketed keys, and templates see the annotation under its
// real key. The controller runs in-process against the real API server; names carry the process id.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type ApiClient, createApiClient, loadKubeConfig } from '../controller/kube/api-client.ts';
import type { KubeObject } from '../controller/kube/object.ts';
import { getOrUndefined, type InProcessController, startInProcessController } from './support/controller.ts';
import { createCrd, testCrd } from './support/crds.ts';
import { kubectlOk } from './support/kubectl.ts';
import { eventually } from './support/wait.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const PID = process.pid;
const GROUP = `paths${PID}.e2e.orkestra.io`;
const KIND = 'Tagged';
const PLURAL = 'taggeds';
const NS = `paths-${PID}`;
const KATALOG = `paths-${PID}`;
const KATALOGS = '/apis/orkestra.orkspace.io/v1alpha1/katalogs';

type Condition = { type: string; status: string; reason: string; message: string };
type Cr = KubeObject & {
  spec?: Record<string, unknown>;
  status?: { observedGeneration?: number; conditions?: Condition[] } & Record<string, unknown>;
};
type ConfigMap = KubeObject & { data?: Record<string, string> };

let client: ApiClient;
let controllerClient: ApiClient;
let running: InProcessController | undefined;

const crPath = (name: string) => `/apis/${GROUP}/v1/namespaces/${NS}/${PLURAL}/${name}`;
const configMap = (name: string) => getOrUndefined<ConfigMap>(client, `/api/v1/namespaces/${NS}/configmaps/${name}`);

const box = {
  apiTypes: { group: GROUP, version: 'v1', kind: KIND, plural: PLURAL },
  admission: {
    mutation: {
      rules: [{ field: 'metadata.annotations["a.b/c"]', value: '{{ .spec.team }}' }],
    },
    validation: {
      rules: [{ field: 'metadata.annotations["a.b/c"]', notEquals: 'nobody', message: 'a.b/c must name a team' }],
    },
  },
  operatorBox: {
    reconcile: {
      onReconcile: {
        configMaps: [
          {
            name: '{{ .metadata.name }}-owner',
            data: { owner: '{{ index .metadata.annotations "a.b/c" }}' },
          },
          {
            name: '{{ .metadata.name }}-{{ .item }}',
            forEach: { field: 'spec["env.list"]' },
            data: { env: '{{ .item }}' },
          },
        ],
      },
    },
    emit: { status: { fields: [{ path: 'owner', value: '{{ index .metadata.annotations "a.b/c" }}' }] } },
  },
};

// Condition and onDelete forEach fields are not checked by the CRD (its CEL cost budget); the
// loader refuses their reserved segments and fails the box, naming the field.
const refused = {
  apiTypes: { group: GROUP, version: 'v1', kind: 'Refused', plural: 'refuseds' },
  operatorBox: {
    reconcile: {
      onReconcile: {
        configMaps: [{ name: '{{ .metadata.name }}', data: {}, when: [{ field: 'spec.constructor', exists: true }] }],
      },
    },
  },
};

async function applyCr(name: string, spec: Record<string, unknown>): Promise<Cr> {
  return client.request<Cr>({
    method: 'PATCH',
    path: crPath(name),
    query: { fieldManager: 'e2e-user', force: true },
    contentType: 'application/apply-patch+yaml',
    body: { apiVersion: `${GROUP}/v1`, kind: KIND, metadata: { name, namespace: NS }, spec },
  });
}

before(async () => {
  client = createApiClient(loadKubeConfig(process.env.KUBECONFIG));
  controllerClient = createApiClient(loadKubeConfig(process.env.KUBECONFIG));
  await kubectlOk(['apply', '--server-side', '-f', `${root}crds/`]);
  await kubectlOk(['wait', '--for=condition=Established', '--timeout=60s', '-f', `${root}crds/`]);
  await createCrd(client, testCrd(GROUP, KIND));
  await kubectlOk(['create', 'namespace', NS]);
  await client.request({
    method: 'PATCH',
    path: `${KATALOGS}/${KATALOG}`,
    query: { fieldManager: 'e2e-user', force: true },
    contentType: 'application/apply-patch+yaml',
    body: {
      apiVersion: 'orkestra.orkspace.io/v1alpha1',
      kind: 'Katalog',
      metadata: { name: KATALOG },
      spec: { crds: { tagged: box, refused } },
    },
  });
  running = startInProcessController(controllerClient);
  await eventually(
    'the tagged box Running',
    async () => {
      const k = await getOrUndefined<KubeObject & { status?: { boxes?: Record<string, { phase: string }> } }>(
        client,
        `${KATALOGS}/${KATALOG}`,
      );
      const phase = k?.status?.boxes?.tagged?.phase;
      if (phase !== 'Running') throw new Error(`phase ${phase}`);
      return true;
    },
    20_000,
  );
});

after(async () => {
  try {
    await kubectlOk(['delete', `${PLURAL}.${GROUP}`, '--all', '-n', NS, '--ignore-not-found', '--wait=true']);
  } finally {
    await running?.stop();
    await kubectlOk(['delete', 'katalog', KATALOG, '--ignore-not-found']);
    await kubectlOk(['delete', 'crd', `${PLURAL}.${GROUP}`, '--ignore-not-found', '--wait=false']);
    await kubectlOk(['delete', 'namespace', NS, '--ignore-not-found', '--wait=false']);
    client?.close();
    controllerClient?.close();
  }
});

describe('field paths with bracket-quoted keys', () => {
  test('a reserved segment in a condition field fails its box, naming the condition; the other box runs', async () => {
    const boxes = await eventually('refused Failed', async () => {
      const k = await getOrUndefined<
        KubeObject & { status?: { boxes?: Record<string, { phase: string; message?: string }> } }
      >(client, `${KATALOGS}/${KATALOG}`);
      return k?.status?.boxes?.refused?.phase === 'Failed' ? k.status.boxes : undefined;
    });
    assert.equal(
      boxes.refused?.message,
      'spec.crds.refused.operatorBox.reconcile.onReconcile.configMaps[0].when[0]: invalid field path "spec.constructor": ' +
        'segment "constructor" is reserved (__proto__, constructor and prototype cannot be used)',
    );
    assert.equal(boxes.tagged?.phase, 'Running');
  });

  test('a mutation rule sets metadata.annotations["a.b/c"] on the copy the box renders from', async () => {
    await applyCr('shop', { team: 'team-a', 'env.list': ['dev', 'prod'] });
    const owner = await eventually('the owner ConfigMap', () => configMap('shop-owner'));
    assert.equal(owner.data?.owner, 'team-a', 'the template reads the annotation under its key a.b/c');
    for (const env of ['dev', 'prod']) {
      const cm = await eventually(`ConfigMap shop-${env} from forEach over spec["env.list"]`, () =>
        configMap(`shop-${env}`),
      );
      assert.equal(cm.data?.env, env);
    }
    const cr = await eventually('status.owner written', async () => {
      const o = await getOrUndefined<Cr>(client, crPath('shop'));
      return o?.status?.owner === 'team-a' ? o : undefined;
    });
    assert.equal(
      cr.metadata.annotations?.['a.b/c'],
      undefined,
      'mutations change the in-memory copy, not the stored resource',
    );
    const ready = cr.status?.conditions?.find((c) => c.type === 'Ready');
    assert.equal(ready?.status, 'True', JSON.stringify(ready));
  });

  test('a validation rule reads the mutated bracketed key', async () => {
    await applyCr('nobody', { team: 'nobody', 'env.list': [] });
    const cr = await eventually('Ready=False ValidationFailed', async () => {
      const o = await getOrUndefined<Cr>(client, crPath('nobody'));
      const ready = o?.status?.conditions?.find((c) => c.type === 'Ready');
      return ready?.reason === 'ValidationFailed' ? o : undefined;
    });
    const ready = cr.status?.conditions?.find((c) => c.type === 'Ready');
    assert.equal(ready?.status, 'False');
    assert.match(ready?.message ?? '', /a\.b\/c must name a team/);
    assert.equal(await configMap('nobody-owner'), undefined, 'nothing is rendered for a denied resource');
  });
});
