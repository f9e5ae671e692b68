/**
 * Renders the oracle corpus (oracle/corpus.ts, hand-written, and oracle/generated.ts, drawn by
 * fast-check) with this engine and with Go text/template + Sprig v3.3.0 (oracle/main.go, built
 * by oracle/build.sh), and requires the same result: the same text, or an error on both sides.
 * A case may differ only when it is tagged with a deliberate difference (oracle/differences.ts)
 * and the difference is the one described.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderText, renderValue } from './evaluate.ts';
import { formatValue } from './format.ts';
import { ACCEPTANCE_TEMPLATES, CORPUS, type OracleCase } from './oracle/corpus.ts';
import { DATASETS } from './oracle/datasets.ts';
import { DIFFERENCES, type Outcome } from './oracle/differences.ts';
import { GENERATED_FUNCTIONS, generatedCases, generatedPipelines } from './oracle/generated.ts';
import { renderWithGo } from './oracle/run.ts';
import { parse } from './parser.ts';

const GENERATED = generatedCases(600, 20261203);
const PIPELINES = generatedPipelines(400, 20261204);
const ALL: readonly OracleCase[] = [...CORPUS, ...GENERATED, ...PIPELINES];

/** Text mode, as Go renders: a single-action template's typed value is checked separately. */
export function tsOutcome(template: string, data: unknown): Outcome {
  try {
    return { ok: true, text: renderText(parse(template), structuredClone(data)) };
  } catch (error) {
    return { ok: false, text: error instanceof Error ? error.message : String(error) };
  }
}

function same(go: Outcome, ts: Outcome): boolean {
  return go.ok === ts.ok && (!go.ok || go.text === ts.text);
}

describe('template oracle: Go text/template + Sprig v3.3.0', () => {
  const go = renderWithGo(ALL, DATASETS);

  it(`runs ${ALL.length} templates (${CORPUS.length} hand-written, ${GENERATED.length} generated calls, ${PIPELINES.length} generated pipelines)`, () => {
    assert.equal(go.length, ALL.length);
    assert.ok(ALL.length >= 300);
  });

  it('renders every template as Go does, apart from the tabled differences', () => {
    const unexplained: string[] = [];
    ALL.forEach((c, i) => {
      const g = go[i] as Outcome;
      const t = tsOutcome(c.template, DATASETS[c.data]);
      if (c.difference === undefined) {
        if (!same(g, t)) unexplained.push(`${c.template}\n    go: ${JSON.stringify(g)}\n    ts: ${JSON.stringify(t)}`);
      } else if (same(g, t) || !DIFFERENCES[c.difference].recognise(g, t)) {
        unexplained.push(`[${c.difference}] ${c.template}\n    go: ${JSON.stringify(g)}\n    ts: ${JSON.stringify(t)}`);
      }
    });
    assert.equal(unexplained.length, 0, `${unexplained.length} differences:\n${unexplained.join('\n')}`);
  });

  it('draws every generated signature at least once', () => {
    const drawn = new Set(GENERATED.map((c) => /\{\{ (?:.* \| )?([A-Za-z0-9]+)/.exec(c.template)?.[1]));
    assert.deepEqual(
      GENERATED_FUNCTIONS.filter((f) => !drawn.has(f)),
      [],
    );
  });

  it('renders the acceptance Katalog expressions as Go does', () => {
    for (const template of Object.values(ACCEPTANCE_TEMPLATES)) {
      const i = ALL.findIndex((c) => c.template === template);
      assert.ok(i >= 0);
      assert.deepEqual(tsOutcome(template, DATASETS.cr), go[i]);
      assert.equal((go[i] as Outcome).ok, true);
    }
  });
});

describe('typed single-expression results', () => {
  it('print as the text rendering prints them (the oracle checks the text)', () => {
    let checked = 0;
    for (const c of ALL) {
      let tree: ReturnType<typeof parse>;
      try {
        tree = parse(c.template);
      } catch {
        continue;
      }
      if (tree.single === null) continue;
      const text = tsOutcome(c.template, DATASETS[c.data]);
      let typed: unknown;
      try {
        typed = renderValue(tree, tree.single, structuredClone(DATASETS[c.data]));
      } catch {
        assert.equal(text.ok, false, c.template);
        continue;
      }
      assert.equal(text.ok, true, c.template);
      assert.equal(typed === null ? '' : formatValue(typed), text.text, c.template);
      checked++;
    }
    assert.ok(checked > 500, `${checked} single-expression templates`);
  });
});
