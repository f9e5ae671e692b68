import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Condition, OPERATORS, type Operator } from '../../../api-types/condition.ts';
import { compileCondition } from './compile.ts';
import { ConditionError } from './errors.ts';
import { jsonEqual, MAX_REGEX_LENGTH } from './operators.ts';

const self = {
  metadata: { name: 'web', labels: { app: 'web', 'app.kubernetes.io/name': 'web-app' } },
  spec: {
    replicas: 3,
    ratio: 1.5,
    count: '3',
    name: 'web-frontend',
    tier: 'gold',
    empty: '',
    enabled: false,
    zero: 0,
    nothing: null,
    tags: ['a', 'b', { k: 1 }],
    ports: [{ port: 80 }, { port: 443 }],
    selector: { tier: 'gold', app: 'web' },
  },
};

type Case = 'match' | 'no match' | 'missing field' | 'type mismatch';

interface Row {
  readonly op: Operator;
  readonly case: Case;
  readonly field: string;
  /** The operand; omitted for exists/notExists. */
  readonly value?: unknown;
  readonly expected: boolean;
  readonly note?: string;
}

const rows: Row[] = [
  // equals: deep JSON equality, numeric numbers, no coercion
  { op: 'equals', case: 'match', field: 'spec.replicas', value: 3, expected: true },
  { op: 'equals', case: 'match', field: 'spec.replicas', value: 3.0, expected: true, note: '3 equals 3.0' },
  { op: 'equals', case: 'match', field: 'spec.tier', value: 'gold', expected: true },
  { op: 'equals', case: 'match', field: 'spec.enabled', value: false, expected: true },
  { op: 'equals', case: 'match', field: 'spec.nothing', value: null, expected: true },
  { op: 'equals', case: 'match', field: 'spec.selector', value: { app: 'web', tier: 'gold' }, expected: true },
  { op: 'equals', case: 'match', field: 'spec.tags', value: ['a', 'b', { k: 1 }], expected: true },
  { op: 'equals', case: 'no match', field: 'spec.replicas', value: 4, expected: false },
  { op: 'equals', case: 'no match', field: 'spec.tags', value: ['b', 'a', { k: 1 }], expected: false },
  { op: 'equals', case: 'no match', field: 'spec.selector', value: { tier: 'gold' }, expected: false },
  { op: 'equals', case: 'missing field', field: 'spec.nope', value: 3, expected: false },
  { op: 'equals', case: 'missing field', field: 'spec.nope', value: null, expected: false },
  { op: 'equals', case: 'type mismatch', field: 'spec.count', value: 3, expected: false, note: '"3" vs 3' },
  { op: 'equals', case: 'type mismatch', field: 'spec.replicas', value: '3', expected: false },
  { op: 'equals', case: 'type mismatch', field: 'spec.zero', value: false, expected: false },
  // notEquals: the complement of equals
  { op: 'notEquals', case: 'match', field: 'spec.replicas', value: 4, expected: true },
  { op: 'notEquals', case: 'no match', field: 'spec.replicas', value: 3, expected: false },
  { op: 'notEquals', case: 'missing field', field: 'spec.nope', value: 3, expected: true },
  { op: 'notEquals', case: 'type mismatch', field: 'spec.count', value: 3, expected: true },
  // contains: substring, membership, key
  { op: 'contains', case: 'match', field: 'spec.name', value: 'front', expected: true },
  { op: 'contains', case: 'match', field: 'spec.tags', value: 'a', expected: true },
  { op: 'contains', case: 'match', field: 'spec.tags', value: { k: 1 }, expected: true },
  { op: 'contains', case: 'match', field: 'metadata.labels', value: 'app.kubernetes.io/name', expected: true },
  { op: 'contains', case: 'no match', field: 'spec.name', value: 'back', expected: false },
  { op: 'contains', case: 'no match', field: 'spec.tags', value: 'c', expected: false },
  { op: 'contains', case: 'no match', field: 'metadata.labels', value: 'tier', expected: false },
  { op: 'contains', case: 'no match', field: 'metadata.labels', value: 'constructor', expected: false },
  { op: 'contains', case: 'missing field', field: 'spec.nope', value: 'a', expected: false },
  { op: 'contains', case: 'type mismatch', field: 'spec.replicas', value: 3, expected: false },
  { op: 'contains', case: 'type mismatch', field: 'spec.name', value: 1, expected: false },
  { op: 'contains', case: 'type mismatch', field: 'spec.selector', value: 1, expected: false },
  // notContains: the complement of contains
  { op: 'notContains', case: 'match', field: 'spec.name', value: 'back', expected: true },
  { op: 'notContains', case: 'match', field: 'spec.tags', value: 'c', expected: true },
  { op: 'notContains', case: 'no match', field: 'spec.tags', value: 'a', expected: false },
  { op: 'notContains', case: 'no match', field: 'metadata.labels', value: 'app', expected: false },
  { op: 'notContains', case: 'missing field', field: 'spec.nope', value: 'a', expected: true },
  { op: 'notContains', case: 'type mismatch', field: 'spec.replicas', value: 3, expected: true },
  // prefix / suffix: strings only
  { op: 'prefix', case: 'match', field: 'spec.name', value: 'web-', expected: true },
  { op: 'prefix', case: 'match', field: 'spec.empty', value: '', expected: true },
  { op: 'prefix', case: 'no match', field: 'spec.name', value: 'api-', expected: false },
  { op: 'prefix', case: 'missing field', field: 'spec.nope', value: 'web', expected: false },
  { op: 'prefix', case: 'type mismatch', field: 'spec.replicas', value: '3', expected: false },
  { op: 'prefix', case: 'type mismatch', field: 'spec.tags', value: 'a', expected: false },
  { op: 'suffix', case: 'match', field: 'spec.name', value: '-frontend', expected: true },
  { op: 'suffix', case: 'no match', field: 'spec.name', value: '-backend', expected: false },
  { op: 'suffix', case: 'missing field', field: 'spec.nope', value: 'x', expected: false },
  { op: 'suffix', case: 'type mismatch', field: 'spec.replicas', value: '3', expected: false },
  // exists / notExists: present and not null; there is no mismatching type, any value counts
  { op: 'exists', case: 'match', field: 'spec.name', expected: true },
  { op: 'exists', case: 'no match', field: 'spec.nothing', expected: false, note: 'null' },
  { op: 'exists', case: 'missing field', field: 'spec.nope', expected: false },
  { op: 'exists', case: 'type mismatch', field: 'spec.enabled', expected: true, note: 'false exists' },
  { op: 'exists', case: 'type mismatch', field: 'spec.zero', expected: true, note: '0 exists' },
  { op: 'exists', case: 'type mismatch', field: 'spec.empty', expected: true, note: '"" exists' },
  { op: 'notExists', case: 'match', field: 'spec.nothing', expected: true },
  { op: 'notExists', case: 'no match', field: 'spec.name', expected: false },
  { op: 'notExists', case: 'missing field', field: 'spec.nope', expected: true },
  { op: 'notExists', case: 'type mismatch', field: 'spec.empty', expected: false },
  // gt gte lt lte: numbers numerically, strings lexically, nothing else
  { op: 'gt', case: 'match', field: 'spec.replicas', value: 2, expected: true },
  { op: 'gt', case: 'match', field: 'spec.ratio', value: 1.25, expected: true },
  { op: 'gt', case: 'match', field: 'spec.tier', value: 'bronze', expected: true, note: 'lexical' },
  { op: 'gt', case: 'no match', field: 'spec.replicas', value: 3, expected: false },
  { op: 'gt', case: 'no match', field: 'spec.tier', value: 'silver', expected: false },
  { op: 'gt', case: 'missing field', field: 'spec.nope', value: 0, expected: false },
  { op: 'gt', case: 'type mismatch', field: 'spec.count', value: 2, expected: false, note: '"3" > 2' },
  { op: 'gt', case: 'type mismatch', field: 'spec.replicas', value: '2', expected: false },
  { op: 'gt', case: 'type mismatch', field: 'spec.nothing', value: -1, expected: false },
  { op: 'gt', case: 'type mismatch', field: 'spec.enabled', value: -1, expected: false },
  { op: 'gte', case: 'match', field: 'spec.replicas', value: 3, expected: true },
  { op: 'gte', case: 'match', field: 'spec.tier', value: 'gold', expected: true },
  { op: 'gte', case: 'no match', field: 'spec.replicas', value: 3.5, expected: false },
  { op: 'gte', case: 'missing field', field: 'spec.nope', value: 0, expected: false },
  { op: 'gte', case: 'type mismatch', field: 'spec.count', value: 3, expected: false },
  { op: 'lt', case: 'match', field: 'spec.replicas', value: 4, expected: true },
  { op: 'lt', case: 'match', field: 'spec.tier', value: 'silver', expected: true },
  { op: 'lt', case: 'no match', field: 'spec.replicas', value: 3, expected: false },
  { op: 'lt', case: 'missing field', field: 'spec.nope', value: 100, expected: false },
  { op: 'lt', case: 'type mismatch', field: 'spec.count', value: 100, expected: false },
  { op: 'lte', case: 'match', field: 'spec.replicas', value: 3, expected: true },
  { op: 'lte', case: 'no match', field: 'spec.replicas', value: 2, expected: false },
  { op: 'lte', case: 'no match', field: 'spec.tier', value: 'bronze', expected: false },
  { op: 'lte', case: 'missing field', field: 'spec.nope', value: 100, expected: false },
  { op: 'lte', case: 'type mismatch', field: 'spec.tags', value: 100, expected: false },
  // in / notIn: deep equality with one of the list's items
  { op: 'in', case: 'match', field: 'spec.tier', value: ['silver', 'gold'], expected: true },
  { op: 'in', case: 'match', field: 'spec.selector', value: [{ app: 'web', tier: 'gold' }], expected: true },
  { op: 'in', case: 'no match', field: 'spec.tier', value: ['silver', 'bronze'], expected: false },
  { op: 'in', case: 'no match', field: 'spec.tier', value: [], expected: false },
  { op: 'in', case: 'missing field', field: 'spec.nope', value: ['a', null], expected: false },
  { op: 'in', case: 'type mismatch', field: 'spec.count', value: [3], expected: false },
  { op: 'notIn', case: 'match', field: 'spec.tier', value: ['silver', 'bronze'], expected: true },
  { op: 'notIn', case: 'no match', field: 'spec.replicas', value: [1, 3], expected: false },
  { op: 'notIn', case: 'missing field', field: 'spec.nope', value: ['a'], expected: true },
  { op: 'notIn', case: 'type mismatch', field: 'spec.count', value: [3], expected: true },
  // regex: JavaScript RegExp, unanchored, strings only
  { op: 'regex', case: 'match', field: 'spec.name', value: '^web-[a-z]+$', expected: true },
  { op: 'regex', case: 'match', field: 'spec.name', value: 'front', expected: true, note: 'unanchored' },
  { op: 'regex', case: 'no match', field: 'spec.name', value: '^front', expected: false },
  { op: 'regex', case: 'missing field', field: 'spec.nope', value: '.*', expected: false },
  { op: 'regex', case: 'type mismatch', field: 'spec.replicas', value: '3', expected: false },
  { op: 'regex', case: 'type mismatch', field: 'spec.nothing', value: 'null', expected: false },
  // between: inclusive, numbers
  { op: 'between', case: 'match', field: 'spec.replicas', value: [1, 3], expected: true, note: 'high inclusive' },
  { op: 'between', case: 'match', field: 'spec.replicas', value: [3, 5], expected: true, note: 'low inclusive' },
  { op: 'between', case: 'match', field: 'spec.ratio', value: [1, 2], expected: true },
  { op: 'between', case: 'no match', field: 'spec.replicas', value: [4, 10], expected: false },
  { op: 'between', case: 'missing field', field: 'spec.nope', value: [0, 10], expected: false },
  { op: 'between', case: 'type mismatch', field: 'spec.count', value: [1, 5], expected: false },
];

