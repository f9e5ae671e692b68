// Builds the controller's shipped form: controller/cli/main.ts (through bundle-main.ts) and everything it imports, minified
// into dist/orkestra/ (main.js plus chunks that the CLI's lazy imports load on demand), with
// source maps. `bin/orkestra` and the image run it when it exists.
//
// Why: Node keeps every loaded module's source text on the V8 heap. Run as .ts, that is the
// type-stripped sources of the controller and the unminified text of each dependency, and the
// type stripper's own memory; the minified bundle holds a fraction of it (docs/memory.md).
// The .ts files stay runnable as they are, for development and the tests.
//
//   node controller/cli/bundle.ts        (`make bundle`, also part of `make deps`)
import { readFile, rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const root = fileURLToPath(new URL('../../', import.meta.url));
export const BUNDLE_DIR = resolve(root, 'dist/orkestra');
export const BUNDLE_MAIN = resolve(BUNDLE_DIR, 'main.js');
/** The one module that keeps the chunk's URL: it finds the bundle's source maps beside itself. */
const ENTRY = resolve(root, 'controller/cli/bundle-main.ts');

/**
 * Each of the project's modules keeps its own `import.meta.url`, the URL of its source file,
 * found relative to the chunk it lands in: modules locate files beside them (the Control
 * Center's assets, the credential helper, package.json), and a bundle would otherwise give them
 * all the chunk's own URL.
 */
const sourceUrls: Plugin = {
  name: 'source-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (args.path === ENTRY || args.path.includes('/node_modules/') || !text.includes('import.meta.url'))
        return undefined;
      const fromChunk = relative(BUNDLE_DIR, args.path);
      return {
        contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromChunk)}, import.meta.url).href`),
        loader: 'ts',
      };
    });
  },
};

/**
 * Node's built-in modules are taken as CommonJS, through process.getBuiltinModule: an ES import
 * of a built-in reads every export to build its namespace, and node:http's lazy `WebSocket`
 * export then loads undici (+2.3 MiB heap, +13 MiB RSS, for a client the controller never uses).
 */
const builtinsAsCommonJs: Plugin = {
  name: 'builtins-as-commonjs',
  setup(b) {
    const builtins = new Set(builtinModules);
    b.onResolve({ filter: /^[a-z_:/]+$/ }, (args) => {
      const name = args.path.replace(/^node:/, '');
      if (args.kind !== 'import-statement' || !builtins.has(name)) return undefined;
      return { path: `node:${name}`, namespace: 'builtin' };
    });
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({
      contents: `module.exports = process.getBuiltinModule(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/** Writes the bundle; returns the output files' names and sizes. */
export async function buildBundle(): Promise<{ file: string; bytes: number }[]> {
  await rm(BUNDLE_DIR, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { main: ENTRY },
    bundle: true,
    splitting: true,
    outdir: BUNDLE_DIR,
    chunkNames: '[name]-[hash]',
    format: 'esm',
    platform: 'node',
    target: 'node24',
    minify: true,
    // Class and function names stay as written: they appear in logs, errors and metrics.
    keepNames: true,
    // Read by source-mapped-stacks.ts when a stack trace is formatted; the sources stay in the
    // repository (and the image), so the maps do not repeat them.
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
    // client-node is loaded only by the short-lived credential helper and the CLI's cluster
    // commands (controller/kube/kubeconfig.ts), through require() at run time.
    external: ['@kubernetes/client-node'],
    // The bundled CommonJS dependencies require Node's built-in modules.
    banner: {
      js: "import { createRequire as __orkestraCreateRequire } from 'node:module'; const require = __orkestraCreateRequire(import.meta.url);",
    },
    plugins: [sourceUrls, builtinsAsCommonJs],
  });
  return Object.entries(result.metafile.outputs).map(([file, o]) => ({ file: relative(root, file), bytes: o.bytes }));
}

if (import.meta.main) {
  const files = await buildBundle();
  const js = files.filter((f) => f.file.endsWith('.js'));
  const total = js.reduce((s, f) => s + f.bytes, 0);
  process.stdout.write(`${BUNDLE_MAIN}: ${js.length} files, ${(total / 1024).toFixed(0)} KiB of JavaScript\n`);
}
