import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileCel, toCelBindings, toCelValue } from './cel.ts';
import { compileCondition } from './compile.ts';
import { ConditionError } from './errors.ts';
import type { ConditionInput } from './types.ts';

const self = {
  metadata: { name: 'web', labels: { app: 'web', 'app.kubernetes.io/name': 'web-app' } },
  spec: {
    replicas: 3,
    ratio: 1.5,
    big: 1e20,
    name: 'web-frontend',
    enabled: true,
    nothing: null,
    tags: ['a', 'bb', 'ccc'],
    ports: [{ port: 80 }, { port: 443 }],
  },
};
const children = {
  deployments: [
    { metadata: { name: 'web' }, spec: { replicas: 3 }, status: { availableReplicas: 3 } },
    { metadata: { name: 'worker' }, spec: { replicas: 2 }, status: { availableReplicas: 2 } },
  ],
  services: [{ metadata: { name: 'web' } }],
};
const input: ConditionInput = { self, children };

const W = 'spec.crds.web.admission.validation.rules[1]';

function evaluate(cel: string, on: ConditionInput = input) {
  return compileCondition({ cel }, W).evaluateWithReason(on);
}

describe('CEL expressions that hold', () => {
  const holding = [
    // numbers: integral JSON numbers are ints, others doubles
    'self.spec.replicas >= 3',
    'self.spec.replicas == 3',
    'self.spec.replicas + 1 == 4',
    'self.spec.replicas % 2 == 1',
    'self.spec.replicas / 2 == 1',
    'self.spec.replicas * 2 == 6',
    'type(self.spec.replicas) == int',
    'type(self.spec.ratio) == double',
    'type(self.spec.big) == double',
    'self.spec.ratio * 2.0 == 3.0',
    'self.spec.ratio > 1',
    'self.spec.replicas > 2.5',
    'self.spec.replicas == 3.0',
    'double(self.spec.replicas) / 2.0 == 1.5',
    'self.spec.replicas in [1, 3, 5]',
    // macros
    'has(self.spec.name)',
    '!has(self.spec.nope)',
    '!has(self.spec.nothing)',
    'has(self.metadata.labels.app)',
    'self.spec.tags.all(t, size(t) > 0)',
    'self.spec.tags.exists(t, t == "bb")',
    'self.spec.tags.exists_one(t, t.startsWith("c"))',
    'self.spec.tags.map(t, size(t)) == [1, 2, 3]',
    'self.spec.tags.filter(t, size(t) > 1) == ["bb", "ccc"]',
    'self.spec.ports.map(p, p.port).exists(p, p == 443)',
    'self.metadata.labels.all(k, k.size() > 0)',
    // size and strings
    'size(self.spec.tags) == 3',
    'self.spec.tags.size() == 3',
    'size(self.metadata.name) == 3',
    'self.spec.name.contains("front")',
    'self.spec.name.startsWith("web-")',
    'self.spec.name.endsWith("end")',
    'self.spec.name.matches("^web-[a-z]+$")',
    'self.spec.name.upperAscii() == "WEB-FRONTEND"',
    'self.spec.name.split("-") == ["web", "frontend"]',
    'self.spec.name.replace("web", "api") == "api-frontend"',
    'self.spec.tags.join(",") == "a,bb,ccc"',
    'strings.quote("x") == "\\"x\\""',
    // maps and keys
    'self.metadata.labels["app.kubernetes.io/name"] == "web-app"',
    '"app" in self.metadata.labels',
    '!("tier" in self.metadata.labels)',
    'self.spec.nothing == null',
    'self.spec.enabled',
    'self.spec.enabled == true && self.spec.replicas > 0 || false',
    'self.spec.replicas > 5 ? false : true',
    // conversions and time
    'int("42") == 42',
    'string(self.spec.replicas) == "3"',
    'duration("1h") > duration("59m")',
    'timestamp("2026-01-01T00:00:00Z") < timestamp("2026-06-01T00:00:00Z")',
    // variables
    'oldSelf == null',
    'children.deployments.all(d, d.status.availableReplicas >= d.spec.replicas)',
    'size(children.deployments) == 2',
    'children.services.exists(s, s.metadata.name == self.metadata.name)',
    '"deployments" in children',
    'type(self.spec.tags) == list',
    'type(self.spec) == map',
  ];
  for (const cel of holding) {
    test(cel, () => {
      assert.deepEqual(evaluate(cel), { result: true });
    });
  }

  const notHolding = [
    'self.spec.replicas > 3',
    'self.spec.tags.all(t, size(t) > 1)',
    'self.spec.tags.exists_one(t, size(t) > 1)',
    'has(self.spec.nope)',
    'self.spec.name.matches("^api")',
    'children.deployments.exists(d, d.spec.replicas > 3)',
  ];
  for (const cel of notHolding) {
    test(`${cel} is false without error`, () => {
      assert.deepEqual(evaluate(cel), { result: false });
    });
  }
});

