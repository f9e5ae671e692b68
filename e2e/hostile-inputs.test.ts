// The hostile-input corpus against the real API server and the real controller process
// (`orkestra run`): every case shows the user its message where the corpus says (an admission
// denial naming the field, a Failed box in Katalog status, a custom resource condition), nothing
// is written for a rejected input, the controller never crashes, and a healthy box is not slowed
// more than 2x while hostile Katalogs and custom resources are being handled.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ApiClient, ApiError, createApiClient, loadKubeConfig } from '../controller/kube/api-client.ts';
import type { KubeList, KubeObject } from '../controller/kube/object.ts';
import { fieldPattern } from './fixtures/invalid-katalogs.ts';
import { type HostileCase, handWritten, PROBE_KIND, probeKatalog } from './hostile/corpus.ts';
import { wrongTypeKatalogs, wrongTypeResources } from './hostile/generated.ts';
import { configMapBox, GROUP, hostileKatalog, typedCrd, VERSION } from './hostile/kinds.ts';
import { describeSlowdown, measureSlowdown } from './hostile/slowdown.ts';
import { getOrUndefined } from './support/controller.ts';
import { applyOrkestraCrds, createCrd } from './support/crds.ts';
import { deleteAndWaitGone } from './support/custom-resources.ts';
import { type OrkestraProcess, startOrkestra } from './support/orkestra-process.ts';
import { eventually } from './support/wait.ts';

const NS = `hostile-${process.pid}`;
const KATALOGS = '/apis/orkestra.orkspace.io/v1alpha1/katalogs';
const crPath = (kind: string, name = '') =>
  `/apis/${GROUP}/${VERSION}/namespaces/${NS}/${kind.toLowerCase()}s${name ? `/${name}` : ''}`;
const HEALTHY = 'Healthy';
const SAMPLES = 8;
const BLOCKS = 3;

let client: ApiClient;
let orkestra: OrkestraProcess;
const createdKatalogs: string[] = [];

type Status = { conditions?: { type: string; status: string; message?: string }[] };
type KatalogStatus = { boxes?: Record<string, { phase?: string; message?: string }> };

const nameOf = (doc: Record<string, unknown> | undefined) =>
  (doc?.metadata as { name?: string } | undefined)?.name ?? '';
const inNamespace = <T extends Record<string, unknown>>(doc: T): T =>
  ({ ...doc, metadata: { ...(doc.metadata as object), namespace: NS } }) as T;

