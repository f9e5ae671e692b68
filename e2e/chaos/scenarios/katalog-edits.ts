// The Katalog edited 50 times in 10 s (a new revision in the ConfigMap template each time):
// the box is swapped 50 times under load, and every child must end on the last revision.
import type { Scenario } from '../scenario.ts';
import { applyKatalog } from '../workload.ts';

const EDITS = 50;
const WINDOW_MS = 10_000;

export const katalogEdits: Scenario = {
  name: 'katalog-edits',
  title: 'Katalog edited 50 times in 10 s',
  runs: 1,
  async inject(env) {
    const started = performance.now();
    for (let i = 1; i <= EDITS; i++) {
      env.revision++;
      await applyKatalog(env.admin, env.revision);
      const next = started + (i * WINDOW_MS) / EDITS;
      // Pacing the edits across the window, not waiting for an outcome.
      if (next > performance.now()) await new Promise((r) => setTimeout(r, next - performance.now()));
    }
    return { backAt: performance.now() };
  },
};
