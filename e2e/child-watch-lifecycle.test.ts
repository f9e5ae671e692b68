// The lifecycle of the shared child watches, end to end with the declarative reconciler run in
// this process against the real API server: a custom child kind whose CRD arrives after the box
// started is picked up without a restart, a child watch RBAC refuses degrades its box (naming the
// verb, resource and account) without hanging workers and recovers once granted, and a
// template-only swap keeps every watch warm (no LIST of the custom resources or of the children).
// Each test runs its own controller on its own client; every name carries the process id.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type ApiClient, createApiClient, loadKubeConfig } from '../controller/kube/api-client.ts';
import type { KubeObject } from '../controller/kube/object.ts';
import { getOrUndefined, type InProcessController, startInProcessController } from './support/controller.ts';
import { createCrd, testCrd } from './support/crds.ts';
import { kubectlOk } from './support/kubectl.ts';
import {
  ensureServiceAccount,
  grantClusterRole,
  revokeClusterRole,
  serviceAccountClient,
} from './support/service-account.ts';
import { eventually } from './support/wait.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const PID = process.pid;
const GROUP = `cwl${PID}.e2e.orkestra.io`;
/** The group of the child kind whose CRD is created late: not served at all until then. */
const PARTS = `parts${PID}.e2e.orkestra.io`;
const NS = `cwl-${PID}`;
const KATALOGS = '/apis/orkestra.orkspace.io/v1alpha1/katalogs';

type Condition = { type: string; status: string; reason: string; message: string };
type Cr = KubeObject & { status?: { observedGeneration?: number; conditions?: Condition[] } };
type BoxStatus = { phase: string; message?: string; lastError?: string };
type KatalogObject = KubeObject & { status?: { boxes?: Record<string, BoxStatus> } };
type ConfigMap = KubeObject & { data?: Record<string, string> };

let admin: ApiClient;
let running: InProcessController | undefined;
const katalogs: string[] = [];

const plural = (kind: string) => `${kind.toLowerCase()}s`;
const get = <T = KubeObject>(path: string) => getOrUndefined<T>(admin, path);
const cr = (kind: string, name: string) => get<Cr>(`/apis/${GROUP}/v1/namespaces/${NS}/${plural(kind)}/${name}`);
const katalog = (name: string) => get<KatalogObject>(`${KATALOGS}/${name}`);
const ready = (o: Cr | undefined) => o?.status?.conditions?.find((c) => c.type === 'Ready');

async function applyKatalog(name: string, crds: Record<string, unknown>) {
  if (!katalogs.includes(name)) katalogs.push(name);
  await admin.request({
    method: 'PATCH',
    path: `${KATALOGS}/${name}`,
    query: { fieldManager: 'e2e-user', force: true },
    contentType: 'application/apply-patch+yaml',
    body: { apiVersion: 'orkestra.orkspace.io/v1alpha1', kind: 'Katalog', metadata: { name }, spec: { crds } },
  });
}

async function createCr(kind: string, name: string, spec: Record<string, unknown> = {}) {
  await admin.request({
    method: 'POST',
    path: `/apis/${GROUP}/v1/namespaces/${NS}/${plural(kind)}`,
    body: { apiVersion: `${GROUP}/v1`, kind, metadata: { name, namespace: NS }, spec },
  });
}

/** The CR once its Ready condition is True for its current generation. */
function converged(kind: string, name: string, timeoutMs = 10_000) {
  return eventually(
    `${kind} ${name} Ready`,
    async () => {
      const o = await cr(kind, name);
      const c = ready(o);
      if (o?.status?.observedGeneration !== o?.metadata.generation || c?.status !== 'True') {
        throw new Error(`Ready: ${JSON.stringify(c)}`);
      }
      return o;
    },
    timeoutMs,
    20,
  );
}

function boxStatus(katalogName: string, box: string) {
  return katalog(katalogName).then((k) => k?.status?.boxes?.[box]);
}

