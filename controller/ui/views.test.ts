import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject } from '../kube/object.ts';
import { createBoxHistory } from './history.ts';
import type { RecentEvent } from './recent-events.ts';
import { boxView, childChanges, overviewView, PAGE_SIZE, resourceView, type UiSource } from './views.ts';

function website(ns: string, name: string, ready: 'True' | 'False', extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'demo.orkestra.io/v1',
    kind: 'Website',
    metadata: { namespace: ns, name, uid: `uid-${ns}-${name}`, creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { image: 'nginx:1' },
    status: {
      observedGeneration: 1,
      conditions: [
        { type: 'Ready', status: ready, reason: ready === 'True' ? 'Ready' : 'ChildrenNotReady' },
        { type: 'Stalled', status: name.startsWith('stuck') ? 'True' : 'False', reason: 'x' },
      ],
      url: `http://${name}`,
      ...extra,
    },
  };
}

function source(objects: KubeObject[], events: RecentEvent[] = []): UiSource {
  const byKey = new Map(objects.map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, o]));
  return {
    katalogs: () => [
      {
        name: 'web',
        boxes: [
          { name: 'site', phase: 'Running', gvk: 'demo.orkestra.io/v1/Website', managed: objects.length },
          { name: 'broken', phase: 'Failed', gvk: 'demo.orkestra.io/v1/Gadget', message: 'template does not parse' },
        ],
      },
      { name: 'aaa', boxes: [{ name: 'ok', phase: 'Running', gvk: 'x/v1/Ok' }] },
    ],
    box: (id) =>
      id === 'web/site'
        ? {
            config: () => ({
              katalog: 'web',
              name: 'site',
              box: { apiTypes: { group: 'demo.orkestra.io', version: 'v1', kind: 'Website' } },
            }),
            list: () => [...byKey.values()],
            get: (k) => byKey.get(k),
          }
        : undefined,
    replica: () => ({ role: 'single' }),
    history: createBoxHistory(),
    busy: (id) => (id === 'web/site' ? 1 : 0),
    events: (uids) => {
      const set = new Set(uids);
      return events.filter((e) => set.has(e.uid));
    },
    childCaches: () => [],
  };
}

describe('Control Center views', () => {
  test('overview: Katalogs with failed boxes first, failed boxes first within, with their message', () => {
    const v = overviewView(source([]));
    assert.deepEqual(
      v.katalogs.map((k) => k.name),
      ['web', 'aaa'],
    );
    assert.deepEqual(
      v.katalogs[0]?.boxes.map((b) => [b.name, b.phase, b.message]),
      [
        ['broken', 'Failed', 'template does not parse'],
        ['site', 'Running', ''],
      ],
    );
    assert.equal(v.katalogs[0]?.boxes[1]?.busy, 1);
  });

  test('box: filters on the server, not-ready first, one page of rows', () => {
    const objects = [
      ...Array.from({ length: 120 }, (_, i) => website('a', `site-${String(i).padStart(3, '0')}`, 'True')),
      website('b', 'down', 'False'),
      website('b', 'stuck-1', 'False'),
    ];
    const s = source(objects);
    const first = boxView(s, 'web', 'site', {});
    assert.ok(first);
    assert.equal(first.total, 122);
    assert.equal(first.rows.length, PAGE_SIZE);
    assert.deepEqual(
      first.rows.slice(0, 3).map((r) => r.name),
      ['down', 'stuck-1', 'site-000'],
    );
    assert.deepEqual(first.namespaces, ['a', 'b']);
    assert.match(first.snippet, /^crds:\n {2}site:\n/);
    const last = boxView(s, 'web', 'site', { page: 99 });
    assert.equal(last?.page, 2, 'a page past the end shows the last one');
    assert.equal(last?.rows.length, 22);
    assert.deepEqual(
      boxView(s, 'web', 'site', { state: 'stalled' })?.rows.map((r) => r.name),
      ['stuck-1'],
    );
    assert.equal(boxView(s, 'web', 'site', { state: 'notready' })?.matched, 2);
    assert.equal(boxView(s, 'web', 'site', { namespace: 'a', name: 'site-11' })?.matched, 10);
    assert.equal(boxView(s, 'web', 'nope', {}), undefined);
  });

  test('resource: conditions, status fields without the bookkeeping, children with their recreations', () => {
    const children = [
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'x-content', state: 'Ready' },
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'x', state: 'NotReady', reason: '0/1 available' },
    ];
    const obj = website('a', 'x', 'False', { children });
    const ev = (reason: string, message: string, at: string): RecentEvent => ({
      uid: obj.metadata.uid ?? '',
      kind: 'Website',
      name: 'x',
      type: 'Normal',
      reason,
      message,
      at,
    });
    const events = [
      ev('ChildCreated', 'created Deployment x; created ConfigMap x-content', '2026-01-01T00:00:01Z'),
      ev('ChildCreated', 'created ConfigMap x-content', '2026-01-01T00:00:05Z'),
      ev('ChildUpdated', 'updated Deployment x', '2026-01-01T00:00:09Z'),
    ];
    const v = resourceView(source([obj], events), 'web', 'site', 'a', 'x');
    assert.ok(v?.found);
    assert.deepEqual(
      v.conditions.map((c) => c.type),
      ['Ready', 'Stalled'],
    );
    assert.equal(v.fields, 'url: http://x\n');
    assert.equal(v.observedGeneration, 1);
    assert.deepEqual(
      v.children.map((c) => [c.kind, c.state, c.created, c.updated]),
      [
        ['ConfigMap', 'Ready', 2, 0],
        ['Deployment', 'NotReady', 1, 1],
      ],
    );
    assert.equal(v.events.length, 3);
    // The fake box has no templates: it renders no children, and says nothing went wrong.
    assert.deepEqual(v.rendered, { children: [], problem: '' });
    assert.equal(resourceView(source([]), 'web', 'site', 'a', 'gone')?.found, false);
  });

  test('child changes are read from the reconciler Event messages', () => {
    const counts = childChanges([
      { uid: 'u', kind: 'W', name: 'n', type: 'Normal', reason: 'ChildPruned', message: 'pruned Service s', at: '' },
      {
        uid: 'u',
        kind: 'W',
        name: 'n',
        type: 'Normal',
        reason: 'ChildUpdated',
        message: 'updated Service s; pruned ConfigMap c',
        at: '',
      },
    ]);
    assert.deepEqual([...counts], [['Service s', { created: 0, updated: 1 }]]);
  });
});
