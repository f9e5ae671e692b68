import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FieldPathError, parseFieldPath, readPath } from './index.ts';

const cr = {
  metadata: {
    name: 'web',
    labels: { app: 'web', 'app.kubernetes.io/name': 'web-app', 'team"x': 'q', "it's": 'ok' },
  },
  spec: {
    replicas: 3,
    zero: 0,
    off: false,
    nothing: null,
    items: [{ name: 'first' }, { name: 'second', ports: [80, 443] }],
    matrix: [
      [1, 2],
      [3, 4],
    ],
  },
};

describe('readPath', () => {
  const cases: ReadonlyArray<readonly [string, unknown]> = [
    ['metadata.name', 'web'],
    ['spec.replicas', 3],
    ['spec.zero', 0],
    ['spec.off', false],
    ['spec.nothing', null],
    ['spec', cr.spec],
    ['metadata.labels.app', 'web'],
    ['metadata.labels["app.kubernetes.io/name"]', 'web-app'],
    ["metadata.labels['app.kubernetes.io/name']", 'web-app'],
    ['metadata["labels"].app', 'web'],
    ["metadata.labels['team\"x']", 'q'],
    ['metadata.labels["it\'s"]', 'ok'],
    ['spec.items[0].name', 'first'],
    ['spec.items[1].ports[1]', 443],
    ['spec.matrix[1][0]', 3],
    // missing steps
    ['spec.nope', undefined],
    ['nope.deeper.still', undefined],
    ['spec.items[2].name', undefined],
    ['spec.items[0].missing', undefined],
    ['spec.nothing.x', undefined],
    ['spec.replicas.x', undefined],
    ['metadata.name.length', undefined],
    // indexes only index arrays, keys only key objects
    ['spec.items.length', undefined],
    ['spec.items.0', undefined],
    ['spec.items["0"]', undefined],
    ['metadata[0]', undefined],
    // inherited members read as missing
    ['metadata.toString', undefined],
    ['spec.hasOwnProperty', undefined],
    ['spec.items.at', undefined],
  ];
  for (const [path, expected] of cases) {
    test(`${path} → ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(readPath(cr, path), expected);
      assert.deepEqual(readPath(cr, parseFieldPath(path)), expected, 'parsed once, read many times');
    });
  }

  test('reads from non-objects and null roots as missing', () => {
    assert.equal(readPath(null, 'a'), undefined);
    assert.equal(readPath(undefined, 'a'), undefined);
    assert.equal(readPath('text', 'length'), undefined);
    assert.equal(readPath(42, 'a.b'), undefined);
  });

  test('reads objects without a prototype', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: { b: 1 } });
    assert.equal(readPath(bare, 'a.b'), 1);
    assert.equal(readPath(bare, 'toString'), undefined);
  });

  test('an own key named like an inherited member is data and is read as such', () => {
    const parsed: unknown = JSON.parse('{"spec": {"toString": {"x": 1}, "hasOwnProperty": "h"}}');
    assert.equal(readPath(parsed, 'spec.toString.x'), 1);
    assert.equal(readPath(parsed, 'spec.hasOwnProperty'), 'h');
  });

  test('a polluted Object.prototype is never reached', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.polluted = 'yes';
    try {
      assert.equal(readPath({ spec: {} }, 'spec.polluted'), undefined);
      assert.equal(readPath({ spec: [] }, 'spec.polluted'), undefined);
    } finally {
      delete proto.polluted;
    }
  });

  test('prototype segments are refused, not read', () => {
    for (const path of [
      '__proto__',
      'constructor',
      'spec.constructor',
      'spec.__proto__',
      'spec.constructor.prototype',
      'spec.items["__proto__"]',
      "metadata.labels['constructor']",
    ]) {
      assert.throws(() => readPath(cr, path), FieldPathError, path);
    }
  });
});
