// The event recorder against a real API server: Events are accepted, repeats become one Event
// with a growing count, an Event deleted behind the recorder's back is recreated, events about
// cluster-scoped objects land in `default`, and `kubectl describe` shows them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ApiClient, createApiClient, loadKubeConfig } from '../controller/kube/api-client.ts';
import { type CoreEvent, createEventRecorder, type EventRecorder } from '../controller/kube/events/recorder.ts';
import type { KubeObject } from '../controller/kube/object.ts';
import { kubectl, kubectlOk, testKubeconfig } from './support/kubectl.ts';
import { eventually } from './support/wait.ts';

const suffix = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
const ns = `events-${suffix}`;
const cmName = `settings-${suffix}`;

let client: ApiClient;
let recorder: EventRecorder;
let configMap: KubeObject;
let namespace: KubeObject;
let probeName: string | undefined;

const PROBE_GROUP = 'e2e.orkestra.orkspace.io';
const PROBE_PLURAL = `eventprobes.${PROBE_GROUP}`;
const probeCrd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: PROBE_PLURAL },
  spec: {
    group: PROBE_GROUP,
    scope: 'Cluster',
    names: { plural: 'eventprobes', singular: 'eventprobe', kind: 'EventProbe' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      },
    ],
  },
};

/** A cluster-scoped custom resource, the shape of a Katalog, owned by this test alone. */
async function createClusterScopedProbe(): Promise<KubeObject> {
  await kubectlOk(['apply', '--server-side', '-f', '-'], JSON.stringify(probeCrd));
  await kubectlOk(['wait', '--for=condition=Established', '--timeout=30s', `crd/${PROBE_PLURAL}`]);
  probeName = `probe-${suffix}`;
  const manifest = JSON.stringify({
    apiVersion: `${PROBE_GROUP}/v1`,
    kind: 'EventProbe',
    metadata: { name: probeName },
  });
  // Established can precede the API server serving the new resource by a moment.
  await eventually('the EventProbe to be created', async () => {
    await kubectlOk(['create', '-f', '-'], manifest);
    return true;
  });
  return JSON.parse(await kubectlOk(['get', PROBE_PLURAL, probeName, '-o', 'json']));
}

async function eventsAbout(uid: string, inNamespace: string): Promise<CoreEvent[]> {
  const out = await kubectlOk([
    'get',
    'events',
    '-n',
    inNamespace,
    '--field-selector',
    `involvedObject.uid=${uid}`,
    '-o',
    'json',
  ]);
  return (JSON.parse(out) as { items: CoreEvent[] }).items;
}

function uidOf(obj: KubeObject): string {
  const uid = obj.metadata.uid;
  assert.ok(uid, `${obj.kind} has a uid`);
  return uid;
}

before(async () => {
  await kubectlOk(['create', 'namespace', ns]);
  await kubectlOk(['create', 'configmap', cmName, '-n', ns, '--from-literal=mode=strict']);
  configMap = JSON.parse(await kubectlOk(['get', 'configmap', cmName, '-n', ns, '-o', 'json']));
  namespace = JSON.parse(await kubectlOk(['get', 'namespace', ns, '-o', 'json']));
  client = createApiClient(loadKubeConfig(testKubeconfig()));
  recorder = createEventRecorder({ client, component: 'orkestra', host: 'e2e-test' });
});

after(async () => {
  await recorder?.stop();
  client?.close();
  if (namespace) {
    await kubectl(['delete', 'events', '-n', 'default', '--field-selector', `involvedObject.uid=${uidOf(namespace)}`]);
  }
  await kubectl(['delete', 'namespace', ns, '--wait=false']);
  if (probeName) {
    await kubectl(['delete', 'events', '-n', 'default', '--field-selector', `involvedObject.name=${probeName}`]);
    await kubectl(['delete', 'crd', PROBE_PLURAL, '--wait=false']);
  }
});

