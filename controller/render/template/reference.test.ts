import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { FUNCTIONS } from './functions.ts';
import { CORPUS } from './oracle/corpus.ts';
import { DOC_PATH, regenerate } from './oracle/reference.ts';

test('every function has an example in the oracle corpus', () => {
  const documented = new Set(CORPUS.map((c) => c.doc));
  assert.deepEqual(
    [...FUNCTIONS.keys()].filter((f) => !documented.has(f)),
    [],
  );
});

test('docs/templates.md shows the corpus examples as the engine renders them (regenerate with oracle/reference.ts --write)', async () => {
  const doc = await readFile(DOC_PATH, 'utf8');
  assert.equal(doc, regenerate(doc));
});
