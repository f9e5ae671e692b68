import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { katalogCrd, komposerCrd, toStructural } from './crd.ts';
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

  // Client-side `kubectl apply` (and Argo CD's default sync) stores the whole object as JSON in
  // the last-applied-configuration annotation, and the API server caps annotations at 256 KiB.
  // Go's encoder escapes <, > and & as \u003c, so the size is measured the same way.
  for (const [name, crd] of [
    ['Katalog', katalogCrd()],
    ['Komposer', komposerCrd()],
  ] as const) {
    test(`the ${name} CRD fits the 256 KiB last-applied annotation of client-side apply`, () => {
      const json = JSON.stringify(crd).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
      assert.ok(Buffer.byteLength(json) < 256 * 1024, `${name} CRD is ${Buffer.byteLength(json)} bytes as JSON`);
    });
  }

  test('descriptions left out of the CRD stay in docs/reference/', () => {
    const count = (crd: unknown, text: string) => JSON.stringify(crd).split(text).length - 1;
    const operand = 'Operand of operator; a two-item list for between';
    // Once per condition list in the reference; only on validation rules (once per box) in the CRD.
    assert.ok(count(katalogCrd('docs'), operand) > 50);
    assert.equal(count(katalogCrd(), operand), 1);
    assert.ok(count(katalogCrd('docs'), 'Renders one child per item of a list') > 30);
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
