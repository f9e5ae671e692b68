import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { katalogCrd, toStructural } from './crd.ts';
import { generatedFiles } from './generate.ts';

describe('crds/ and docs/reference/ generated from api-types/', () => {
  for (const { dir, label, files } of generatedFiles()) {
    for (const [file, text] of Object.entries(files)) {
      test(`${label}${file} matches the schemas (run make gen after changing api-types/)`, async () => {
        assert.equal(await readFile(`${dir}${file}`, 'utf8'), text);
      });
    }
  }

  test('the schema uses only what structural CRD schemas allow', () => {
    const forbidden = new Set(['const', 'anyOf', 'oneOf', 'allOf', 'patternProperties', '$ref', '$id']);
    const found: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (Array.isArray(node)) {
        for (const [i, n] of node.entries()) walk(n, `${path}[${i}]`);
      } else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (forbidden.has(k)) found.push(`${path}.${k}`);
          walk(v, `${path}.${k}`);
        }
      }
    };
    walk(katalogCrd(), '');
    assert.deepEqual(found, []);
  });

  test('toStructural turns literal unions into enums', () => {
    assert.deepEqual(toStructural({ anyOf: [{ const: 'a' }, { const: 'b' }], description: 'd' }), {
      type: 'string',
      description: 'd',
      enum: ['a', 'b'],
    });
    assert.deepEqual(toStructural({ const: 3 }), { type: 'number', enum: [3] });
  });
});
