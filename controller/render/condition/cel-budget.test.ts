import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileCel, toCelBindings } from './cel.ts';
import { CEL_STEP_LIMIT } from './cel-budget.ts';

const list = `[${Array.from({ length: 20 }, (_, i) => i).join(',')}]`;
// 20^5 = 3.2 million steps: minutes of blocked event loop without a limit.
const NESTED = `${list}.all(a, ${list}.all(b, ${list}.all(c, ${list}.all(d, ${list}.all(e, a + b + c + d + e >= 0)))))`;

function run(source: string, self: unknown = {}) {
  const program = compileCel(source, 'spec.crds.web.when[0]');
  if (typeof program !== 'function') throw new Error(program.error);
  return program(toCelBindings({ self }));
}

test('nested comprehensions stop at the step limit with a cost error', () => {
  const started = performance.now();
  const outcome = run(NESTED);
  assert.equal(outcome.result, false);
  assert.match(
    outcome.error ?? '',
    /spec\.crds\.web\.when\[0\]: CEL evaluation failed: cost limit exceeded: more than 20000 comprehension steps/,
  );
  assert.ok(performance.now() - started < 5_000, `took ${performance.now() - started} ms`);
});

test('the budget is per evaluation: a program that fits runs again and again', () => {
  const items = Array.from({ length: CEL_STEP_LIMIT / 2 }, (_, i) => i);
  for (let i = 0; i < 3; i++) assert.deepEqual(run('self.items.all(x, x >= 0)', { items }), { result: true });
});

test('map, filter and exists are metered too', () => {
  const big = Array.from({ length: 400 }, (_, i) => i);
  for (const source of [
    'self.l.map(a, self.l.map(b, a * b)).size() > 0',
    'self.l.filter(a, self.l.filter(b, a == b).size() == 1).size() > 0',
    'self.l.exists(a, self.l.exists(b, a + b < 0))',
  ]) {
    assert.match(run(source, { l: big }).error ?? '', /cost limit exceeded/, source);
  }
});

test('an expression cannot name the meter', () => {
  assert.equal(typeof compileCel('@orkestra_step(true)', 'c'), 'object');
});