/** Stops the controller, or fails if that takes longer than 30 s (it hung while a worker waited on a refused watch). */
async function stopController() {
  const r = running;
  running = undefined;
  if (!r) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('the controller did not stop within 30 s')), 30_000);
  });
  try {
    await Promise.race([r.stop(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Deletes the suite's Katalogs, so the next test's controller runs no box of an earlier one. */
async function deleteKatalogs() {
  for (const name of katalogs.splice(0)) {
    await admin.request({ method: 'DELETE', path: `${KATALOGS}/${name}` }).catch(() => {});
  }
}

/** Runs `body` with a controller on `client`, then removes its Katalogs; a failure of `body` is the one reported. */
async function withController(client: ApiClient, body: () => Promise<void>) {
  running = startInProcessController(client);
  try {
    await body();
  } catch (err) {
    await deleteKatalogs();
    await stopController().catch(() => {});
    throw err;
  } finally {
    await deleteKatalogs();
    await stopController().finally(() => client.close());
  }
}

before(async () => {
  admin = createApiClient(loadKubeConfig(process.env.KUBECONFIG));
  await kubectlOk(['apply', '--server-side', '-f', `${root}crds/`]);
  await kubectlOk(['wait', '--for=condition=Established', '--timeout=60s', '-f', `${root}crds/`]);
  await kubectlOk(['create', 'namespace', NS]);
  for (const kind of ['Host', 'Vault', 'Plain', 'Swap']) await createCrd(admin, testCrd(GROUP, kind));
});

after(async () => {
  await deleteKatalogs();
  await stopController();
  admin?.close();
});

describe('child watch lifecycle', () => {
  test('a custom child kind served only later is picked up within 2 s of its CRD becoming Established', async () => {
    const name = `cwl-late-${PID}`;
    const boxId = `${name}/host`;
    await withController(createApiClient(loadKubeConfig(process.env.KUBECONFIG)), async () => {
      await applyKatalog(name, {
        host: {
          apiTypes: { group: GROUP, version: 'v1', kind: 'Host', plural: 'hosts' },
          operatorBox: {
            reconcile: {
              onReconcile: {
                configMaps: [{ name: '{{ .metadata.name }}', data: { size: '{{ .spec.size }}' } }],
                custom: [
                  {
                    apiVersion: `${PARTS}/v1`,
                    kind: 'Part',
                    metadata: { name: '{{ .metadata.name }}-part' },
                    spec: { size: '{{ .spec.size }}' },
                  },
                ],
              },
            },
          },
        },
      });
      await createCr('Host', 'h1', { size: 'small' });
      await createCr('Host', 'h2', { size: 'large' });
      for (const h of ['h1', 'h2']) {
        await eventually(
          `Host ${h} reports the kind not served`,
          async () => ready(await cr('Host', h))?.reason === 'KindNotServed',
        );
      }
      // Let the retries back off well past 2 s (about 10 failures each): converging in time then
      // has to come from the CRD event, not from a lucky retry.
      await eventually(
        'the retries of both custom resources backed off',
        () => (running?.root.boxes().get(boxId)?.status().health.failures ?? 0) >= 20,
        20_000,
      );

      await createCrd(admin, testCrd(PARTS, 'Part'));
      const established = Date.now();
      for (const h of ['h1', 'h2']) {
        await converged('Host', h, 2_000);
        const part = await get(`/apis/${PARTS}/v1/namespaces/${NS}/parts/${h}-part`);
        assert.equal((part?.spec as { size?: string } | undefined)?.size, h === 'h1' ? 'small' : 'large');
      }
      const ms = Date.now() - established;
      console.log(`# CRD Established -> 2 custom resources converged with the new child kind: ${ms} ms`);
      assert.ok(ms <= 2_000, `converged ${ms} ms after the CRD was Established`);
      assert.equal((await boxStatus(name, 'host'))?.phase, 'Running');
    });
  });

  test('a child watch RBAC refuses degrades only its box, names verb, resource and account, and recovers when granted', async () => {
    const sa = await ensureServiceAccount(admin, `${NS}-sa`, 'orkestra');
    const baseRole = `cwl-${PID}-base`;
    const secretsRole = `cwl-${PID}-secrets`;
    const all = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
    await grantClusterRole(admin, sa, baseRole, [
      { apiGroups: ['orkestra.orkspace.io'], resources: ['katalogs', 'komposers'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['orkestra.orkspace.io'], resources: ['katalogs/status'], verbs: ['get', 'patch', 'update'] },
      {
        apiGroups: ['apiextensions.k8s.io'],
        resources: ['customresourcedefinitions'],
        verbs: ['get', 'list', 'watch'],
      },
      { apiGroups: [GROUP], resources: ['*'], verbs: all },
      { apiGroups: [''], resources: ['configmaps'], verbs: all },
      { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
      // Everything on secrets but reading the collection: the child watch is refused.
      { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'create', 'update', 'patch', 'delete'] },
    ]);
    const name = `cwl-rbac-${PID}`;
    try {
      await withController(await serviceAccountClient(admin, sa), () => refusedThenGranted());
    } finally {
      await revokeClusterRole(admin, secretsRole);
      await revokeClusterRole(admin, baseRole);
    }
    async function refusedThenGranted() {
      await applyKatalog(name, {
        vault: {
          apiTypes: { group: GROUP, version: 'v1', kind: 'Vault', plural: 'vaults' },
          operatorBox: {
            reconcile: {
              onReconcile: {
                configMaps: [{ name: '{{ .metadata.name }}-vault', data: { kind: 'vault' } }],
                secrets: [{ name: '{{ .metadata.name }}-key' }],
              },
            },
          },
        },
        plain: {
          apiTypes: { group: GROUP, version: 'v1', kind: 'Plain', plural: 'plains' },
          operatorBox: {
            reconcile: {
              onReconcile: { configMaps: [{ name: '{{ .metadata.name }}-plain', data: { kind: 'plain' } }] },
            },
          },
        },
      });
      await createCr('Vault', 'v1');
      await createCr('Vault', 'v2');
      await createCr('Plain', 'p1');

      const degraded = await eventually(
        'box vault Degraded',
        async () => {
          const b = await boxStatus(name, 'vault');
          return b?.phase === 'Degraded' ? b : undefined;
        },
        20_000,
      );
      console.log(`# Degraded box lastError: ${degraded.lastError}`);
      assert.match(degraded.lastError ?? '', /cannot list resource "secrets"/, 'names the verb and the resource');
      assert.ok(degraded.lastError?.includes(sa.username), `names the account: ${degraded.lastError}`);
      assert.match(degraded.lastError ?? '', /grant get, list and watch on secrets/, 'says what to do');

      // The other box, on the configmaps watch the degraded box shares, keeps working.
      await converged('Plain', 'p1');
      assert.equal((await get<ConfigMap>(`/api/v1/namespaces/${NS}/configmaps/p1-plain`))?.data?.kind, 'plain');
      assert.equal((await boxStatus(name, 'plain'))?.phase, 'Running');
      await createCr('Plain', 'p2');
      await converged('Plain', 'p2');

      await grantClusterRole(admin, sa, secretsRole, [
        { apiGroups: [''], resources: ['secrets'], verbs: ['list', 'watch'] },
      ]);
      const granted = Date.now();
      for (const v of ['v1', 'v2']) {
        await converged('Vault', v, 45_000);
        assert.ok(await get(`/api/v1/namespaces/${NS}/secrets/${v}-key`), `secret ${v}-key created`);
      }
      const recoveredMs = Date.now() - granted;
      await eventually('box vault Running', async () => (await boxStatus(name, 'vault'))?.phase === 'Running', 15_000);
      console.log(`# grant -> refused child kind converged: ${recoveredMs} ms (reflector backoff, up to 30 s)`);
    }
  });

  test('a template-only swap sends no LIST, of the custom resources or of the children, and applies the new templates', async () => {
    const client = createApiClient(loadKubeConfig(process.env.KUBECONFIG));
    const counted = ['/api/v1/configmaps', '/api/v1/serviceaccounts', `/apis/${GROUP}/v1/swaps`];
    const requests = new Map<string, number>();
    client.observe((method, path) => {
      if (counted.includes(path)) requests.set(`${method} ${path}`, (requests.get(`${method} ${path}`) ?? 0) + 1);
    });
    const snapshot = () =>
      Object.fromEntries(
        counted.flatMap((p) => ['GET', 'WATCH'].map((m) => [`${m} ${p}`, requests.get(`${m} ${p}`) ?? 0])),
      );
    const name = `cwl-swap-${PID}`;
    const box = (v: string) => ({
      swap: {
        apiTypes: { group: GROUP, version: 'v1', kind: 'Swap', plural: 'swaps' },
        operatorBox: {
          reconcile: {
            onReconcile: {
              configMaps: [{ name: '{{ .metadata.name }}', data: { v } }],
              serviceAccounts: [{ name: '{{ .metadata.name }}' }],
            },
          },
        },
      },
    });
    await withController(client, async () => {
      await applyKatalog(name, box('one'));
      await createCr('Swap', 's1');
      await converged('Swap', 's1');
      const cm = () => get<ConfigMap>(`/api/v1/namespaces/${NS}/configmaps/s1`);
      assert.equal((await cm())?.data?.v, 'one');
      assert.ok(await get(`/api/v1/namespaces/${NS}/serviceaccounts/s1`));
      const before = snapshot();
      for (const [key, n] of Object.entries(before)) assert.ok(n >= 1, `the counter saw ${key} (${n})`);

      await applyKatalog(name, box('two'));
      await eventually('box swapped in place', () => running?.root.boxes().get(`${name}/swap`)?.status().swaps === 1);
      await eventually('the new template applied', async () => (await cm())?.data?.v === 'two');
      await converged('Swap', 's1');
      assert.deepEqual(snapshot(), before, 'no LIST and no new WATCH of the custom resources or the children');
      for (const path of ['/api/v1/configmaps', '/api/v1/serviceaccounts']) {
        assert.ok(client.openStreams().includes(path), `the ${path} watch is still open`);
      }
    });
  });
});