const isUnary = (op: Operator) => op === 'exists' || op === 'notExists';

function explicitForm(row: Row): Condition {
  return isUnary(row.op)
    ? { field: row.field, operator: row.op }
    : ({ field: row.field, operator: row.op, value: row.value } as Condition);
}

function shorthandForm(row: Row): Condition {
  return { field: row.field, [row.op]: isUnary(row.op) ? true : row.value } as Condition;
}

function title(row: Row): string {
  const operand = isUnary(row.op) ? '' : ` ${JSON.stringify(row.value)}`;
  const note = row.note ? ` (${row.note})` : '';
  return `${row.case}: ${row.field} ${row.op}${operand}${note} → ${row.expected}`;
}

describe('operators', () => {
  test('the table covers every operator with match, no match, missing field and type mismatch', () => {
    const cases: Case[] = ['match', 'no match', 'missing field', 'type mismatch'];
    for (const op of OPERATORS) {
      for (const c of cases) {
        assert.ok(
          rows.some((r) => r.op === op && r.case === c),
          `${op} has no '${c}' row`,
        );
      }
    }
  });

  for (const [form, build] of [
    ['explicit form', explicitForm],
    ['shorthand form', shorthandForm],
  ] as const) {
    describe(form, () => {
      for (const row of rows) {
        test(title(row), () => {
          const condition = build(row);
          const holds = compileCondition(condition, 'c');
          assert.equal(holds({ self }), row.expected);
          assert.deepEqual(holds.evaluateWithReason({ self }), { result: row.expected });
          const negated = compileCondition({ ...condition, negate: true }, 'c');
          assert.equal(negated({ self }), !row.expected, 'negate inverts');
          const notNegated = compileCondition({ ...condition, negate: false }, 'c');
          assert.equal(notNegated({ self }), row.expected, 'negate: false changes nothing');
        });
      }
    });
  }

  test('the regex is compiled once and keeps no state between evaluations', () => {
    const holds = compileCondition({ field: 'spec.name', regex: 'web' }, 'c');
    for (let i = 0; i < 3; i++) assert.equal(holds({ self }), true);
  });

  test('a field path reads through arrays and bracket-quoted keys', () => {
    assert.equal(compileCondition({ field: 'spec.ports[1].port', equals: 443 }, 'c')({ self }), true);
    assert.equal(
      compileCondition({ field: 'metadata.labels["app.kubernetes.io/name"]', equals: 'web-app' }, 'c')({ self }),
      true,
    );
    assert.equal(compileCondition({ field: 'spec.ports[5].port', exists: true }, 'c')({ self }), false);
  });

  test('field paths never reach prototypes', () => {
    for (const field of ['spec.tags.length', 'spec.name.length', 'spec.toString', 'spec.hasOwnProperty']) {
      assert.equal(compileCondition({ field, exists: true }, 'c')({ self }), false, field);
      assert.equal(compileCondition({ field, notExists: true }, 'c')({ self }), true, field);
    }
    for (const field of ['constructor', 'spec.__proto__', 'spec["prototype"]']) {
      assert.throws(
        () => compileCondition({ field, exists: true }, 'c'),
        /^ConditionError: c: invalid field path .* is reserved/,
      );
    }
  });

  test('a missing or non-object custom resource reads every field as missing', () => {
    for (const cr of [undefined, null, 'text', 3]) {
      assert.equal(compileCondition({ field: 'spec.x', exists: true }, 'c')({ self: cr }), false);
      assert.equal(compileCondition({ field: 'spec.x', notEquals: 1 }, 'c')({ self: cr }), true);
    }
  });
});