describe('the DESIGN example: children.deployments.all(d, d.status.availableReplicas >= d.spec.replicas)', () => {
  const cel = 'children.deployments.all(d, d.status.availableReplicas >= d.spec.replicas)';
  const deployment = (replicas: number, available?: number) => ({
    spec: { replicas },
    status: available === undefined ? {} : { availableReplicas: available },
  });

  test('all available → true', () => {
    assert.deepEqual(evaluate(cel, { self, children: { deployments: [deployment(3, 3), deployment(1, 2)] } }), {
      result: true,
    });
  });
  test('one short → false', () => {
    assert.deepEqual(evaluate(cel, { self, children: { deployments: [deployment(3, 3), deployment(2, 1)] } }), {
      result: false,
    });
  });
  test('no deployments → true (all over an empty list)', () => {
    assert.deepEqual(evaluate(cel, { self, children: { deployments: [] } }), { result: true });
  });
  test('a deployment without availableReplicas yet → false with the reason', () => {
    const outcome = evaluate(cel, { self, children: { deployments: [deployment(3)] } });
    assert.equal(outcome.result, false);
    assert.match(outcome.error ?? '', /CEL evaluation failed: .*availableReplicas/);
  });
  test('a false element wins over an erroring one (CEL commutative logic)', () => {
    const outcome = evaluate(cel, { self, children: { deployments: [deployment(3), deployment(2, 1)] } });
    assert.deepEqual(outcome, { result: false });
  });
  test('no children kind at all → false with the reason', () => {
    const outcome = evaluate(cel, { self });
    assert.equal(outcome.result, false);
    assert.match(outcome.error ?? '', /deployments/);
  });
});

describe('oldSelf', () => {
  test('is null when absent and the object when given', () => {
    const grow = 'oldSelf == null || self.spec.replicas >= oldSelf.spec.replicas';
    assert.deepEqual(evaluate(grow, { self }), { result: true });
    assert.deepEqual(evaluate(grow, { self, oldSelf: { spec: { replicas: 2 } } }), { result: true });
    assert.deepEqual(evaluate(grow, { self, oldSelf: { spec: { replicas: 5 } } }), { result: false });
  });
  test('immutability rule', () => {
    const rule = 'oldSelf == null || self.metadata.name == oldSelf.metadata.name';
    assert.equal(compileCondition({ cel: rule }, W)({ self, oldSelf: { metadata: { name: 'web' } } }), true);
    assert.equal(compileCondition({ cel: rule }, W)({ self, oldSelf: { metadata: { name: 'old' } } }), false);
  });
});

