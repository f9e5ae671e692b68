import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FieldPathError, setPath } from './index.ts';

describe('setPath', () => {
  test('sets a dotted path, creating objects on the way', () => {
    const o: Record<string, unknown> = { spec: { a: 1 } };
    assert.equal(setPath(o, 'spec.tls.port', 443), true);
    assert.deepEqual(o, { spec: { a: 1, tls: { port: 443 } } });
  });

  test('a bracketed key with dots and slashes is one key', () => {
    const o: Record<string, unknown> = { metadata: { annotations: { keep: 'me' } } };
    setPath(o, 'metadata.annotations["example.com/owner"]', 'team-a');
    setPath(o, "metadata.labels['app.kubernetes.io/name']", 'web');
    assert.deepEqual(o, {
      metadata: {
        annotations: { keep: 'me', 'example.com/owner': 'team-a' },
        labels: { 'app.kubernetes.io/name': 'web' },
      },
    });
  });

  test('replaces a scalar or a list in the way by an object', () => {
    const o: Record<string, unknown> = { spec: { tls: 'off', list: [1] } };
    setPath(o, 'spec.tls.port', 443);
    setPath(o, 'spec.list.x', 1);
    assert.deepEqual(o, { spec: { tls: { port: 443 }, list: { x: 1 } } });
  });

  test('an index addresses an existing element and never invents one', () => {
    const o: Record<string, unknown> = { spec: { items: [{ name: 'a' }, 'scalar'] } };
    assert.equal(setPath(o, 'spec.items[0].name', 'b'), true);
    assert.equal(setPath(o, 'spec.items[1].name', 'c'), true, 'a scalar element becomes an object');
    assert.equal(setPath(o, 'spec.items[2].name', 'd'), false);
    assert.equal(setPath(o, 'spec.items[2]', 'd'), false);
    assert.equal(setPath(o, 'spec.missing[0]', 'e'), false);
    assert.equal(setPath(o, 'spec.items[0]', { name: 'z' }), true);
    assert.deepEqual(o, { spec: { items: [{ name: 'z' }, { name: 'c' }] } });
  });

  test('regression: setPath(obj, "__proto__.x", 1) does not write into Object.prototype', () => {
    const proto = Object.prototype as Record<string, unknown>;
    for (const path of ['__proto__.x', 'constructor.prototype.x', 'spec["__proto__"].x']) {
      const o: Record<string, unknown> = {};
      let error: unknown;
      try {
        setPath(o, path, 1);
      } catch (e) {
        error = e;
      }
      try {
        assert.equal(({} as Record<string, unknown>).x, undefined, `${path} polluted Object.prototype`);
      } finally {
        delete proto.x; // leave the process clean even when the assertion fails
      }
      assert.ok(error instanceof FieldPathError, `${path} is refused`);
      assert.deepEqual(o, {});
    }
  });

  test('writes own properties: an accessor on the way or on the prototype never runs', () => {
    const proto = Object.prototype as Record<string, unknown>;
    let ran = false;
    Object.defineProperty(proto, 'trap', {
      configurable: true,
      get: () => ({ inner: 'inherited' }),
      set: () => {
        ran = true;
      },
    });
    try {
      const o: Record<string, unknown> = {};
      setPath(o, 'trap', 1);
      setPath(o, 'spec.trap.inner', 2);
      assert.equal(ran, false);
      assert.deepEqual(JSON.parse(JSON.stringify(o)), { trap: 1, spec: { trap: { inner: 2 } } });
    } finally {
      delete proto.trap;
    }
  });

  test('writes into objects without a prototype', () => {
    const bare = Object.create(null) as Record<string, unknown>;
    setPath(bare, 'a.b', 1);
    assert.deepEqual(JSON.parse(JSON.stringify(bare)), { a: { b: 1 } });
  });
});
