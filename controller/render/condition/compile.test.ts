import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Condition } from '../../../api-types/condition.ts';
import { type CompiledCondition, ConditionError, compileCondition, compileGate } from './index.ts';

const self = { spec: { replicas: 3, tier: 'gold' } };
const W = 'spec.crds.web.operatorBox.reconcile.onCreate.services[0]';

const T: Condition = { field: 'spec.replicas', gte: 1 };
const F: Condition = { field: 'spec.replicas', gt: 10 };
const TC: Condition = { cel: 'self.spec.tier == "gold"' };
const FC: Condition = { cel: 'self.spec.tier == "silver"' };
const ERR: Condition = { cel: 'self.spec.nope == 1' };

describe('the three forms agree', () => {
  const equivalent: ReadonlyArray<readonly [string, Condition[]]> = [
    [
      'replicas >= 3',
      [
        { field: 'spec.replicas', operator: 'gte', value: 3 },
        { field: 'spec.replicas', gte: 3 },
        { cel: 'self.spec.replicas >= 3' },
      ],
    ],
    [
      'tier is not silver',
      [
        { field: 'spec.tier', operator: 'notEquals', value: 'silver' },
        { field: 'spec.tier', equals: 'silver', negate: true },
        { cel: 'self.spec.tier == "silver"', negate: true },
      ],
    ],
    [
      'spec.image is missing',
      [
        { field: 'spec.image', operator: 'notExists' },
        { field: 'spec.image', notExists: true },
        { field: 'spec.image', exists: true, negate: true },
        { cel: '!has(self.spec.image)' },
      ],
    ],
  ];
  for (const [name, forms] of equivalent) {
    test(name, () => {
      for (const form of forms) assert.equal(compileCondition(form, W)({ self }), true, JSON.stringify(form));
      const other = { spec: { replicas: 1, tier: 'silver', image: 'nginx' } };
      for (const form of forms) assert.equal(compileCondition(form, W)({ self: other }), false, JSON.stringify(form));
    });
  }
});

describe('the compiled condition', () => {
  test('is a function with evaluateWithReason and where', () => {
    const holds: CompiledCondition = compileCondition(T, `${W}.when[0]`);
    assert.equal(typeof holds, 'function');
    assert.equal(holds.where, `${W}.when[0]`);
    assert.deepEqual(holds.evaluateWithReason({ self }), { result: true });
    const asPredicate: (input: { self: unknown }) => boolean = holds;
    assert.equal(asPredicate({ self }), true);
  });

  test('field conditions never report an error', () => {
    for (const cr of [undefined, null, [], 'x', { spec: null }]) {
      assert.deepEqual(compileCondition(F, W).evaluateWithReason({ self: cr }), { result: false });
    }
  });
});

