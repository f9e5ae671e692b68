// The strip list is checked against what cdk8s-plus-28 really emits, and the cdk8s-plus behaviour the
// renderers work around by construction is pinned here, so a cdk8s-plus upgrade that changes either fails
// a test instead of silently changing what Orkestra applies.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { App, Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { MINIMAL, REPRESENTATIVE } from './fixtures.ts';
import { RENDERERS, renderKind, SHORTHAND_KINDS } from './index.ts';
import type { KubeManifest } from './model.ts';
import { canonical, expandPointer, getPointer, hasPointer, pointerToken, removePointer, setPointer } from './synth.ts';

describe('the strip list matches what cdk8s-plus-28 emits', () => {
  for (const kind of SHORTHAND_KINDS) {
    test(`${kind}: every declared injection is present in the raw output with the declared value`, () => {
      const declared = RENDERERS[kind].injected;
      const { raw, removed } = RENDERERS[kind].inspect(MINIMAL[kind]);
      // A minimal entry asks for nothing, so every declared injection applies...
      for (const { path } of declared) {
        assert.ok(
          removed.some((r) => new RegExp(`^${path.replaceAll('*', '\\d+').replaceAll('.', '\\.')}$`).test(r.path)),
          `${kind}: ${path} is declared but was not found in the raw cdk8s-plus output`,
        );
      }
      // ...and each one is really there, with the value cdk8s-plus is documented to put there.
      for (const { path, value } of removed) {
        assert.ok(hasPointer(raw, path), `${kind}: cdk8s-plus no longer emits ${path}`);
        if (value !== undefined) assert.deepEqual(getPointer(raw, path), value, `${kind}: ${path}`);
      }
    });
  }

  test('the representative entries keep what they ask for', () => {
    const { removed } = RENDERERS.deployments.inspect(REPRESENTATIVE.deployments);
    assert.equal(
      removed.some((r) => r.path === '/spec/replicas'),
      false,
    );
    const sa = RENDERERS.serviceAccounts.inspect(REPRESENTATIVE.serviceAccounts);
    assert.deepEqual(sa.removed, []);
  });

  test('the pod-template injections are the ones the notes list', () => {
    const paths = RENDERERS.deployments.injected.map((i) => i.path);
    for (const p of [
      '/spec/replicas',
      '/spec/template/metadata/labels/cdk8s.io~1metadata.addr',
      '/spec/template/spec/automountServiceAccountToken',
      '/spec/template/spec/dnsPolicy',
      '/spec/template/spec/hostNetwork',
      '/spec/template/spec/restartPolicy',
      '/spec/template/spec/securityContext',
      '/spec/template/spec/setHostnameAsFQDN',
      '/spec/template/spec/terminationGracePeriodSeconds',
      '/spec/template/spec/containers/0/imagePullPolicy',
      '/spec/template/spec/containers/0/securityContext',
    ]) {
      assert.ok(paths.includes(p), p);
    }
  });
});

/** Synthesizes whatever `build` adds, the way the renderers do. */
function synth(build: (chart: Chart) => void): KubeManifest[] {
  const chart = new Chart(new App(), 'orkestra', { disableResourceNameHashes: true });
  build(chart);
  return chart.toJson() as KubeManifest[];
}

