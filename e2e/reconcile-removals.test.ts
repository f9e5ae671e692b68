// What a reconcile must take away, and what it must not, against a real kube-apiserver with
// kube-controller-manager: a key or label removed from a template leaves the live child (other
// managers' fields stay); a `when` that fails to evaluate halts the reconcile with
// EvaluationError and keeps the live children; a status field whose `when` turns false, or that
// leaves the Katalog, leaves the custom resource's status (other writers' status fields stay).
// Every name carries the process id, so the suite never meets another one sharing the cluster.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type ApiClient, createApiClient, loadKubeConfig } from '../controller/kube/api-client.ts';
import type { KubeList, KubeObject } from '../controller/kube/object.ts';
import { getOrUndefined, type InProcessController, startInProcessController } from './support/controller.ts';
import { createCrd, testCrd } from './support/crds.ts';
import { deleteAndWaitGone, serverSideApply, settled as settledObject } from './support/custom-resources.ts';
import { kubectlOk } from './support/kubectl.ts';
import { eventually } from './support/wait.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const PID = process.pid;
const GROUP = `removal${PID}.e2e.orkestra.io`;
const NS = `removal-${PID}`;
const KATALOGS = '/apis/orkestra.orkspace.io/v1alpha1/katalogs';

/** Box name → kind of the CRD it operates (plural: lower-case kind + "s"). Each box has its own Katalog. */
const KINDS = { trim: 'Trim', risky: 'Risky', report: 'Report' } as const;
type BoxName = keyof typeof KINDS;
const plural = (box: BoxName) => `${KINDS[box].toLowerCase()}s`;
const katalogName = (box: BoxName) => `removal-${PID}-${box}`;

type Condition = { type: string; status: string; reason: string; message: string };
type Cr = KubeObject & {
  spec?: Record<string, unknown>;
  status?: { observedGeneration?: number; conditions?: Condition[] } & Record<string, unknown>;
};
type ConfigMap = KubeObject & { data?: Record<string, string> };
type CoreEvent = KubeObject & { type: string; reason: string; message: string; involvedObject: { uid: string } };

let client: ApiClient;
let controllerClient: ApiClient;
let running: InProcessController | undefined;
const created: { box: BoxName; name: string }[] = [];

const crPath = (box: BoxName, name: string) => `/apis/${GROUP}/v1/namespaces/${NS}/${plural(box)}/${name}`;
const cr = (box: BoxName, name: string) => getOrUndefined<Cr>(client, crPath(box, name));
const configMap = (name: string) => getOrUndefined<ConfigMap>(client, `/api/v1/namespaces/${NS}/configmaps/${name}`);
const condition = (o: Cr | undefined, type: string) => o?.status?.conditions?.find((c) => c.type === type);

function applyCr(box: BoxName, name: string, spec: Record<string, unknown>, labels?: Record<string, string>) {
  if (!created.some((c) => c.box === box && c.name === name)) created.push({ box, name });
  return serverSideApply<Cr>(client, crPath(box, name), {
    apiVersion: `${GROUP}/v1`,
    kind: KINDS[box],
    metadata: { name, namespace: NS, labels },
    spec,
  });
}

function applyKatalog(box: BoxName, operatorBox: Record<string, unknown>) {
  return serverSideApply(client, `${KATALOGS}/${katalogName(box)}`, {
    apiVersion: 'orkestra.orkspace.io/v1alpha1',
    kind: 'Katalog',
    metadata: { name: katalogName(box) },
    spec: {
      crds: {
        [box]: { apiTypes: { group: GROUP, version: 'v1', kind: KINDS[box], plural: plural(box) }, operatorBox },
      },
    },
  });
}

async function boxGeneration(box: BoxName): Promise<number> {
  const k = await getOrUndefined<KubeObject>(client, `${KATALOGS}/${katalogName(box)}`);
  return k?.metadata.generation ?? 0;
}

/** Waits until the box runs the Katalog generation it has now. */
function boxRunning(box: BoxName) {
  return eventually(
    `box ${box} Running`,
    async () => {
      const k = await getOrUndefined<KubeObject>(client, `${KATALOGS}/${katalogName(box)}`);
      const status = k?.status as
        | { observedGeneration?: number; boxes?: Record<string, { phase: string }> }
        | undefined;
      return status?.boxes?.[box]?.phase === 'Running' && status.observedGeneration === k?.metadata.generation;
    },
    20_000,
  );
}

/** The CR once its status reflects its current generation and `accept` holds on it. */
function settled(box: BoxName, name: string, what: string, accept: (o: Cr) => boolean, timeoutMs = 10_000) {
  return settledObject(() => cr(box, name), `${KINDS[box]} ${name}: ${what}`, accept, timeoutMs);
}