describe('runtime errors and non-bool results are false, with the reason', () => {
  const failing: ReadonlyArray<readonly [string, RegExp]> = [
    ['self.spec.nope == 1', /CEL evaluation failed: field not found: nope/],
    ['self.nope.deeper > 1', /CEL evaluation failed: field not found: nope/],
    ['self.spec.tags[7] == "x"', /CEL evaluation failed: index 7 out of bounds/],
    [
      'self.spec.ratio + 1 > 0',
      /CEL evaluation failed: found no matching overload for '_\+_' applied to '\(double, int\)'/,
    ],
    ['self.spec.name > 1', /CEL evaluation failed: found no matching overload/],
    ['self.spec.replicas / (self.spec.replicas - 3) == 1', /CEL evaluation failed: int divide by zero/],
    ['self.spec.name.matches("[")', /CEL evaluation failed: .*missing closing \]/],
    ['self.spec.name', /CEL returned string, not bool/],
    ['self.spec.replicas', /CEL returned int, not bool/],
    ['self.spec.tags', /CEL returned list, not bool/],
    ['self.spec.nothing', /CEL returned null_type, not bool/],
    ['self.__proto__ == null', /field not found: __proto__/],
    ['self.constructor == null', /field not found: constructor/],
  ];
  for (const [cel, reason] of failing) {
    test(cel, () => {
      const holds = compileCondition({ cel }, W);
      assert.equal(holds(input), false);
      const outcome = holds.evaluateWithReason(input);
      assert.equal(outcome.result, false);
      assert.ok(outcome.error?.startsWith(`${W}: `), outcome.error);
      assert.match(outcome.error ?? '', reason);
      // An error is not an outcome: negate does not turn it into true.
      const negated = compileCondition({ cel, negate: true }, W);
      assert.equal(negated(input), false);
      assert.deepEqual(negated.evaluateWithReason(input), outcome);
    });
  }

  test('has() guards a missing key', () => {
    assert.deepEqual(evaluate('has(self.spec.nope) && self.spec.nope > 1'), { result: false });
    assert.deepEqual(evaluate('!has(self.spec.nope) || self.spec.nope > 1'), { result: true });
  });

  test('prototype members are not visible to CEL', () => {
    assert.deepEqual(evaluate('!has(self.constructor) && !has(self.spec.toString)'), { result: true });
  });

  test('a polluted Object.prototype is not visible to CEL', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.polluted = true;
    try {
      assert.deepEqual(evaluate('!has(self.polluted)'), { result: true });
    } finally {
      delete proto.polluted;
    }
  });
});

describe('negate', () => {
  test('inverts a successful outcome', () => {
    assert.equal(compileCondition({ cel: 'self.spec.replicas > 5', negate: true }, W)(input), true);
    assert.equal(compileCondition({ cel: 'self.spec.replicas > 1', negate: true }, W)(input), false);
    assert.equal(compileCondition({ cel: 'self.spec.replicas > 1', negate: false }, W)(input), true);
  });
});

