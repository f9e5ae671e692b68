import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, test } from 'node:test';
import { stringify } from 'yaml';
import { assertGolden } from '../render/kinds/golden-file.ts';
import { conversionReport, convertKatalog } from './convert.ts';
import { readDocuments } from './documents.ts';
import { validateDocuments } from './validate.ts';

const dir = new URL('./testdata/convert/', import.meta.url);
const inputs = readdirSync(dir).filter((f) => f.endsWith('.yaml') && !f.endsWith('.golden.yaml'));

describe('orkestra convert: file-format Katalogs (golden files; UPDATE_GOLDEN=1 rewrites them)', () => {
  test('there are inputs', () => assert.ok(inputs.length >= 3));
  for (const file of inputs) {
    test(file, () => {
      const [doc] = readDocuments([new URL(file, dir).pathname]);
      const c = convertKatalog(doc?.value as Record<string, unknown>);
      const base = file.replace(/\.yaml$/, '');
      assertGolden(new URL(`${base}.golden.yaml`, dir), stringify(c.katalog));
      assertGolden(new URL(`${base}.report.txt`, dir), conversionReport(c));
      // What carried over validates, except the values the report calls invalid.
      const findings = validateDocuments({
        documents: readDocuments([new URL(`${base}.golden.yaml`, dir).pathname]),
        crds: [],
        katalogs: [],
      });
      assert.deepEqual(
        findings.map((f) => f.field),
        c.invalid.map((n) => n.path),
      );
    });
  }

  test('every field the CRD cannot hold is reported, none silently dropped', () => {
    const c = convertKatalog({
      apiVersion: 'orkestra.orkspace.io/v1',
      kind: 'Katalog',
      metadata: { name: 'x' },
      crds: { a: { apiTypes: { group: 'a.io', version: 'v1', kind: 'A', colour: 'blue' }, extra: 1 } },
    });
    assert.deepEqual(c.dropped.map((n) => n.path).sort(), ['spec.crds.a.apiTypes.colour', 'spec.crds.a.extra']);
    assert.deepEqual(c.katalog.spec, { crds: { a: { apiTypes: { group: 'a.io', version: 'v1', kind: 'A' } } } });
  });
});
