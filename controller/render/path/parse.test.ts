import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FieldPathError, formatFieldPath, type PathSegment, parseFieldPath } from './index.ts';

describe('parseFieldPath', () => {
  test('segments', () => {
    assert.deepEqual(parseFieldPath('spec.items[0].name'), [
      { key: 'spec' },
      { key: 'items' },
      { index: 0 },
      { key: 'name' },
    ]);
    assert.deepEqual(parseFieldPath('metadata.annotations["a.b/c"]'), [
      { key: 'metadata' },
      { key: 'annotations' },
      { key: 'a.b/c' },
    ]);
    assert.deepEqual(parseFieldPath("x['it\"s']"), [{ key: 'x' }, { key: 'it"s' }]);
    assert.deepEqual(
      parseFieldPath('a["\\\\"]'),
      [{ key: 'a' }, { key: '\\\\' }],
      'no escapes: a backslash is a character',
    );
    assert.deepEqual(parseFieldPath('a["x]y[z"]'), [{ key: 'a' }, { key: 'x]y[z' }]);
    assert.deepEqual(parseFieldPath('$x.y-z.a_b.0'), [{ key: '$x' }, { key: 'y-z' }, { key: 'a_b' }, { key: '0' }]);
    assert.deepEqual(parseFieldPath('m[007]'), [{ key: 'm' }, { index: 7 }]);
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
    ['spec[""]', /empty quoted key/],
    ["spec['']", /empty quoted key/],
    ['[0].x', /expected a field name at position 0/],
    ['["spec"].x', /expected a field name at position 0/],
    ['0spec', /starts with a field name beginning with a letter/],
    ['-spec', /starts with a field name beginning with a letter/],
    ['spec x', /unexpected ' '/],
    ['spec]', /unexpected '\]'/],
    ['spec"x"', /unexpected '"'/],
    ['metadata.labels.app.kubernetes.io/name', /unexpected '\/'/],
    ['spec.ünïcode', /expected a field name/],
    ['spec[99999999999999999999]', /array index too large/],
  ];
  for (const [path, message] of malformed) {
    test(`rejects ${JSON.stringify(path)}`, () => {
      assert.throws(
        () => parseFieldPath(path),
        (e: unknown) => e instanceof FieldPathError && message.test(e.message) && e.path === path,
      );
    });
  }

  for (const path of [
    '__proto__.x',
    'constructor',
    'prototype',
    'spec.__proto__',
    'spec.constructor.prototype.polluted',
    'metadata.annotations["__proto__"]',
    "metadata.annotations['prototype']",
    'spec.items[0].constructor',
  ]) {
    test(`rejects the reserved segment in ${path}`, () => {
      assert.throws(
        () => parseFieldPath(path),
        (e: unknown) =>
          e instanceof FieldPathError &&
          /invalid field path .*: segment "(__proto__|constructor|prototype)" is reserved/.test(e.message),
      );
    });
  }

  test('reserved words that are only part of a segment are ordinary keys', () => {
    assert.deepEqual(parseFieldPath('spec.constructorRef'), [{ key: 'spec' }, { key: 'constructorRef' }]);
    assert.deepEqual(parseFieldPath('spec.__proto'), [{ key: 'spec' }, { key: '__proto' }]);
    assert.deepEqual(parseFieldPath('metadata.annotations["example.prototype.io/x"]'), [
      { key: 'metadata' },
      { key: 'annotations' },
      { key: 'example.prototype.io/x' },
    ]);
  });
});

describe('formatFieldPath', () => {
  const cases: ReadonlyArray<readonly [readonly PathSegment[], string]> = [
    [[{ key: 'spec' }, { key: 'replicas' }], 'spec.replicas'],
    [[{ key: 'spec' }, { key: 'items' }, { index: 2 }, { key: 'name' }], 'spec.items[2].name'],
    [[{ key: 'metadata' }, { key: 'annotations' }, { key: 'a.b/c' }], 'metadata.annotations["a.b/c"]'],
    [[{ key: 'm' }, { key: 'say "hi"' }], 'm[\'say "hi"\']'],
    [[{ key: 'm' }, { key: 'with space' }], 'm["with space"]'],
  ];
  for (const [segments, text] of cases) {
    test(text, () => {
      assert.equal(formatFieldPath(segments), text);
      assert.deepEqual(parseFieldPath(text), segments);
    });
  }

  test('refuses segments no path can express', () => {
    for (const segments of [
      [{ index: 0 }],
      [{ key: 'a.b' }],
      [{ key: 'm' }, { key: '' }],
      [{ key: 'm' }, { key: `both " and '` }],
      [{ key: 'm' }, { key: '__proto__' }],
    ] as PathSegment[][]) {
      assert.throws(() => formatFieldPath(segments), FieldPathError, JSON.stringify(segments));
    }
  });
});