describe('cdk8s-plus-28 behaviour avoided by construction', () => {
  test('a container without `resources` gets requests and limits; `resources: {}` gets none', () => {
    const [withDefault, withEmpty] = synth((chart) => {
      new kplus.Deployment(chart, 'a', { metadata: { name: 'a' }, containers: [{ image: 'x' }] });
      new kplus.Deployment(chart, 'b', { metadata: { name: 'b' }, containers: [{ image: 'x', resources: {} }] });
    });
    assert.deepEqual(getPointer(withDefault, '/spec/template/spec/containers/0/resources'), {
      limits: { cpu: '1500m', memory: '2048Mi' },
      requests: { cpu: '1000m', memory: '512Mi' },
    });
    assert.equal(hasPointer(withEmpty, '/spec/template/spec/containers/0/resources'), false);
  });

  test('`portNumber` adds a TCP startupProbe, `ports` does not', () => {
    const [viaPortNumber, viaPorts] = synth((chart) => {
      new kplus.Deployment(chart, 'a', { metadata: { name: 'a' }, containers: [{ image: 'x', portNumber: 8080 }] });
      new kplus.Deployment(chart, 'b', {
        metadata: { name: 'b' },
        containers: [{ image: 'x', ports: [{ number: 8080 }] }],
      });
    });
    assert.deepEqual(getPointer(viaPortNumber, '/spec/template/spec/containers/0/startupProbe'), {
      failureThreshold: 3,
      tcpSocket: { port: 8080 },
    });
    assert.equal(hasPointer(viaPorts, '/spec/template/spec/containers/0/startupProbe'), false);
  });

  test('cdk8s-plus rewrites memory quantities and cannot say 500Mi of storage', () => {
    const [d] = synth((chart) => {
      new kplus.Deployment(chart, 'a', {
        metadata: { name: 'a' },
        containers: [{ image: 'x', resources: { memory: { request: Size.gibibytes(1) } } }],
      });
    });
    assert.equal(getPointer(d, '/spec/template/spec/containers/0/resources/requests/memory'), '1024Mi');
    assert.throws(
      () => synth((chart) => new kplus.PersistentVolumeClaim(chart, 'p', { storage: Size.mebibytes(500) })),
      /whole number of gibibytes/,
    );
  });

  test('cdk8s-plus keeps env in a map: index-like names move to the front', () => {
    const [d] = synth((chart) => {
      new kplus.Deployment(chart, 'a', {
        metadata: { name: 'a' },
        containers: [
          { image: 'x', envVariables: { B: kplus.EnvValue.fromValue('b'), '1': kplus.EnvValue.fromValue('one') } },
        ],
      });
    });
    const env = getPointer(d, '/spec/template/spec/containers/0/env') as { name: string }[];
    assert.deepEqual(
      env.map((e) => e.name),
      ['1', 'B'],
    );
    const ours = renderKind('deployments', {
      ...MINIMAL.deployments,
      env: [
        { name: 'B', value: 'b' },
        { name: '1', value: 'one' },
      ],
    });
    assert.deepEqual(
      (getPointer(ours, '/spec/template/spec/containers/0/env') as { name: string }[]).map((e) => e.name),
      ['B', '1'],
    );
  });

  test('a StatefulSet without `service` brings a second object, a headless Service', () => {
    const objects = synth((chart) => {
      new kplus.StatefulSet(chart, 's', {
        metadata: { name: 's' },
        containers: [{ image: 'x', ports: [{ number: 80 }] }],
      });
    });
    assert.deepEqual(
      objects.map((o) => o.kind),
      ['Service', 'StatefulSet'],
    );
  });

  test('`select: false` still labels pods with the hashed cdk8s.io/metadata.addr', () => {
    const [d] = synth((chart) => {
      new kplus.Deployment(chart, 'a', { metadata: { name: 'a' }, select: false, containers: [{ image: 'x' }] });
    });
    assert.match(
      String(getPointer(d, `/spec/template/metadata/labels/${pointerToken('cdk8s.io/metadata.addr')}`)),
      /^orkestra-a-[0-9a-f]{8}$/,
    );
  });

  test('without explicit names cdk8s-plus hashes them', () => {
    const [cm] = (() => {
      const chart = new Chart(new App(), 'orkestra');
      new kplus.ConfigMap(chart, 'cm');
      return chart.toJson() as KubeManifest[];
    })();
    assert.match(String(cm?.metadata.name), /^orkestra-cm-[0-9a-f]{8}$/);
  });

  test('an imported ServiceAccount subject defaults to namespace "default"; Role splits rules per resource', () => {
    const [binding, role] = synth((chart) => {
      const rb = new kplus.RoleBinding(chart, 'rb', {
        metadata: { name: 'rb' },
        role: kplus.ClusterRole.fromClusterRoleName(chart, 'view', 'view'),
      });
      rb.addSubjects(kplus.ServiceAccount.fromServiceAccountName(chart, 'sa', 'runner'));
      new kplus.Role(chart, 'r', {
        metadata: { name: 'r' },
        rules: [{ verbs: ['get'], resources: [kplus.ApiResource.PODS, kplus.ApiResource.SECRETS] }],
      });
    });
    assert.equal(getPointer(binding, '/subjects/0/namespace'), 'default');
    assert.equal((getPointer(role, '/rules') as unknown[]).length, 2);
  });
});

describe('JSON pointer helpers', () => {
  test('escape, read, set, remove and expand', () => {
    const doc: Record<string, unknown> = { a: { 'b/c': 1, 'd~e': 2 }, list: [{ x: 1 }, { x: 2 }, 3] };
    assert.equal(pointerToken('b/c'), 'b~1c');
    assert.equal(getPointer(doc, '/a/b~1c'), 1);
    assert.equal(getPointer(doc, `/a/${pointerToken('d~e')}`), 2);
    assert.equal(hasPointer(doc, '/a/missing'), false);
    assert.equal(hasPointer(doc, '/nope/deeper'), false);
    assert.deepEqual(expandPointer(doc, '/list/*/x'), ['/list/0/x', '/list/1/x', '/list/2/x']);
    assert.deepEqual(expandPointer(doc, '/missing/*/x'), []);
    removePointer(doc, '/list/0/x');
    removePointer(doc, '/list/2/x'); // not an object: ignored
    removePointer(doc, '/list/1'); // list elements are never removed
    assert.deepEqual(doc.list, [{}, { x: 2 }, 3]);
    setPointer(doc, '/new/deep/key', [1]);
    assert.deepEqual(doc.new, { deep: { key: [1] } });
  });

  test('canonical order: header first, then sorted keys at every depth, lists untouched', () => {
    const m = canonical({
      spec: { b: 1, a: [{ z: 1, y: 2 }] },
      metadata: { namespace: 'n', name: 'x' },
      kind: 'K',
      apiVersion: 'v1',
      data: {},
    } as unknown as KubeManifest);
    assert.equal(
      JSON.stringify(m),
      '{"apiVersion":"v1","kind":"K","metadata":{"name":"x","namespace":"n"},"data":{},"spec":{"a":[{"y":2,"z":1}],"b":1}}',
    );
  });
});

describe('cost', () => {});
