import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Box } from '../../api-types/box.ts';
import { compileBox } from '../box/compiled-box.ts';
import { APPLIED_HASH_ANNOTATION } from '../kube/apply.ts';
import { BOX_LABEL, OWNER_UID_LABEL } from '../kube/child-watches.ts';
import type { KubeObject, ResourceRef } from '../kube/object.ts';
import type { ChildWatchMap, HeldWatch } from './child-watch-set.ts';
import { Halt } from './halt.ts';
import { renderChildren } from './render.ts';

const API = { group: 'example.com', version: 'v1', kind: 'Web', plural: 'webs' };
const CONFIGMAPS: ResourceRef = { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true };
// Rendering reads only the resource of a held watch.
const served: ChildWatchMap = new Map([['v1/ConfigMap', { resource: CONFIGMAPS } as HeldWatch]]);

function render(onReconcile: Record<string, unknown>, spec: Record<string, unknown>, watches = served) {
  const compiled = compileBox('web', { apiTypes: API, operatorBox: { reconcile: { onReconcile } } } as Box);
  const cr: KubeObject = {
    apiVersion: 'example.com/v1',
    kind: 'Web',
    metadata: { name: 'shop', namespace: 'team-a', uid: 'u1' },
    spec,
  };
  const owner = { katalog: 'k', box: 'web', object: cr };
  return renderChildren(compiled, owner, cr, { metadata: cr.metadata, spec, status: {}, children: {} }, watches, {});
}

test('children are rendered per template and forEach item, stamped with ownership and the applied hash', () => {
  const desired = render(
    {
      configMaps: [
        { name: '{{ .metadata.name }}', data: { image: '{{ .spec.image }}' } },
        { name: '{{ .metadata.name }}-{{ .item }}', forEach: { field: 'spec.tenants' }, data: { t: '{{ .item }}' } },
      ],
    },
    { image: 'nginx', tenants: ['a', 'b'] },
  );
  assert.deepEqual(
    desired.map((d) => d.object.metadata.name),
    ['shop', 'shop-a', 'shop-b'],
  );
  const first = desired[0]?.object;
  assert.equal(first?.metadata.namespace, 'team-a');
  assert.equal(first?.metadata.labels?.[BOX_LABEL], 'web');
  assert.equal(first?.metadata.labels?.[OWNER_UID_LABEL], 'u1');
  assert.equal(first?.metadata.ownerReferences?.[0]?.uid, 'u1');
  assert.ok(first?.metadata.annotations?.[APPLIED_HASH_ANNOTATION], 'the manifest carries its hash');
  assert.equal(desired[0]?.resource, CONFIGMAPS);
});

test('a false when leaves the child out; a when that fails to evaluate halts naming box, entry and expression', () => {
  const entries = { configMaps: [{ name: 'gated', data: { a: '1' }, when: [{ cel: 'self.spec.tier.level > 1' }] }] };
  assert.deepEqual(render(entries, { tier: { level: 0 } }), []);
  assert.equal(render(entries, { tier: { level: 3 } }).length, 1);
  assert.throws(
    () => render(entries, {}),
    (err: unknown) =>
      err instanceof Halt &&
      err.problem.reason === 'EvaluationError' &&
      err.problem.stalled &&
      err.problem.message.includes('box web') &&
      err.problem.message.includes('spec.crds.web.operatorBox.reconcile.onReconcile.configMaps[0].when[0]') &&
      err.problem.message.includes('self.spec.tier.level > 1'),
  );
});

test('an unserved kind waits (not stalled); a template error or a name rendered twice stalls', () => {
  assert.throws(
    () => render({ configMaps: [{ name: 'a' }] }, {}, new Map()),
    (err: unknown) => err instanceof Halt && err.problem.reason === 'KindNotServed' && !err.problem.stalled,
  );
  assert.throws(
    () => render({ configMaps: [{ name: 'a', data: { x: '{{ .spec.missing.deeper }}' } }] }, {}),
    (err: unknown) => err instanceof Halt && err.problem.reason === 'RenderFailed' && err.problem.stalled,
  );
  assert.throws(
    () => render({ configMaps: [{ name: 'twin' }, { name: 'twin' }] }, {}),
    (err: unknown) =>
      err instanceof Halt &&
      err.problem.reason === 'RenderFailed' &&
      /renders ConfigMap twin, as does/.test(err.message),
  );
});

test('a forEach field that is not a list halts instead of reading as empty', () => {
  const entries = { configMaps: [{ name: 'x-{{ .item }}', forEach: { field: 'spec.tenants' } }] };
  assert.deepEqual(render(entries, {}), [], 'absent: no children');
  assert.throws(
    () => render(entries, { tenants: 'a,b' }),
    (err: unknown) =>
      err instanceof Halt &&
      err.problem.reason === 'EvaluationError' &&
      err.problem.message.includes(
        'spec.crds.web.operatorBox.reconcile.onReconcile.configMaps[0].forEach: spec.tenants is string',
      ),
  );
});

test('the templates of one custom resource share one CPU budget: a forEach past it halts, marked as a limit', () => {
  // Each item alone renders well within a budget (100 iterations, each serialising 100 labels: a
  // few milliseconds); 2,000 items together would take many seconds.
  const labels = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, `v${i}`]));
  const entries = {
    configMaps: [
      {
        name: 'x-{{ .item }}',
        forEach: { field: 'spec.items' },
        data: { v: '{{ range $.spec.labels }}{{ $j := toJson $.spec.labels }}{{ end }}' },
      },
    ],
  };
  assert.equal(render(entries, { labels, items: [1, 2] }).length, 2);
  const started = performance.now();
  assert.throws(
    () => render(entries, { labels, items: Array.from({ length: 2000 }, (_, i) => i) }),
    (err: unknown) =>
      err instanceof Halt &&
      err.problem.reason === 'RenderFailed' &&
      err.problem.stalled &&
      err.problem.renderLimit === true &&
      /^spec\.crds\.web\.operatorBox\.reconcile\.onReconcile\.configMaps\[0\]\.data\.v: template .* exceeded its time budget of 100 ms of CPU per render/.test(
        err.problem.message,
      ),
  );
  assert.ok(performance.now() - started < 5_000, 'stopped near the budget, not after every item');
  assert.throws(
    () => render({ configMaps: [{ name: 'a', data: { x: '{{ .spec.missing.deeper }}' } }] }, {}),
    (err: unknown) => err instanceof Halt && err.problem.reason === 'RenderFailed' && !err.problem.renderLimit,
  );
});
