import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { assertGolden } from '../render/kinds/golden-file.ts';
import { readDocuments } from './documents.ts';
import { generateTypes, typeOf } from './types.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const docs = (...paths: string[]) => readDocuments(paths.map((p) => `${root}${p}`)).map((d) => d.value);

describe('orkestra types', () => {
  test('schema nodes map to TypeScript types', () => {
    assert.equal(typeOf({ 'x-kubernetes-int-or-string': true }), 'number | string');
    assert.equal(typeOf({ type: 'string', enum: ['Fail', 'Ignore'] }), '"Fail" | "Ignore"');
    assert.equal(typeOf({ type: 'array', items: { type: 'integer' } }), 'number[]');
    assert.equal(typeOf({ type: 'array', items: { 'x-kubernetes-int-or-string': true } }), '(number | string)[]');
    assert.equal(typeOf({ type: 'string', nullable: true }), 'string | null');
    assert.equal(typeOf({ 'x-kubernetes-preserve-unknown-fields': true }), 'unknown');
    assert.equal(
      typeOf({ type: 'object', additionalProperties: { type: 'string' } }),
      '{\n  [key: string]: string;\n}',
    );
    assert.equal(
      typeOf({ type: 'object', required: ['a'], properties: { a: { type: 'string' }, 'b.c': { type: 'boolean' } } }),
      '{\n  a: string;\n  "b.c"?: boolean;\n}',
    );
  });

  test('a Katalog selects the kinds its boxes operate', () => {
    const modules = generateTypes(docs('examples/katalogs/web-platform.yaml', 'examples/crds'));
    assert.deepEqual(modules.map((m) => m.file).sort(), ['database.ts', 'website.ts']);
  });

  test('golden output for the example CRDs; with the Katalog CRD it typechecks under strict', async () => {
    const modules = generateTypes(
      docs(
        'examples/crds/databases.demo.orkestra.io.yaml',
        'examples/crds/websites.demo.orkestra.io.yaml',
        'crds/orkestra.orkspace.io_katalogs.yaml',
      ),
    );
    assert.deepEqual(
      modules.map((m) => m.file),
      ['database.ts', 'website.ts', 'katalog.ts'],
    );
    // The Katalog module (~190 kB: every child kind spelled out) is only typechecked.
    for (const m of modules.slice(0, 2)) {
      assertGolden(new URL(`./testdata/types/${m.file.replace('.ts', '.golden.ts.txt')}`, import.meta.url), m.source);
    }

    const dir = mkdtempSync(join(tmpdir(), 'orkestra-types-'));
    try {
      for (const m of modules) writeFileSync(join(dir, m.file), m.source);
      // A use of the types: a wrong field type must fail, so the check is not vacuous.
      writeFileSync(
        join(dir, 'use.ts'),
        "import type { Website } from './website.ts';\nimport type { Katalog } from './katalog.ts';\n" +
          "export const w: Website = { apiVersion: 'demo.orkestra.io/v1alpha1', kind: 'Website', metadata: { name: 'a' }, spec: { replicas: 2 } };\n" +
          'export const workers: number | undefined = ({} as Katalog).spec.crds.web?.operatorBox?.reconcile?.workers;\n',
      );
      const tsc = (files: string[]) =>
        new Promise<{ code: number; out: string }>((resolve) => {
          execFile(
            `${root}node_modules/.bin/tsc`,
            [
              '--strict',
              '--noEmit',
              '--allowImportingTsExtensions',
              '--module',
              'nodenext',
              '--target',
              'es2022',
              ...files,
            ],
            { cwd: dir },
            (err, stdout) => resolve({ code: err ? 1 : 0, out: stdout }),
          );
        });
      const ok = await tsc(['use.ts', ...modules.map((m) => m.file)]);
      assert.equal(ok.code, 0, ok.out);
      writeFileSync(
        join(dir, 'bad.ts'),
        "import type { WebsiteSpec } from './website.ts';\nexport const s: WebsiteSpec = { replicas: 'two' };\n",
      );
      const bad = await tsc(['bad.ts']);
      assert.equal(bad.code, 1);
      assert.match(bad.out, /Type 'string' is not assignable to type 'number'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
