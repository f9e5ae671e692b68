// Runs the installed `orkestra` entry point (bin/orkestra) as a user would.
import { fileURLToPath } from 'node:url';
import { type KubectlResult, runCommand } from './kubectl.ts';

export const ORKESTRA_BIN = fileURLToPath(new URL('../../bin/orkestra', import.meta.url));

export function orkestra(
  args: readonly string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; bin?: string } = {},
): Promise<KubectlResult> {
  return runCommand(options.bin ?? ORKESTRA_BIN, args, options.input, options.env);
}

/** orkestra that must exit 0; returns stdout. */
export async function orkestraOk(args: readonly string[], input?: string): Promise<string> {
  const r = await orkestra(args, { input });
  if (r.code !== 0) throw new Error(`orkestra ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}
