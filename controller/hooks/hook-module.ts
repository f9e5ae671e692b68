// Finding a typed hook's module in --hooks-dir, and its version: the URL carries the file's
// modification time and size, so an edited file is imported anew (without a restart) while an
// unchanged one comes from the worker's module cache. Modules it imports itself are not versioned.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HookError } from './hook-error.ts';

const EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];

/** The versioned URL of module `name` in `hooksDir`. */
export function hookModuleUrl(hooksDir: string | undefined, name: string): string {
  if (!hooksDir) {
    throw new HookError(
      `hook module ${name}: the controller runs without --hooks-dir; start it with --hooks-dir <dir>`,
      false,
      'not_found',
    );
  }
  for (const ext of EXTENSIONS) {
    const file = join(hooksDir, `${name}${ext}`);
    const st = statSync(file, { throwIfNoEntry: false });
    if (st?.isFile()) return `${pathToFileURL(file).href}?v=${st.mtimeMs}-${st.size}`;
  }
  // The file may be on its way (a volume being synced): retry with backoff.
  throw new HookError(
    `hook module ${name} not found in ${hooksDir} (looked for ${EXTENSIONS.map((e) => name + e).join(', ')})`,
    true,
    'not_found',
  );
}
