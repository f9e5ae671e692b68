// The hostile-input corpus, offline: every document through `orkestra validate`'s logic (schema,
// loader, compiler) and, for custom resources, `orkestra render`'s (admission rules, templates).
// Each case must produce its expected message at its field, quickly, without throwing. No
// cluster needed; the same corpus is applied to a real one in e2e/hostile-inputs.test.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type HostileCase, handWritten } from './corpus.ts';
import { wrongTypeKatalogs, wrongTypeResources } from './generated.ts';
import { offlineVerdicts } from './offline.ts';

// A case may be slow on a loaded machine, never unbounded: each limit met by the code is at most
// about a second of CPU (1 MiB strings, 10^5 template iterations, 100 ms of template CPU per
// render, 20,000 CEL steps).
const PER_CASE_MS = 15_000;

export const corpus: readonly HostileCase[] = [
  ...wrongTypeKatalogs(),
  ...wrongTypeResources('Probe', 'hostile'),
  ...handWritten,
];

test('the corpus has at least 200 cases in every category', () => {
  const byCategory = new Map<string, number>();
  for (const c of corpus) byCategory.set(c.category, (byCategory.get(c.category) ?? 0) + 1);
  console.log(`hostile corpus: ${corpus.length} cases`);
  for (const [category, n] of byCategory) console.log(`  ${String(n).padStart(4)}  ${category}`);
  assert.ok(corpus.length >= 200, `${corpus.length} cases`);
  assert.equal(byCategory.size, 12);
  assert.equal(new Set(corpus.map((c) => c.name)).size, corpus.length, 'case names are unique');
});

describe('every hostile case gets its message offline', () => {
  for (const c of corpus) {
    test(`${c.category}: ${c.name}`, () => {
      const started = performance.now();
      const verdicts = offlineVerdicts(c);
      const ms = performance.now() - started;
      assert.ok(ms < PER_CASE_MS, `took ${ms.toFixed(0)} ms`);
      if (c.offline === 'accepted') {
        assert.deepEqual(verdicts, [], 'only the API server can judge this one');
        return;
      }
      const hit = verdicts.find((v) => v.field === c.expect.field && c.expect.message.test(v.message));
      assert.ok(
        hit,
        `expected ${c.expect.field || '(no field)'}: ${c.expect.message} among\n${verdicts.map((v) => `  ${v.field}: ${v.message.slice(0, 200)}`).join('\n')}`,
      );
    });
  }
});
