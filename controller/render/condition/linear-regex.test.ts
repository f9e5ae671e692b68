import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileBox } from '../../box/compiled-box.ts';
import { validate } from '../../reconcile/admission-rules.ts';
import { compileCondition } from './compile.ts';
import { compileLinearRegex } from './linear-regex.ts';

// With JavaScript's backtracking RegExp, `^(a+)+$` against 30 a's and a '!' took over 20 s of
// blocked event loop; RE2 answers in linear time.
const EVIL = '^(a+)+$';
const ATTACK = `${'a'.repeat(30)}!`;

test('a catastrophic-backtracking pattern is matched in linear time', () => {
  const started = performance.now();
  assert.equal(compileLinearRegex(EVIL).test(ATTACK), false);
  assert.equal(compileLinearRegex(EVIL).test('a'.repeat(100_000)), true);
  assert.ok(performance.now() - started < 1_000, `took ${performance.now() - started} ms`);
});

test('the regex operator of a validation rule denies a hostile value quickly', () => {
  const box = compileBox('web', {
    apiTypes: { group: 'demo.orkestra.io', version: 'v1alpha1', kind: 'Website', plural: 'websites' },
    admission: { validation: { rules: [{ field: 'spec.name', regex: EVIL, message: 'name must be all a' }] } },
  } as never);
  const started = performance.now();
  assert.deepEqual(validate(box, { spec: { name: ATTACK } }).denied, ['name must be all a']);
  assert.ok(performance.now() - started < 1_000, `took ${performance.now() - started} ms`);
});

test('matching is unanchored, as RegExp.test', () => {
  const holds = compileCondition({ field: 'spec.name', regex: 'b+' }, 'c');
  assert.equal(holds({ self: { spec: { name: 'abbc' } } }), true);
  assert.equal(holds({ self: { spec: { name: 'ac' } } }), false);
});

test('backtracking-only syntax is refused at compile time, naming why', () => {
  assert.throws(() => compileCondition({ field: 'spec.x', regex: '(a)\\1' }, 'c'), /regex does not compile: /);
  assert.throws(() => compileCondition({ field: 'spec.x', regex: 'a(?=b)' }, 'c'), /regex does not compile: /);
});