describe('event recorder against a real API server', () => {
  test('kubectl describe shows the events; a repeat is one Event with count 2', async () => {
    recorder.event(configMap, 'Normal', 'Synced', 'settings synced to 3 boxes');
    recorder.event(configMap, 'Normal', 'Synced', 'settings synced to 3 boxes');
    recorder.event(configMap, 'Warning', 'InvalidKey', 'key "mode" has unknown value "strict"');
    await recorder.flush();
    assert.equal(recorder.stats().failed, 0);
    assert.equal(recorder.stats().dropped, 0);

    const events = await eventually(
      'two Events about the ConfigMap',
      async () => {
        const items = await eventsAbout(uidOf(configMap), ns);
        return items.length === 2 ? items : undefined;
      },
      10_000,
    );
    const synced = events.find((e) => e.reason === 'Synced');
    const invalid = events.find((e) => e.reason === 'InvalidKey');
    assert.equal(synced?.count, 2, 'the repeated event is one Event with count 2');
    assert.equal(synced?.type, 'Normal');
    assert.equal(invalid?.count, 1);
    assert.equal(invalid?.type, 'Warning');
    for (const e of events) {
      assert.deepEqual(
        { ...e.involvedObject },
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          name: cmName,
          namespace: ns,
          uid: uidOf(configMap),
          resourceVersion: configMap.metadata.resourceVersion,
        },
      );
      assert.equal(e.metadata.namespace, ns);
      assert.match(e.metadata.name, new RegExp(`^${cmName}\\.[0-9a-f]+$`));
      assert.equal(e.source.component, 'orkestra');
      assert.equal(e.reportingComponent, 'orkestra');
      assert.equal(e.reportingInstance, 'e2e-test');
      assert.ok(e.firstTimestamp && e.lastTimestamp);
    }

    const described = await eventually('kubectl describe to list the events', async () => {
      const out = await kubectlOk(['describe', 'configmap', cmName, '-n', ns]);
      return /Synced/.test(out) && /InvalidKey/.test(out) ? out : undefined;
    });
    assert.match(described, /Normal\s+Synced\s+.*\(x2 over .*\)\s+orkestra\s+settings synced to 3 boxes/);
    assert.match(described, /Warning\s+InvalidKey\s+.*orkestra\s+key "mode" has unknown value "strict"/);
  });

  test('a later repeat patches the same Event; a deleted Event is recreated', async () => {
    const uid = uidOf(configMap);
    const before = (await eventsAbout(uid, ns)).find((e) => e.reason === 'Synced');
    assert.ok(before);
    const patchedBefore = recorder.stats().patched;

    recorder.event(configMap, 'Normal', 'Synced', 'settings synced to 3 boxes');
    await recorder.flush();
    assert.equal(recorder.stats().patched, patchedBefore + 1);
    const patched = await eventually('the Synced Event to reach count 3', async () => {
      const e = (await eventsAbout(uid, ns)).find((x) => x.reason === 'Synced');
      return e?.count === 3 ? e : undefined;
    });
    assert.equal(patched.metadata.name, before.metadata.name, 'same Event, no new one');
    assert.equal(patched.firstTimestamp, before.firstTimestamp);

    await kubectlOk(['delete', 'event', before.metadata.name, '-n', ns]);
    const createdBefore = recorder.stats().created;
    recorder.event(configMap, 'Normal', 'Synced', 'settings synced to 3 boxes');
    await recorder.flush();
    assert.equal(recorder.stats().created, createdBefore + 1, 'the 404 on PATCH led to a create');
    assert.equal(recorder.stats().failed, 0);
    const recreated = await eventually('a new Synced Event', async () => {
      const e = (await eventsAbout(uid, ns)).find((x) => x.reason === 'Synced');
      return e && e.metadata.name !== before.metadata.name ? e : undefined;
    });
    assert.equal(recreated.count, 1);
  });

  test('events about cluster-scoped objects land in default', async () => {
    recorder.event(namespace, 'Warning', 'QuotaMissing', 'namespace has no ResourceQuota');
    await recorder.flush();
    assert.equal(recorder.stats().failed, 0);

    const [event] = await eventually('the Namespace event in default', async () => {
      const items = await eventsAbout(uidOf(namespace), 'default');
      return items.length === 1 ? items : undefined;
    });
    assert.ok(event);
    assert.equal(event.metadata.namespace, 'default');
    assert.equal(event.type, 'Warning');
    assert.equal(event.involvedObject.kind, 'Namespace');
    assert.equal(event.involvedObject.name, ns);
    assert.equal(event.involvedObject.namespace, undefined, 'no namespace on the reference, as kubectl looks it up');
    // kubectl's Namespace (and ClusterRole) describers print no events section at all, so the
    // describe check uses a cluster-scoped custom resource, which is what Katalogs are.
  });

  test('kubectl describe shows events about a cluster-scoped custom resource', async () => {
    const probe = await createClusterScopedProbe();
    recorder.event(probe, 'Normal', 'Reconciled', 'probe reconciled');
    recorder.event(probe, 'Normal', 'Reconciled', 'probe reconciled');
    await recorder.flush();
    assert.equal(recorder.stats().failed, 0);

    const [event] = await eventually('the probe event in default', async () => {
      const items = await eventsAbout(uidOf(probe), 'default');
      return items.length === 1 ? items : undefined;
    });
    assert.equal(event?.count, 2);
    assert.equal(event?.involvedObject.namespace, undefined);

    const described = await eventually('kubectl describe to list the probe event', async () => {
      const out = await kubectlOk(['describe', PROBE_PLURAL, probe.metadata.name]);
      return /Reconciled/.test(out) ? out : undefined;
    });
    assert.match(described, /Normal\s+Reconciled\s+.*\(x2 over .*\)\s+orkestra\s+probe reconciled/);
  });
});
