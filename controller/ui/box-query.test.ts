import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readBoxQuery, writeBoxQuery } from './box-query.ts';
import { parseRoute, resourceHref, streamQuery } from './page-url.ts';
import { parseViewRequest } from './view-request.ts';

test('a box query survives the page URL, the stream query and the server reading it', () => {
  const q = { namespace: 'team a', state: 'stalled', name: 'shop', page: 3 } as const;
  const params = writeBoxQuery(q, new URLSearchParams());
  assert.deepEqual(
    readBoxQuery((k) => params.get(k) ?? ''),
    q,
  );
  const route = parseRoute('/katalogs/web/boxes/site', `?${params}`);
  assert.deepEqual(route, { view: 'box', katalog: 'web', box: 'site', query: q });
  assert.deepEqual(parseViewRequest(Object.fromEntries(new URLSearchParams(streamQuery(route)))), route);
  assert.deepEqual(
    readBoxQuery((k) => ({ state: 'bogus', page: '-2' })[k] ?? ''),
    {},
  );
});

test('deep links to custom resources, namespaced and cluster-scoped', () => {
  for (const [ns, name] of [
    ['team-a', 'shop'],
    ['', 'global'],
  ] as const) {
    const href = resourceHref('web', 'site', ns, name);
    const route = parseRoute(href, '');
    assert.deepEqual(route, { view: 'resource', katalog: 'web', box: 'site', namespace: ns, name });
    assert.deepEqual(parseViewRequest(Object.fromEntries(new URLSearchParams(streamQuery(route)))), route);
  }
  assert.equal(resourceHref('web', 'site', 'team-a', 'shop'), '/katalogs/web/boxes/site/namespaces/team-a/shop');
  assert.deepEqual(parseRoute('/nowhere', ''), { view: 'overview' });
});
