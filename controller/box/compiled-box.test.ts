import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Box } from '../../api-types/box.ts';
import { applyMutations, validate } from '../reconcile/admission-rules.ts';
import { compileBox, expansionItems } from './compiled-box.ts';

const apiTypes = { group: 'demo.orkestra.io', version: 'v1alpha1', kind: 'Website', plural: 'websites' };
const box = (rest: Record<string, unknown>) => ({ apiTypes, ...rest }) as Box;
const service = (extra: Record<string, unknown>) => ({ name: 's', port: 80, ...extra });

describe('compileBox: field paths', () => {
  const reservedCases: ReadonlyArray<readonly [string, Box, string]> = [
    [
      'mutation field',
      box({ admission: { mutation: { rules: [{ field: 'spec.a' }, { field: '__proto__.polluted', value: 1 }] } } }),
      'spec.crds.web.admission.mutation.rules[1].field',
    ],
    [
      'validation field',
      box({ admission: { validation: { rules: [{ field: 'spec.constructor', exists: true, message: 'm' }] } } }),
      'spec.crds.web.admission.validation.rules[0].field',
    ],
    [
      'status field path',
      box({ operatorBox: { emit: { status: { fields: [{ path: 'prototype.x', value: 'v' }] } } } }),
      'spec.crds.web.operatorBox.emit.status.fields[0].path',
    ],
    [
      'forEach field of a child',
      box({
        operatorBox: {
          reconcile: { onReconcile: { services: [service({ forEach: { field: 'spec["__proto__"]' } })] } },
        },
      }),
      'spec.crds.web.operatorBox.reconcile.onReconcile.services[0].forEach.field',
    ],
    [
      'forEach field of an onDelete target',
      box({
        operatorBox: {
          reconcile: {
            onDelete: { groups: [{ name: 'g', configMaps: [{ name: 'x', forEach: { field: 'constructor' } }] }] },
          },
        },
      }),
      'spec.crds.web.operatorBox.reconcile.onDelete.groups[0].configMaps[0].forEach.field',
    ],
    [
      'condition field',
      box({
        operatorBox: {
          reconcile: { onCreate: { services: [service({ when: [{ field: "spec['prototype']", exists: true }] })] } },
        },
      }),
      'spec.crds.web.operatorBox.reconcile.onCreate.services[0].when[0]',
    ],
  ];
  for (const [name, b, where] of reservedCases) {
    test(`a reserved segment in a ${name} fails the box, naming ${where}`, () => {
      assert.throws(
        () => compileBox('web', b),
        (e: unknown) =>
          e instanceof Error &&
          e.message.startsWith(`${where}: invalid field path `) &&
          /segment "(__proto__|constructor|prototype)" is reserved/.test(e.message),
      );
      assert.equal(Object.hasOwn(Object.prototype, 'polluted'), false);
    });
  }

  test('a malformed mutation path fails the box, naming the rule', () => {
    assert.throws(
      () => compileBox('web', box({ admission: { mutation: { rules: [{ field: 'spec..a', value: 1 }] } } })),
      /^Error: spec\.crds\.web\.admission\.mutation\.rules\[0\]\.field: invalid field path "spec\.\.a": expected a field name/,
    );
  });

  test('a mutation rule sets a bracketed annotation key as one key, and a validation rule reads it', () => {
    const compiled = compileBox(
      'web',
      box({
        admission: {
          mutation: {
            rules: [
              { field: 'metadata.annotations["example.com/owner"]', value: '{{ .spec.team }}' },
              { field: "metadata.labels['app.kubernetes.io/name']", default: 'web' },
            ],
          },
          validation: {
            rules: [{ field: 'metadata.annotations["example.com/owner"]', equals: 'team-a', message: 'owner' }],
          },
        },
      }),
    );
    const cr = { metadata: { name: 'w', annotations: { keep: 'me' } }, spec: { team: 'team-a' } };
    const mutated = applyMutations(compiled, cr, (o) => ({
      metadata: o.metadata,
      spec: o.spec,
      status: {},
      children: {},
    }));
    assert.deepEqual(mutated.metadata, {
      name: 'w',
      annotations: { keep: 'me', 'example.com/owner': 'team-a' },
      labels: { 'app.kubernetes.io/name': 'web' },
    });
    assert.deepEqual(cr.metadata, { name: 'w', annotations: { keep: 'me' } }, 'the input is not changed');
    assert.deepEqual(validate(compiled, mutated), { denied: [], warnings: [], violations: [] });
    assert.deepEqual(
      validate(compiled, cr),
      { denied: [], warnings: [], violations: [] },
      'a missing field does not apply',
    );
  });

  test('forEach iterates a list only', () => {
    const compiled = compileBox(
      'web',
      box({ operatorBox: { reconcile: { onReconcile: { services: [service({ forEach: { field: 'spec.dbs' } })] } } } }),
    );
    const t = compiled.children[0];
    assert.ok(t);
    assert.deepEqual(expansionItems(t, { spec: { dbs: ['a', 'b'] } }), ['a', 'b']);
    assert.deepEqual(expansionItems(t, { spec: { dbs: 'ab' } }), [], 'a string is not a list of characters');
    assert.deepEqual(expansionItems(t, { spec: {} }), []);
  });
});