describe('compileGate', () => {
  const cases: ReadonlyArray<readonly [string, { when?: Condition[]; or?: Condition[] }, boolean]> = [
    ['nothing given', {}, true],
    ['empty when', { when: [] }, true],
    ['empty or', { or: [] }, true],
    ['both empty', { when: [], or: [] }, true],
    ['when: all hold', { when: [T, TC] }, true],
    ['when: one fails', { when: [T, FC] }, false],
    ['when: first fails', { when: [F, T] }, false],
    ['or: one holds', { or: [F, TC] }, true],
    ['or: none holds', { or: [F, FC] }, false],
    ['when holds, or holds', { when: [T], or: [F, T] }, true],
    ['when holds, or fails', { when: [T], or: [F, FC] }, false],
    ['when fails, or holds', { when: [F], or: [T] }, false],
    ['when fails, or fails', { when: [F], or: [FC] }, false],
    ['empty when, or holds', { when: [], or: [FC, TC] }, true],
    ['when holds, empty or', { when: [TC], or: [] }, true],
  ];
  for (const [name, gate, expected] of cases) {
    test(`${name} → ${expected}`, () => {
      const holds = compileGate(gate, W);
      assert.equal(holds({ self }), expected);
      assert.deepEqual(holds.evaluateWithReason({ self }), { result: expected });
      assert.equal(holds.where, W);
    });
  }

  test('undefined and null lists count as missing', () => {
    assert.equal(compileGate({ when: undefined, or: undefined }, W)({ self }), true);
    assert.equal(compileGate({ when: null, or: null } as never, W)({ self }), true);
  });

  test('a failing when entry reports its error, named by its index', () => {
    const outcome = compileGate({ when: [T, ERR] }, W).evaluateWithReason({ self });
    assert.equal(outcome.result, false);
    assert.match(outcome.error ?? '', /^spec\.crds\.web\.operatorBox\.reconcile\.onCreate\.services\[0\]\.when\[1\]: /);
  });

  test('when stops at the first false entry', () => {
    assert.deepEqual(compileGate({ when: [F, ERR] }, W).evaluateWithReason({ self }), { result: false });
  });

  test('or reports the first error when no entry holds', () => {
    const outcome = compileGate({ or: [F, ERR, { cel: 'self.other > 1' }] }, W).evaluateWithReason({ self });
    assert.equal(outcome.result, false);
    assert.match(outcome.error ?? '', /\.or\[1\]: CEL evaluation failed: field not found: nope/);
  });

  test('or ignores errors when an entry holds', () => {
    assert.deepEqual(compileGate({ or: [ERR, T] }, W).evaluateWithReason({ self }), { result: true });
  });

  test('or is not evaluated when when fails', () => {
    assert.deepEqual(compileGate({ when: [F], or: [ERR] }, W).evaluateWithReason({ self }), { result: false });
  });

  test('compile errors name the entry', () => {
    assert.throws(
      () => compileGate({ when: [T, T, { field: 'spec.x', between: [3, 1] }] }, W),
      (e: unknown) =>
        e instanceof ConditionError && e.where === `${W}.when[2]` && e.message.startsWith(`${W}.when[2]: `),
    );
    assert.throws(
      () => compileGate({ or: [{ cel: 'self.spec.replicas >' }] }, W),
      (e: unknown) => e instanceof ConditionError && e.message.startsWith(`${W}.or[0]: CEL does not compile: `),
    );
  });

  test('when and or must be lists', () => {
    assert.throws(
      () => compileGate({ when: T } as never, W),
      (e: unknown) => e instanceof ConditionError && e.message === `${W}.when: when must be a list of conditions`,
    );
    assert.throws(() => compileGate({ or: 'x' } as never, W), /\.or: or must be a list/);
    assert.throws(() => compileGate(null as never, W), ConditionError);
  });

  test('the CEL input is converted once per evaluation and shared by the entries', () => {
    let reads = 0;
    const cr = {};
    Object.defineProperty(cr, 'spec', {
      enumerable: true,
      get() {
        reads++;
        return { replicas: 3, tier: 'gold' };
      },
    });
    const gate = compileGate(
      { when: [{ cel: 'self.spec.replicas > 1' }, { cel: 'self.spec.tier == "gold"' }], or: [FC, TC] },
      W,
    );
    assert.equal(gate({ self: cr }), true);
    assert.equal(reads, 1);
    assert.equal(gate({ self: cr }), true);
    assert.equal(reads, 2, 'a new evaluation converts again (the resource may have changed)');
  });

  test('gates evaluate children and oldSelf', () => {
    const gate = compileGate(
      {
        when: [{ cel: 'children.deployments.all(d, d.status.availableReplicas >= d.spec.replicas)' }],
        or: [{ cel: 'oldSelf == null' }, { cel: 'oldSelf.spec.tier != self.spec.tier' }],
      },
      W,
    );
    const deployments = [{ spec: { replicas: 1 }, status: { availableReplicas: 1 } }];
    assert.equal(gate({ self, children: { deployments } }), true);
    assert.equal(gate({ self, oldSelf: { spec: { tier: 'gold' } }, children: { deployments } }), false);
    assert.equal(gate({ self, oldSelf: { spec: { tier: 'bronze' } }, children: { deployments } }), true);
  });
});
