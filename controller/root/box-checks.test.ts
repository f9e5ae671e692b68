import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Box } from '../../api-types/box.ts';
import { checkBox, checkConversion } from './box-checks.ts';

const apiTypes = { group: 'demo.orkestra.io', version: 'v1', kind: 'Website' };

function withWhen(when: unknown[]): Box {
  return {
    apiTypes,
    operatorBox: { reconcile: { onCreate: { services: [{ name: 's', port: 80, when: when as never }] } } },
  };
}

test('a valid box has no problems', () => {
  assert.deepEqual(
    checkBox(
      'web',
      withWhen([{ field: 'spec.expose', equals: true }, { field: 'spec.x', operator: 'exists' }, { cel: 'true' }]),
    ),
    [],
  );
});

test('problems name the field path of the condition', () => {
  const cases: [unknown, RegExp][] = [
    [{ field: 'spec.x' }, /needs an operator/],
    [{ field: 'spec.x', equals: 1, gte: 2 }, /exactly one operator, found equals, gte/],
    [{ field: 'spec.x', operator: 'equals' }, /needs a value/],
    [{ field: 'spec.x', operator: 'exists', value: 1 }, /takes no value/],
    [{ field: 'spec.x', between: [1] }, /between takes a list of two values/],
    [{ field: 'spec.x', in: 'a' }, /in takes a list/],
    [{ field: 'spec.x', regex: '(' }, /invalid regex/],
  ];
  for (const [condition, message] of cases) {
    const problems = checkBox('web', withWhen([{ cel: 'true' }, condition]));
    assert.equal(problems.length, 1, JSON.stringify(condition));
    assert.match(
      problems[0]?.path ?? '',
      /^spec\.crds\.web\.operatorBox\.reconcile\.onCreate\.services\[0\]\.when\[1\]/,
    );
    assert.match(problems[0]?.message ?? '', message);
  }
});

test('validation rules are conditions and mutation rules need exactly one of default or value', () => {
  const box: Box = {
    apiTypes,
    admission: {
      validation: { rules: [{ field: 'spec.replicas', message: 'm' }] },
      mutation: { rules: [{ field: 'spec.port' }] },
    },
  };
  assert.deepEqual(
    checkBox('web', box).map((p) => p.path),
    ['spec.crds.web.admission.validation.rules[0]', 'spec.crds.web.admission.mutation.rules[0]'],
  );
});

test('conversion paths must connect every pair of served versions; the missing pair is named', () => {
  const box: Box = {
    apiTypes,
    admission: {
      conversion: {
        storageVersion: 'v1',
        paths: [
          { from: 'v1alpha1', to: 'v1', spec: {} },
          { from: 'v1', to: 'v1alpha1', spec: {} },
        ],
      },
    },
  };
  assert.deepEqual(checkConversion('web', box, ['v1alpha1', 'v1']), []);
  assert.deepEqual(checkConversion('web', box, ['v1']), [], 'one served version needs no conversion');
  assert.deepEqual(checkConversion('web', box, ['v1alpha1', 'v1', 'v2']), [
    {
      path: 'spec.crds.web.admission.conversion.paths',
      message:
        'no conversion path from v1alpha1 to v2, v1 to v2, v2 to v1alpha1, v2 to v1 (the CRD serves v1alpha1, v1, v2)',
    },
  ]);
  assert.deepEqual(checkConversion('web', { apiTypes }, ['v1alpha1', 'v1']), [], 'no conversion declared: not checked');
});
