import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const here = fileURLToPath(new URL('./source-mapped-stacks.ts', import.meta.url));
const dir = await mkdtemp(join(tmpdir(), 'orkestra-stacks-'));
after(() => rm(dir, { recursive: true, force: true }));

// A minified, source-mapped bundle of a module that throws on line 4, built the way bundle.ts
// builds the controller; its entry installs the formatter the way bundle-main.ts does.
const thrower = join(dir, 'thrower.ts');
await writeFile(
  thrower,
  `export function reconcileWebsite(name: string): never {\n  const why: string = 'no image';\n  // line 3\n  throw new Error(\`\${name}: \${why}\`);\n}\n`,
);
const entry = join(dir, 'entry.ts');
await writeFile(
  entry,
  `import { installSourceMappedStacks } from ${JSON.stringify(here)};\n` +
    `installSourceMappedStacks(new URL('./', import.meta.url).href);\n` +
    `const { reconcileWebsite } = await import(${JSON.stringify(thrower)});\n` +
    `try { reconcileWebsite('web-1'); } catch (e) { console.log((e as Error).stack); }\n`,
);
await build({
  entryPoints: { main: entry },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  minify: true,
  sourcemap: 'linked',
  sourcesContent: false,
  outdir: join(dir, 'out'),
  logLevel: 'silent',
});

test('a stack trace from the bundle names the .ts file, line and column of the throw', () => {
  const run = spawnSync(process.execPath, [join(dir, 'out/main.js')], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stdout.trim().split('\n');
  assert.equal(lines[0], 'Error: web-1: no image');
  assert.match(lines[1] ?? '', new RegExp(`at .*${pathToFileURL(thrower).href}:4:9\\)?$`), run.stdout);
  assert.ok(!run.stdout.includes('/out/'), `a frame still names the bundle:\n${run.stdout}`);
});

test('without the maps beside the chunks a frame keeps the bundle position', async () => {
  for (const f of await readdir(join(dir, 'out'))) if (f.endsWith('.map')) await rm(join(dir, 'out', f));
  const run = spawnSync(process.execPath, [join(dir, 'out/main.js')], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.split('\n')[0], 'Error: web-1: no image');
  assert.match(run.stdout.split('\n')[1] ?? '', /\/out\/[^/]+\.js:\d+:\d+\)?$/, run.stdout);
});
