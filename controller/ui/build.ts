// Bundles the Control Center front-end (app/) into assets/app.js and assets/app.css with esbuild.
// The bundle is committed so `orkestra run` needs no build step; `make ui` rebuilds it and a unit
// test fails when it drifts from the sources.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export const BUNDLE_FILES = { 'app.js': here('./assets/app.js'), 'app.css': here('./assets/app.css') } as const;

/** Builds in memory; returns each asset's name and contents. */
export async function bundle(): Promise<Record<keyof typeof BUNDLE_FILES, string>> {
  const result = await build({
    entryPoints: { app: here('./app/main.tsx'), 'app-style': here('./app/app.css') },
    bundle: true,
    write: false,
    outdir: here('./assets'),
    format: 'esm',
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    minify: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'eof',
    charset: 'utf8',
    logLevel: 'silent',
    tsconfig: here('./app/tsconfig.json'),
  });
  const find = (suffix: string) => {
    const file = result.outputFiles.find((f) => f.path.endsWith(suffix));
    if (!file) throw new Error(`esbuild produced no ${suffix}`);
    return file.text;
  };
  return { 'app.js': find('app.js'), 'app.css': find('app-style.css') };
}

export function committed(name: keyof typeof BUNDLE_FILES): string {
  return readFileSync(BUNDLE_FILES[name], 'utf8');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = await bundle();
  for (const [name, text] of Object.entries(out) as [keyof typeof BUNDLE_FILES, string][]) {
    writeFileSync(BUNDLE_FILES[name], text);
    process.stdout.write(`${BUNDLE_FILES[name]}  ${(text.length / 1024).toFixed(1)} KiB\n`);
  }
}