describe('operand shapes are checked at compile time', () => {
  const W = 'spec.crds.web.operatorBox.reconcile.onCreate.services[0].when[0]';
  const cases: ReadonlyArray<readonly [string, unknown, RegExp]> = [
    ['between a string', { field: 'spec.x', operator: 'between', value: '1-3' }, /between needs \[low, high\]/],
    ['between one item', { field: 'spec.x', between: [1] }, /between needs \[low, high\]/],
    ['between three items', { field: 'spec.x', between: [1, 2, 3] }, /between needs \[low, high\]/],
    ['between strings', { field: 'spec.x', between: ['a', 'b'] }, /between needs \[low, high\]/],
    ['between low > high', { field: 'spec.x', between: [5, 1] }, /low <= high/],
    ['in a string', { field: 'spec.x', operator: 'in', value: 'a,b' }, /in needs a list/],
    ['notIn an object', { field: 'spec.x', notIn: { a: 1 } }, /notIn needs a list/],
    ['regex that does not compile', { field: 'spec.x', regex: '(' }, /regex does not compile: /],
    ['regex too long', { field: 'spec.x', regex: 'a'.repeat(MAX_REGEX_LENGTH + 1) }, /more than the 1024 allowed/],
    ['regex not a string', { field: 'spec.x', regex: 5 }, /regex needs a string pattern/],
    ['prefix a number', { field: 'spec.x', prefix: 3 }, /prefix needs a string/],
    ['suffix null', { field: 'spec.x', operator: 'suffix', value: null }, /suffix needs a string/],
    ['gt a boolean', { field: 'spec.x', gt: true }, /gt needs a number or a string/],
    ['lte a list', { field: 'spec.x', lte: [1] }, /lte needs a number or a string/],
    ['equals without value', { field: 'spec.x', operator: 'equals' }, /equals needs a value/],
    ['exists with a value', { field: 'spec.x', operator: 'exists', value: true }, /exists takes no value/],
    ['unknown operator', { field: 'spec.x', operator: 'greaterThan', value: 1 }, /unknown operator "greaterThan"/],
    [
      'shorthand exists: false',
      { field: 'spec.x', exists: false },
      /exists takes true \(for the opposite use notExists\)/,
    ],
    ['shorthand notExists: 1', { field: 'spec.x', notExists: 1 }, /notExists takes true/],
    ['two operator keys', { field: 'spec.x', gte: 1, lte: 5 }, /exactly one operator key allowed, found gte, lte/],
    ['operator and shorthand', { field: 'spec.x', operator: 'gte', value: 1, lte: 5 }, /not both/],
    [
      'shorthand with value',
      { field: 'spec.x', gte: 1, value: 2 },
      /value belongs to the \{field, operator, value\} form/,
    ],
    ['no operator', { field: 'spec.x' }, /no operator/],
    ['unknown shorthand key', { field: 'spec.x', greaterThan: 1 }, /no operator.*unknown keys: greaterThan/],
    ['cel and field', { field: 'spec.x', cel: 'true' }, /exactly one of cel or field/],
    ['neither cel nor field', { operator: 'equals', value: 1 }, /exactly one of cel or field/],
    ['cel with an operator', { cel: 'true', exists: true }, /a cel condition takes no operator/],
    ['empty cel', { cel: '  ' }, /cel must be a non-empty string/],
    ['field not a string', { field: 3, exists: true }, /field must be a string path/],
    ['malformed field path', { field: 'spec..x', exists: true }, /invalid field path "spec..x"/],
    ['negate not a boolean', { field: 'spec.x', exists: true, negate: 'yes' }, /negate must be true or false/],
    ['not an object', 'spec.x > 1', /a condition is an object/],
    ['null', null, /a condition is an object/],
  ];
  for (const [name, condition, message] of cases) {
    test(name, () => {
      assert.throws(
        () => compileCondition(condition as Condition, W),
        (e: unknown) => {
          assert.ok(e instanceof ConditionError, 'a ConditionError');
          assert.equal(e.where, W);
          assert.ok(e.message.startsWith(`${W}: `), e.message);
          assert.equal(e.message, `${W}: ${e.reason}`);
          assert.match(e.message, message);
          return true;
        },
      );
    });
  }

  test('extra keys of a validation rule are ignored', () => {
    const rule = { field: 'spec.replicas', gte: 1, message: 'at least one', action: 'deny' } as Condition;
    assert.equal(compileCondition(rule, 'r')({ self }), true);
  });
});