async function eventsOf(uid: string | undefined): Promise<CoreEvent[]> {
  await running?.events.flush();
  const list = await getOrUndefined<KubeList<CoreEvent>>(client, `/api/v1/namespaces/${NS}/events`);
  return (list?.items ?? []).filter((e) => e.involvedObject.uid === uid);
}

// trim: one ConfigMap whose data keys and labels the test takes away from the template.
const trimBox = (data: Record<string, string>, labels: Record<string, string>) => ({
  reconcile: {
    onReconcile: {
      custom: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '{{ .metadata.name }}-cfg', labels }, data }],
    },
  },
});

// risky: a child gated by CEL that reads a field the custom resource may lack.
const RISKY_CEL = 'self.spec.tier.level > 1';
const riskyBox = {
  reconcile: {
    onReconcile: {
      configMaps: [
        { name: '{{ .metadata.name }}-always', data: { v: 'always' } },
        { name: '{{ .metadata.name }}-gated', data: { v: 'gated' }, when: [{ cel: RISKY_CEL }] },
      ],
    },
  },
};

// report: status fields, one gated by a label of the custom resource (a label change does not
// bump the generation, so only the field itself can make the status write happen).
const reportBox = (fields: Record<string, unknown>[]) => ({
  reconcile: { onReconcile: { configMaps: [{ name: '{{ .metadata.name }}-report', data: { v: '1' } }] } },
  emit: { status: { fields } },
});
const PHASE_FIELD = { path: 'phase', value: 'Serving', when: [{ field: 'metadata.labels.serve', equals: 'yes' }] };
const NOTE_FIELD = { path: 'note', value: 'hello {{ .metadata.name }}' };

before(async () => {
  client = createApiClient(loadKubeConfig(process.env.KUBECONFIG));
  controllerClient = createApiClient(loadKubeConfig(process.env.KUBECONFIG));
  await kubectlOk(['apply', '--server-side', '-f', `${root}crds/`]);
  await kubectlOk(['wait', '--for=condition=Established', '--timeout=60s', '-f', `${root}crds/`]);
  for (const kind of Object.values(KINDS)) await createCrd(client, testCrd(GROUP, kind));
  await kubectlOk(['create', 'namespace', NS]);
  await applyKatalog('trim', trimBox({ keep: '{{ .spec.v }}', drop: 'x' }, { keepme: 'y', dropme: 'z' }));
  await applyKatalog('risky', riskyBox);
  await applyKatalog('report', reportBox([PHASE_FIELD, NOTE_FIELD]));
  running = startInProcessController(controllerClient);
  for (const box of Object.keys(KINDS) as BoxName[]) await boxRunning(box);
});

after(async () => {
  try {
    // Custom resources first, while the controller still runs: it releases their finalizers.
    await deleteAndWaitGone(
      client,
      created.map((c) => crPath(c.box, c.name)),
    );
  } finally {
    await running?.stop();
    await kubectlOk([
      'delete',
      'katalog',
      ...Object.keys(KINDS).map((b) => katalogName(b as BoxName)),
      '--ignore-not-found',
    ]);
    for (const box of Object.keys(KINDS) as BoxName[]) {
      await kubectlOk(['delete', 'crd', `${plural(box)}.${GROUP}`, '--ignore-not-found', '--wait=false']);
    }
    await kubectlOk(['delete', 'namespace', NS, '--ignore-not-found', '--wait=false']);
    client?.close();
    controllerClient?.close();
  }
});

