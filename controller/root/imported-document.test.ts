import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readImportedDocument } from './imported-document.ts';

const valid = `apiVersion: orkestra.orkspace.io/v1alpha1
kind: Katalog
metadata: { name: db }
spec:
  crds:
    database:
      apiTypes: { group: demo.example.io, version: v1, kind: Database }
      operatorBox: { reconcile: { workers: 2 } }
`;

test('a valid Katalog document is accepted', () => {
  const r = readImportedDocument(valid);
  assert.ok('katalog' in r);
  assert.equal(r.katalog.metadata.name, 'db');
});

test('schema errors name the field path from ajv', () => {
  const r = readImportedDocument(valid.replace('workers: 2', 'workers: many, wrkers: 1'));
  assert.ok('error' in r);
  assert.match(r.error, /spec\.crds\.database\.operatorBox\.reconcile\.workers: must be integer/);
  assert.match(r.error, /spec\.crds\.database\.operatorBox\.reconcile\.wrkers: unknown field/);
});

test('a Komposer cannot be imported, and YAML errors are reported', () => {
  const k = readImportedDocument('apiVersion: orkestra.orkspace.io/v1alpha1\nkind: Komposer\nspec: {imports: {}}\n');
  assert.ok('error' in k && /a Komposer cannot import a Komposer/.test(k.error));
  const bad = readImportedDocument('a: [1,\n');
  assert.ok('error' in bad && /not valid YAML/.test(bad.error));
  const missing = readImportedDocument(
    'apiVersion: orkestra.orkspace.io/v1alpha1\nkind: Katalog\nmetadata: {name: x}\n',
  );
  assert.ok('error' in missing && /spec: Required value/.test(missing.error));
});