describe('jsonEqual', () => {
  const equal: ReadonlyArray<readonly [unknown, unknown]> = [
    [1, 1.0],
    [0, -0],
    ['a', 'a'],
    [null, null],
    [true, true],
    [[], []],
    [{}, {}],
    [{ a: [1, { b: null }] }, { a: [1, { b: null }] }],
    [
      { a: 1, b: 2 },
      { b: 2, a: 1 },
    ],
    [{ a: 1, gone: undefined }, { a: 1 }],
  ];
  const unequal: ReadonlyArray<readonly [unknown, unknown]> = [
    [1, '1'],
    [0, false],
    ['', null],
    [null, undefined],
    [undefined, undefined],
    [
      [1, 2],
      [2, 1],
    ],
    [[1], [1, 1]],
    [{ a: 1 }, { a: 1, b: 1 }],
    [{ a: 1 }, [1]],
    [{ toString: 1 }, {}],
    [{}, { toString: 1 }],
    [Number.NaN, Number.NaN],
  ];
  for (const [a, b] of equal) {
    test(`${JSON.stringify(a)} equals ${JSON.stringify(b)}`, () => {
      assert.equal(jsonEqual(a, b), true);
      assert.equal(jsonEqual(b, a), true);
    });
  }
  for (const [a, b] of unequal) {
    test(`${JSON.stringify(a)} does not equal ${JSON.stringify(b)}`, () => {
      assert.equal(jsonEqual(a, b), false);
      assert.equal(jsonEqual(b, a), false);
    });
  }
});