/** The API server's answer to a create: the error, or undefined when stored. */
async function create(path: string, body: unknown): Promise<ApiError | undefined> {
  try {
    await client.request({ method: 'POST', path, body });
    return undefined;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
}

async function createKatalog(doc: Record<string, unknown>) {
  const answer = await create(KATALOGS, doc);
  if (answer === undefined) createdKatalogs.push((doc.metadata as { name: string }).name);
  return answer;
}

function assertNamesField(c: HostileCase, err: ApiError | undefined) {
  assert.ok(err, `${c.name}: the API server stored it`);
  // 422 from the schema, 403 from Orkestra's validating webhook.
  assert.ok([400, 403, 422].includes(err.status), `${c.name}: ${err.message}`);
  if (c.expect.field !== '') assert.match(err.message, fieldPattern(c.expect.field), c.name);
  assert.match(err.message, c.expect.message, c.name);
}

before(async () => {
  client = createApiClient(loadKubeConfig(process.env.KUBECONFIG));
  await applyOrkestraCrds();
  await client.request({ method: 'POST', path: '/api/v1/namespaces', body: { metadata: { name: NS } } });
  for (const kind of [HEALTHY, PROBE_KIND]) await createCrd(client, typedCrd(kind));
  // Port 0 for both servers: other suites' controllers may run on this machine at the same time.
  orkestra = startOrkestra(['--listen', '127.0.0.1:0', '--webhook-listen', '127.0.0.1:0']);
  // Loading the controller's modules can take longer than baseUrl()'s default wait on a loaded machine.
  await orkestra.baseUrl(90_000);
  assert.equal(
    await createKatalog(hostileKatalog('hostile-healthy', HEALTHY, configMapBox({ v: '{{ .spec.name }}' }))),
    undefined,
  );
  await eventually(
    'the healthy box Running',
    async () =>
      (await getOrUndefined<{ status?: KatalogStatus }>(client, `${KATALOGS}/hostile-healthy`))?.status?.boxes?.healthy
        ?.phase === 'Running',
    90_000,
  ).catch(async (err) => {
    const status = (await getOrUndefined<{ status?: unknown }>(client, `${KATALOGS}/hostile-healthy`))?.status;
    const last = orkestra.lines.filter((l) => l.level !== 'info').slice(-10);
    throw new Error(`${err.message}; Katalog status ${JSON.stringify(status)}; last warnings ${JSON.stringify(last)}`);
  });
});

after(async () => {
  await orkestra?.stop();
  for (const name of createdKatalogs) {
    await client.request({ method: 'DELETE', path: `${KATALOGS}/${name}` }).catch(() => undefined);
  }
  await deleteAndWaitGone(client, [`/api/v1/namespaces/${NS}`], 60_000).catch(() => undefined);
  for (const kind of [HEALTHY, PROBE_KIND]) {
    await client
      .request({
        method: 'DELETE',
        path: `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${kind.toLowerCase()}s.${GROUP}`,
      })
      .catch(() => undefined);
  }
  client?.close();
});

describe('hostile inputs against the real control plane', () => {
  test('wrong-typed Katalogs are denied at admission, naming the field, and nothing is stored', async () => {
    const cases = [
      ...wrongTypeKatalogs(),
      ...handWritten.filter((c) => c.sees === 'admission denial' && c.katalog && !c.cr),
    ];
    for (const c of cases) {
      assertNamesField(c, await createKatalog(c.katalog as Record<string, unknown>));
      const name = nameOf(c.katalog);
      assert.equal(await getOrUndefined(client, `${KATALOGS}/${encodeURIComponent(name)}`), undefined, name);
    }
    console.log(`${cases.length} Katalogs denied at admission`);
  });

  test('wrong-typed custom resources are denied at admission, naming the field', async () => {
    const cases = wrongTypeResources(PROBE_KIND, NS);
    for (const c of cases) assertNamesField(c, await create(crPath(PROBE_KIND), c.cr));
    console.log(`${cases.length} custom resources denied at admission`);
    const stored = await client.request<KubeList<KubeObject>>({ method: 'GET', path: crPath(PROBE_KIND) });
    assert.deepEqual(stored.items, [], 'no wrong-typed custom resource stored');
  });

  test('Katalogs the loader refuses are stored with a Failed box naming the field', async () => {
    const cases = handWritten.filter((c) => c.sees === 'Failed box');
    for (const c of cases) assert.equal(await createKatalog(c.katalog as Record<string, unknown>), undefined, c.name);
    for (const c of cases) {
      const name = nameOf(c.katalog);
      const boxName = Object.keys((c.katalog?.spec as { crds?: object } | undefined)?.crds ?? {})[0] as string;
      const box = await eventually(
        `${c.name}: box ${boxName} of ${name} Failed`,
        async () => {
          const b = (await getOrUndefined<{ status?: KatalogStatus }>(client, `${KATALOGS}/${name}`))?.status?.boxes?.[
            boxName
          ];
          return b?.phase === 'Failed' ? b : undefined;
        },
        30_000,
      );
      assert.match(box.message ?? '', c.expect.message, c.name);
      if (c.expect.field !== '') assert.ok(box.message?.includes(c.expect.field), `${c.name}: ${box.message}`);
    }
  });

  test('custom resources the probe box refuses: denied by its webhook, or Ready=False with the message; no child', async () => {
    assert.equal(await createKatalog(probeKatalog), undefined);
    await eventually(
      'the probe box Running',
      async () =>
        (await getOrUndefined<{ status?: KatalogStatus }>(client, `${KATALOGS}/hostile-probe`))?.status?.boxes?.probe
          ?.phase === 'Running',
      90_000,
    );
    const probes = handWritten.filter((c) => c.cr?.kind === PROBE_KIND);
    // The webhook is registered once the box runs; until the API server calls it, a create passes.
    const first = probes.find((c) => c.sees === 'admission denial') as HostileCase;
    await eventually(
      'the probe webhook denies',
      async () => {
        const err = await create(crPath(PROBE_KIND), inNamespace(first.cr ?? {}));
        if (err === undefined) {
          await client.request({
            method: 'DELETE',
            path: crPath(PROBE_KIND, nameOf(first.cr)),
          });
        }
        return err !== undefined;
      },
      30_000,
      200,
    );
    for (const c of probes.filter((p) => p.sees === 'admission denial')) {
      assertNamesField(c, await create(crPath(PROBE_KIND), inNamespace(c.cr ?? {})));
    }
    const stored = probes.filter((c) => c.sees === 'CR condition');
    for (const c of stored) assert.equal(await create(crPath(PROBE_KIND), inNamespace(c.cr ?? {})), undefined, c.name);
    for (const c of stored) {
      const name = nameOf(c.cr);
      const ready = await eventually(
        `${c.name}: Ready=False with the message`,
        async () => {
          const cr = await getOrUndefined<{ status?: Status }>(client, crPath(PROBE_KIND, name));
          const r = cr?.status?.conditions?.find((x) => x.type === 'Ready');
          return r?.status === 'False' && c.expect.message.test(r.message ?? '') ? r : undefined;
        },
        60_000,
      );
      if (c.expect.field !== '') assert.ok(ready.message?.includes(c.expect.field), `${c.name}: ${ready.message}`);
    }
    const children = await client.request<KubeList<KubeObject>>({
      method: 'GET',
      path: `/api/v1/namespaces/${NS}/configmaps`,
      query: { labelSelector: 'orkestra.orkspace.io/box=probe' },
    });
    assert.deepEqual(
      children.items.map((c) => c.metadata.name),
      [],
      'no child for a refused custom resource',
    );
  });

  // The slow-down is a timing figure, printed rather than asserted (timed assertions flake on a
  // shared machine); the test asserts the healthy box kept converging. bench/hostile-slowdown.ts
  // repeats the measurement on a fresh control plane and reports medians.
  test('under hostile load the healthy box keeps converging; its slow-down is printed', async () => {
    // The probe box's stored custom resources fail at render (a range past its iteration cap, a
    // render past its CPU budget, a repeat past the output limit, names the API server refuses);
    // touching them makes each a change to look at again, over and over, while the healthy box works.
    const names = handWritten.filter((c) => c.sees === 'CR condition').map((c) => nameOf(c.cr));
    const figure = await measureSlowdown({
      client,
      namespace: NS,
      healthyKind: HEALTHY,
      hostileKind: PROBE_KIND,
      hostile: names,
      prefix: 'slowdown',
      blocks: BLOCKS,
      samples: SAMPLES,
      controllerLines: orkestra.lines,
    });
    console.log(describeSlowdown(figure));
    assert.ok(
      figure.touches >= names.length * BLOCKS,
      'the hostile custom resources were touched during the measurement',
    );
    assert.equal(figure.hostile.length, figure.quiet.length, 'every healthy create got its child under hostile load');
  });

  test('the controller process never crashed and is healthy', async () => {
    assert.equal(orkestra.child.exitCode, null, 'orkestra run is still running');
    assert.equal(orkestra.child.signalCode, null);
    const healthz = await fetch(`${await orkestra.baseUrl()}/healthz`);
    assert.equal(healthz.status, 200);
    const crashes = orkestra.lines.filter((l) => /uncaught|unhandled|FATAL/i.test(String(l.msg ?? '')));
    assert.deepEqual(crashes, []);
  });
});