describe('what a reconcile removes, and what it keeps', () => {
  test('a data key and a label removed from a template leave the live child within 2 s; other managers keep theirs', async () => {
    await applyCr('trim', 't1', { v: 'one' });
    await eventually('child created with every templated field', async () => {
      const cm = await configMap('t1-cfg');
      return cm?.data?.drop === 'x' && cm.metadata.labels?.dropme === 'z';
    });
    // Another manager adds a data key and a label of its own.
    await serverSideApply(
      client,
      `/api/v1/namespaces/${NS}/configmaps/t1-cfg`,
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 't1-cfg', namespace: NS, labels: { theirs: 'l' } },
        data: { foreign: 'f' },
      },
      'someone-else',
    );

    const generation = await boxGeneration('trim');
    const start = Date.now();
    await applyKatalog('trim', trimBox({ keep: '{{ .spec.v }}' }, { keepme: 'y' }));
    const cm = await eventually(
      'data.drop and label dropme gone from the live child',
      async () => {
        const live = await configMap('t1-cfg');
        return live && live.data?.drop === undefined && live.metadata.labels?.dropme === undefined ? live : undefined;
      },
      2_000,
      20,
    );
    console.log(`# template field removal reached the child in ${Date.now() - start} ms`);
    assert.ok((await boxGeneration('trim')) > generation);
    assert.equal(cm.data?.keep, 'one', 'the fields still templated stay');
    assert.equal(cm.metadata.labels?.keepme, 'y');
    assert.equal(cm.data?.foreign, 'f', "another manager's data key stays");
    assert.equal(cm.metadata.labels?.theirs, 'l', "another manager's label stays");
    assert.equal(cm.metadata.labels?.['orkestra.orkspace.io/box'], 'trim', "Orkestra's own labels stay");

    // A spec change re-renders the same set of fields: the value moves, nothing else changes.
    await applyCr('trim', 't1', { v: 'two' });
    await eventually(
      'the templated value follows the spec',
      async () => (await configMap('t1-cfg'))?.data?.keep === 'two',
    );
  });

  test('a `when` that fails to evaluate keeps the live children and reports EvaluationError', async () => {
    const first = await applyCr('risky', 'r1', { tier: { level: 2 } });
    await settled('risky', 'r1', 'Ready with both children', (o) => condition(o, 'Ready')?.status === 'True');
    const gated = await configMap('r1-gated');
    assert.ok(gated, 'the gated child exists while its CEL gate holds');

    // Without spec.tier the CEL expression cannot be evaluated (no such key).
    await applyCr('risky', 'r1', { other: true });
    const halted = await settled('risky', 'r1', 'Ready=False with EvaluationError', (o) => {
      return condition(o, 'Ready')?.reason === 'EvaluationError';
    });
    const ready = condition(halted, 'Ready');
    const stalled = condition(halted, 'Stalled');
    console.log(`# EvaluationError message: ${ready?.message}`);
    assert.equal(ready?.status, 'False');
    assert.equal(stalled?.status, 'True');
    assert.equal(stalled?.reason, 'EvaluationError');
    assert.match(ready?.message ?? '', /box risky/, 'the message names the box');
    assert.ok(
      ready?.message.includes('spec.crds.risky.operatorBox.reconcile.onReconcile.configMaps[1].when[0]'),
      'the message names the child entry',
    );
    assert.ok(ready?.message.includes(RISKY_CEL), 'the message names the expression');
    const warning = await eventually('a Warning EvaluationError event', async () =>
      (await eventsOf(first.metadata.uid)).find((e) => e.reason === 'EvaluationError'),
    );
    assert.equal(warning.type, 'Warning');
    assert.ok(warning.message.includes(RISKY_CEL));
    const still = await configMap('r1-gated');
    assert.equal(still?.metadata.uid, gated.metadata.uid, 'the gated child is neither pruned nor recreated');
    assert.ok(await configMap('r1-always'), 'the other child stays too');

    // A gate that evaluates to false prunes as before.
    await applyCr('risky', 'r1', { tier: { level: 0 } });
    await settled('risky', 'r1', 'Ready again', (o) => condition(o, 'Ready')?.status === 'True');
    await eventually(
      'the gated child pruned once its gate is false',
      async () => (await configMap('r1-gated')) === undefined,
    );
  });

  test('a status field whose `when` turns false, or that leaves the Katalog, leaves the status', async () => {
    const path = crPath('report', 'p1');
    await applyCr('report', 'p1', {}, { serve: 'yes' });
    await settled(
      'report',
      'p1',
      'phase and note written',
      (o) => o.status?.phase === 'Serving' && o.status.note === 'hello p1',
    );
    // Another writer owns a status field of its own.
    await serverSideApply(
      client,
      `${path}/status`,
      {
        apiVersion: `${GROUP}/v1`,
        kind: KINDS.report,
        metadata: { name: 'p1', namespace: NS },
        status: { external: 'mine' },
      },
      'status-writer',
    );

    // A label change does not bump the generation: only the stale field can cause the write.
    await applyCr('report', 'p1', {}, { serve: 'no' });
    const gatedOff = await eventually('phase removed once its when is false', async () => {
      const o = await cr('report', 'p1');
      return o && o.metadata.labels?.serve === 'no' && o.status?.phase === undefined ? o : undefined;
    });
    assert.equal(gatedOff.status?.note, 'hello p1', 'the other Orkestra field stays');
    assert.equal(gatedOff.status?.external, 'mine', "another writer's status field stays");

    await applyKatalog('report', reportBox([PHASE_FIELD]));
    const removed = await eventually('note removed once it left the Katalog', async () => {
      const o = await cr('report', 'p1');
      return o && o.status?.note === undefined ? o : undefined;
    });
    assert.equal(removed.status?.external, 'mine', "another writer's status field stays");
    assert.equal(condition(removed, 'Ready')?.status, 'True');

    // And the gate turning true again brings the field back.
    await applyCr('report', 'p1', {}, { serve: 'yes' });
    await eventually('phase back', async () => (await cr('report', 'p1'))?.status?.phase === 'Serving');
  });
});
