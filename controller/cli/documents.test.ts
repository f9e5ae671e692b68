import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDocuments } from './documents.ts';

test('an alias bomb is a finding about the document, not a crash', () => {
  const bomb = [
    'a: &a ["x","x","x","x","x","x","x","x","x"]',
    ...'bcdefgh'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefg'[i]}`).join(',')}]`),
  ].join('\n');
  const [doc] = parseDocuments('bomb.yaml', bomb);
  assert.equal(doc?.value, undefined);
  assert.match(doc?.syntaxErrors[0]?.message ?? '', /Excessive alias count/);
});
