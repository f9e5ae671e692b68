import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { Compile } from 'typebox/compile';
import { parse } from 'yaml';
import { generatedSchemas } from './editor-schema.ts';
import { schemasDir } from './generate.ts';

const examplesDir = new URL('../examples/katalogs/', import.meta.url).pathname;
const MODELINE = /^# yaml-language-server: \$schema=(\S+)$/m;

async function validator(file: string) {
  return Compile(JSON.parse(await readFile(`${schemasDir}${file}`, 'utf8')));
}

describe('schemas/ (editor JSON Schemas) generated from api-types/', () => {
  for (const [file, text] of Object.entries(generatedSchemas())) {
    test(`schemas/${file} matches the schemas (run make gen after changing api-types/)`, async () => {
      assert.equal(await readFile(`${schemasDir}${file}`, 'utf8'), text);
    });
  }

  test('every example Katalog names the schema in its modeline and is valid against it', async () => {
    const files = (await readdir(examplesDir)).filter((f) => f.endsWith('.yaml'));
    assert.ok(files.length > 0);
    const katalog = await validator('katalog.json');
    for (const file of files) {
      const text = await readFile(`${examplesDir}${file}`, 'utf8');
      const schema = MODELINE.exec(text)?.[1];
      assert.equal(schema && resolve(dirname(`${examplesDir}${file}`), schema), `${schemasDir}katalog.json`, file);
      const doc = parse(text);
      assert.ok(katalog.Check(doc), `${file}: ${JSON.stringify([...katalog.Errors(doc)].slice(0, 3))}`);
    }
  });

  test('a misspelt field is an error (the API server would drop it silently)', async () => {
    const katalog = await validator('katalog.json');
    const doc = parse(await readFile(`${examplesDir}web-platform.yaml`, 'utf8'));
    doc.spec.crds.website.operatorBox.reconcil = doc.spec.crds.website.operatorBox.reconcile;
    assert.equal(katalog.Check(doc), false);
    assert.ok([...katalog.Errors(doc)].some((e) => e.instancePath === '/spec/crds/website/operatorBox'));
  });

  test('a Komposer is checked against its own schema', async () => {
    const komposer = await validator('komposer.json');
    const doc = {
      apiVersion: 'orkestra.orkspace.io/v1alpha1',
      kind: 'Komposer',
      metadata: { name: 'platform' },
      spec: { imports: { katalogs: ['web-platform'] } },
    };
    assert.ok(komposer.Check(doc), JSON.stringify([...komposer.Errors(doc)].slice(0, 3)));
    assert.equal(komposer.Check({ ...doc, kind: 'Katalog' }), false);
  });
});
