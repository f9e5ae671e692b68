// The committed bundle must be what the sources build to: run `make ui` after changing app/.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUNDLE_FILES, bundle, committed } from './build.ts';

test('controller/ui/assets matches controller/ui/app (run `make ui` if not)', async () => {
  const built = await bundle();
  for (const name of Object.keys(BUNDLE_FILES) as (keyof typeof BUNDLE_FILES)[]) {
    assert.ok(built[name] === committed(name), `${BUNDLE_FILES[name]} is stale: run \`make ui\` and commit it`);
  }
});