describe('compile errors', () => {
  const failing: ReadonlyArray<readonly [string, RegExp]> = [
    ['self.spec.replicas >', /^CEL does not compile: <input>:1:\d+: /],
    ['1 +', /^CEL does not compile: <input>:1:3: found \+ but expecting end of input$/],
    ['self.spec.(x)', /^CEL does not compile: <input>:1:/],
    ['"unterminated', /^CEL does not compile: /],
    [
      'replicas > 3',
      /^CEL does not compile: undeclared reference to 'replicas' \(variables: self, oldSelf, children, request\)$/,
    ],
    ['self.spec.tags.all(t, t == u)', /undeclared reference to 'u'/],
    ['self.spec.tags.all(t, true) && t == 1', /undeclared reference to 't'/],
    ['nope(self)', /^CEL does not compile: undeclared reference to function 'nope'$/],
    ['self.spec.name.shout()', /undeclared reference to function 'shout'/],
    ['math.greatest(1, 2) > 1', /undeclared reference to function 'math.greatest'/],
    ['Foo{a: 1} == null', /unknown type Foo/],
    ['self.spec.replicas + 1', /^CEL must return bool, but returns one of int, /],
    ['size(self.spec.tags)', /^CEL must return bool, but returns int$/],
    ['self.spec.tags.map(t, t)', /^CEL must return bool, but returns list$/],
    ['self.spec.tags.filter(t, true)', /^CEL must return bool, but returns list$/],
    ['"yes"', /^CEL must return bool, but returns string$/],
    ['1', /^CEL must return bool, but returns int$/],
    ['null', /^CEL must return bool, but returns null_type$/],
    ['[true]', /^CEL must return bool, but returns list$/],
    ['{"a": true}', /^CEL must return bool, but returns map$/],
    ['self.spec.enabled ? 1 : 2', /^CEL must return bool, but returns int$/],
    ['self.spec.name.lowerAscii()', /^CEL must return bool, but returns string$/],
  ];
  for (const [cel, reason] of failing) {
    test(cel, () => {
      assert.throws(
        () => compileCondition({ cel }, W),
        (e: unknown) => {
          assert.ok(e instanceof ConditionError);
          assert.equal(e.where, W);
          assert.equal(e.message, `${W}: ${e.reason}`);
          assert.match(e.reason, reason);
          return true;
        },
      );
    });
  }

  test('expressions whose type is only known at run time compile', () => {
    for (const cel of ['self.spec.enabled', 'self.spec.tags[0]', 'self.spec.enabled ? self.spec.enabled : false']) {
      assert.doesNotThrow(() => compileCondition({ cel }, W), cel);
    }
  });

  test('compileCel returns the reason rather than throwing', () => {
    const compiled = compileCel('1 +', W);
    assert.ok('error' in compiled);
    assert.match(compiled.error, /^CEL does not compile: /);
  });
});

describe('compiled once, evaluated many times', () => {
  test('one compiled condition gives independent answers per input', () => {
    const holds = compileCondition({ cel: 'self.spec.replicas >= 3' }, W);
    const results = [1, 3, 2, 5].map((replicas) => holds({ self: { spec: { replicas } } }));
    assert.deepEqual(results, [false, true, false, true]);
    const outcome = holds.evaluateWithReason({ self: { spec: {} } });
    assert.equal(outcome.result, false);
    assert.match(outcome.error ?? '', /replicas/);
    assert.deepEqual(holds.evaluateWithReason({ self: { spec: { replicas: 4 } } }), { result: true });
  });
});

describe('toCelValue', () => {
  test('integral numbers become ints, others doubles', () => {
    assert.equal(toCelValue(3), 3n);
    assert.equal(toCelValue(-0), 0n);
    assert.equal(toCelValue(1.5), 1.5);
    assert.equal(toCelValue(2 ** 62), 2n ** 62n);
    assert.equal(toCelValue(2 ** 63), 2 ** 63, 'out of int64 range stays a double');
    assert.equal(toCelValue(1e20), 1e20);
    assert.equal(toCelValue(5n), 5n);
  });

  test('objects become maps of own keys; undefined is dropped; Date becomes its JSON string', () => {
    const when = new Date('2026-01-02T03:04:05.000Z');
    const value = toCelValue({ a: 1, gone: undefined, fn: () => 1, list: [1, undefined, 'x'], when });
    assert.ok(value instanceof Map);
    assert.deepEqual(
      value,
      new Map<string, unknown>([
        ['a', 1n],
        ['list', [1n, null, 'x']],
        ['when', '2026-01-02T03:04:05.000Z'],
      ]),
    );
  });

  test('bindings: oldSelf null when absent, children a map', () => {
    const bindings = toCelBindings({ self: { a: 1 } });
    assert.equal(bindings.oldSelf, null);
    assert.deepEqual(bindings.children, new Map());
    assert.deepEqual(toCelBindings({ self: 1, children: { jobs: [{}] } }).children, new Map([['jobs', [new Map()]]]));
  });
});
