import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RenderError } from './model.ts';
import {
  FieldReader,
  toBool,
  toInt,
  toIntOrPercent,
  toOneOf,
  toQuantity,
  toStr,
  toStringList,
  toStringMap,
} from './reader.ts';

function fails(fn: () => unknown, field: string, detail?: RegExp): void {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof RenderError, String(e));
    assert.equal(e.field, field);
    if (detail) assert.match(e.detail, detail);
    return true;
  });
}

describe('coercion', () => {
  test('integers: numbers and numeric strings; anything else names the field', () => {
    assert.equal(toInt('replicas', 3), 3);
    assert.equal(toInt('replicas', '3'), 3);
    assert.equal(toInt('replicas', ' 42 '), 42);
    assert.equal(toInt('replicas', '+7'), 7);
    assert.equal(toInt('replicas', 0), 0);
    fails(() => toInt('replicas', 'abc'), 'replicas', /expected an integer, got "abc"/);
    fails(() => toInt('replicas', '1.5'), 'replicas');
    fails(() => toInt('replicas', 1.5), 'replicas');
    fails(() => toInt('replicas', ''), 'replicas');
    fails(() => toInt('replicas', true), 'replicas', /got true/);
    fails(() => toInt('replicas', [1]), 'replicas', /got a list/);
    fails(() => toInt('replicas', { n: 1 }), 'replicas', /got an object/);
    fails(() => toInt('replicas', '99999999999999999999'), 'replicas');
    fails(() => toInt('replicas', -1), 'replicas', /between 0 and 2147483647, got -1/);
    fails(() => toInt('port', '70000', { min: 1, max: 65535 }), 'port', /between 1 and 65535/);
  });

  test('int or percent', () => {
    assert.equal(toIntOrPercent('minAvailable', '2'), 2);
    assert.equal(toIntOrPercent('minAvailable', 2), 2);
    assert.equal(toIntOrPercent('minAvailable', '50%'), '50%');
    assert.equal(toIntOrPercent('minAvailable', ' 100% '), '100%');
    fails(() => toIntOrPercent('minAvailable', '150%'), 'minAvailable', /at most 100%/);
    fails(() => toIntOrPercent('minAvailable', '1.5'), 'minAvailable', /integer or a percentage/);
    fails(() => toIntOrPercent('minAvailable', 'half'), 'minAvailable');
    fails(() => toIntOrPercent('minAvailable', -1), 'minAvailable');
  });

  test('strings accept numbers and booleans, nothing structured', () => {
    assert.equal(toStr('image', 'nginx'), 'nginx');
    assert.equal(toStr('data.n', 3), '3');
    assert.equal(toStr('data.b', false), 'false');
    fails(() => toStr('data.x', { a: 1 }), 'data.x');
    fails(() => toStr('data.x', Number.NaN), 'data.x');
  });

  test('booleans, quantities, enums, maps and lists', () => {
    assert.equal(toBool('automountToken', 'true'), true);
    assert.equal(toBool('automountToken', false), false);
    fails(() => toBool('automountToken', 'yes'), 'automountToken');
    for (const q of ['100m', '0.5', '1', '1Gi', '512Mi', '1e3', '2k', '.5']) assert.equal(toQuantity('storage', q), q);
    assert.equal(toQuantity('cpu', 2), '2');
    for (const q of ['1GB', 'lots', '', '1 Gi']) fails(() => toQuantity('storage', q), 'storage');
    assert.equal(toOneOf('protocol', 'UDP', ['TCP', 'UDP'] as const), 'UDP');
    fails(() => toOneOf('protocol', 'udp', ['TCP', 'UDP'] as const), 'protocol', /one of TCP, UDP/);
    assert.deepEqual(toStringMap('labels', { a: 'x', b: 2 }), { a: 'x', b: '2' });
    fails(() => toStringMap('labels', { a: ['x'] }), 'labels.a');
    fails(() => toStringMap('labels', ['x']), 'labels');
    assert.deepEqual(toStringList('args', ['a', 1]), ['a', '1']);
    fails(() => toStringList('args', ['a', {}]), 'args[1]');
    fails(() => toStringList('args', 'a b'), 'args');
  });
});

describe('FieldReader', () => {
  test('required and optional fields; null and "" read as not given', () => {
    const r = new FieldReader({ a: 'x', n: null, e: '', i: '4' });
    assert.equal(r.str('a'), 'x');
    assert.equal(r.optStr('n'), undefined);
    assert.equal(r.optStr('e'), undefined);
    assert.equal(r.optInt('e'), undefined);
    assert.equal(r.optInt('i'), 4);
    fails(() => r.str('missing'), 'missing', /is required/);
    fails(() => r.int('e'), 'e', /is required/);
  });

  test('strOrEmpty keeps ""', () => {
    assert.equal(new FieldReader({ value: '' }).strOrEmpty('value'), '');
    fails(() => new FieldReader({}).strOrEmpty('value'), 'value');
  });

  test('nested readers prefix the field path', () => {
    const r = new FieldReader({ env: [{ name: 'A', value: 1 }, { name: 'B' }], ref: { kind: 'X' } });
    const [first, second] = r.objects('env', true) ?? [];
    assert.equal(first?.str('value'), '1');
    fails(() => second?.strOrEmpty('value'), 'env[1].value');
    fails(() => r.object('ref', true)?.oneOf('kind', ['Role'] as const), 'ref.kind');
    fails(() => new FieldReader({ env: [1] }).objects('env', false), 'env[0]', /expected an object/);
    fails(() => new FieldReader({}).objects('rules', true), 'rules', /is required/);
  });

  test('done() rejects fields nobody read, except the ignored ones', () => {
    const r = new FieldReader({ name: 'x', replica: 3, when: [] });
    r.str('name');
    fails(() => r.done(['when']), 'replica', /not a field of this kind/);
    const ok = new FieldReader({ name: 'x', when: [], forEach: {} });
    ok.str('name');
    ok.done(['when', 'forEach']);
  });

  test('free-form lists are deep copies', () => {
    const rules = [{ ports: [{ port: '80' }] }];
    const copy = new FieldReader({ rules }).optFreeformList('rules');
    assert.deepEqual(copy, rules);
    assert.notEqual(copy?.[0], rules[0]);
  });
});
