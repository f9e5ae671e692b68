// The CPU budget of a render: a runaway template stops soon after it with a message naming the
// template and the cause; ordinary templates render as before, each with a budget of its own
// unless a caller makes them share one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileTemplate, RENDER_BUDGET_MS, TemplateError, withinRenderBudget } from './index.ts';

const WHERE = 'spec.crds.web.operatorBox.reconcile.onReconcile.configMaps[0].data.x';
const labels = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, `v${i}`]));
// 300 x 300 = 90,000 iterations, under the iteration cap, each serialising all 300 labels:
// seconds of CPU without a budget.
const RUNAWAY = '{{ range .spec.labels }}{{ range $.spec.labels }}{{ $j := toJson $.spec.labels }}{{ end }}{{ end }}';
const ORDINARY = '{{ range $k, $v := .spec.labels }}{{ $k }}={{ $v | quote }},{{ end }}';

function cpuMs(): number {
  const { user, system } = process.threadCpuUsage();
  return (user + system) / 1000;
}

const overBudget = (budgetMs: number) => (e: unknown) =>
  e instanceof TemplateError &&
  e.limitExceeded &&
  e.reason ===
    `template exceeded its time budget of ${budgetMs} ms of CPU per render: range over less data or do less in each iteration`;

describe('the CPU budget of a render', () => {
  it('stops a runaway template soon after the budget, naming the field and the template', () => {
    const template = compileTemplate(RUNAWAY, WHERE);
    const started = cpuMs();
    assert.throws(() => template.render({ spec: { labels } }), overBudget(RENDER_BUDGET_MS));
    const used = cpuMs() - started;
    assert.ok(used >= RENDER_BUDGET_MS && used < RENDER_BUDGET_MS + 200, `used ${used.toFixed(0)} ms of CPU`);
    assert.throws(
      () => template.render({ spec: { labels } }),
      (e: unknown) => e instanceof Error && e.message.startsWith(`${WHERE}: template "{{ range .spec.labels }}`),
    );
  });

  it('leaves an ordinary template alone: each render on its own has a budget of its own', () => {
    const template = compileTemplate(ORDINARY, WHERE);
    const expected = Object.keys(labels)
      .sort()
      .map((k) => `${k}="${labels[k]}",`)
      .join('');
    const started = cpuMs();
    let renders = 0;
    // Together far past one budget; every render succeeds with the same output.
    while (cpuMs() - started < 3 * RENDER_BUDGET_MS) {
      assert.equal(template.render({ spec: { labels } }), expected);
      renders++;
    }
    assert.ok(renders > 3, `${renders} renders`);
  });

  it('makes the templates rendered within one withinRenderBudget share its budget, nested ones included', () => {
    const template = compileTemplate(ORDINARY, WHERE);
    let renders = 0;
    assert.throws(
      () =>
        withinRenderBudget(() => {
          for (;;) {
            withinRenderBudget(() => template.render({ spec: { labels } }));
            renders++;
          }
        }, 20),
      overBudget(20),
    );
    assert.ok(renders > 0, 'renders within the budget succeeded first');
    // The shared budget is gone with its render: the next render has its own.
    assert.equal(typeof template.render({ spec: { labels } }), 'string');
  });

  it('counts only template evaluation, not the work between the templates of a render', () => {
    const template = compileTemplate('{{ .spec.name | upper }}-{{ range .spec.list }}{{ . }}{{ end }}', WHERE);
    const busy = (ms: number) => {
      const until = cpuMs() + ms;
      while (cpuMs() < until) {}
    };
    const out = withinRenderBudget(() => {
      const rendered: unknown[] = [];
      for (let i = 0; i < 5; i++) {
        rendered.push(template.render({ spec: { name: 'web', list: [1, 2] } }));
        busy(10); // building a child from what the template returned
      }
      return rendered;
    }, 20);
    assert.deepEqual(out, Array(5).fill('WEB-12'));
  });

  it('marks only cost limits as such, not errors in the template or its data', () => {
    assert.throws(
      () => compileTemplate('{{ .spec.image }}', WHERE).render({ spec: {} }),
      (e: unknown) => e instanceof TemplateError && !e.limitExceeded && /missing field .spec.image/.test(e.reason),
    );
  });
});
