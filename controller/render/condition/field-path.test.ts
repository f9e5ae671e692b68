import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FieldPathError, parseFieldPath, readPath } from './field-path.ts';

const cr = {
  metadata: {
    name: 'web',
    labels: { app: 'web', 'app.kubernetes.io/name': 'web-app', 'team"x': 'q' },
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
    ['["metadata"].name', 'web'],
    ['metadata.labels["team\\"x"]', 'q'],
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
    ['metadata.labels.app.kubernetes.io/name', undefined], // dots split: use the bracket form
    // indexes only index arrays, keys only key objects
    ['spec.items.length', undefined],
    ['spec.items.0', undefined],
    ['spec.items["0"]', undefined],
    ['metadata[0]', undefined],
    // prototype safety: inherited members read as missing
    ['__proto__', undefined],
    ['constructor', undefined],
    ['spec.constructor', undefined],
    ['spec.__proto__', undefined],
    ['spec.__proto__.constructor', undefined],
    ['metadata.toString', undefined],
    ['spec.hasOwnProperty', undefined],
    ['spec.items.constructor', undefined],
    ['spec.items["__proto__"]', undefined],
    ['metadata.labels["constructor"]', undefined],
  ];
  for (const [path, expected] of cases) {
    test(`${path} → ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(readPath(cr, path), expected);
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

  test('an own key named like a prototype member is data and is read as such', () => {
    const parsed: unknown = JSON.parse('{"spec": {"__proto__": {"x": 1}, "constructor": "c"}}');
    assert.equal(readPath(parsed, 'spec.__proto__.x'), 1);
    assert.equal(readPath(parsed, 'spec.constructor'), 'c');
    assert.equal(readPath(parsed, 'spec.__proto__.toString'), undefined);
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
});

describe('parseFieldPath', () => {
  test('segments', () => {
    assert.deepEqual(parseFieldPath('spec.items[0].name'), [
      { key: 'spec' },
      { key: 'items' },
      { index: 0 },
      { key: 'name' },
    ]);
    assert.deepEqual(parseFieldPath('metadata.labels["a.b/c"]'), [
      { key: 'metadata' },
      { key: 'labels' },
      { key: 'a.b/c' },
    ]);
    assert.deepEqual(parseFieldPath("x['it\\'s']"), [{ key: 'x' }, { key: "it's" }]);
    assert.deepEqual(parseFieldPath('a["\\\\"]'), [{ key: 'a' }, { key: '\\' }]);
    assert.deepEqual(parseFieldPath('a[""]'), [{ key: 'a' }, { key: '' }]);
    assert.deepEqual(parseFieldPath('$x.y-z.a_b'), [{ key: '$x' }, { key: 'y-z' }, { key: 'a_b' }]);
  });

  const malformed: ReadonlyArray<readonly [string, RegExp]> = [
    ['', /empty path/],
    ['.spec', /expected a field name at position 0/],
    ['spec.', /expected a field name at position 5, found end of path/],
    ['spec..x', /expected a field name at position 5/],
    ['spec[', /expected an array index or a quoted key/],
    ['spec[x]', /expected an array index or a quoted key/],
    ['spec[-1]', /expected an array index or a quoted key/],
    ['spec[1', /expected an array index or a quoted key/],
    ['spec["x]', /unterminated quoted key/],
    ['spec["x"', /expected '\]'/],
    ['spec["x\\', /unterminated quoted key/],
    ['[0].x', /starts with a field name/],
    ['spec x', /expected a field name|unexpected/],
    ['spec]', /unexpected '\]'/],
    ['spec"x"', /unexpected '"'/],
    ['spec[99999999999999999999]', /array index too large/],
  ];
  for (const [path, message] of malformed) {
    test(`rejects ${JSON.stringify(path)}`, () => {
      assert.throws(
        () => parseFieldPath(path),
        (e: unknown) => e instanceof FieldPathError && message.test(e.message) && e.path === path,
      );
      assert.throws(() => readPath({}, path), FieldPathError);
    });
  }
});
