// The GitOps tools the e2e checks Orkestra against, built from the Go module proxy by
// e2e/binaries/build-gitops.sh (cached like the control plane binaries): helm, the kstatus
// checker (the status Flux computes) and the Argo CD Lua health runner (gopher-lua).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { runCommand } from './kubectl.ts';

const BUILD = fileURLToPath(new URL('../binaries/build-gitops.sh', import.meta.url));

let dir: Promise<string> | undefined;

/**
 * The directory holding helm, kstatus and lua-health; builds them on first use (minutes when
 * cold). ORKESTRA_GITOPS_TOOLS names a directory of prebuilt ones instead.
 */
export function gitopsToolsDir(): Promise<string> {
  const prebuilt = process.env.ORKESTRA_GITOPS_TOOLS;
  if (prebuilt) return Promise.resolve(prebuilt);
  dir ??= promisify(execFile)('bash', [BUILD], { maxBuffer: 1 << 20 }).then((r) => r.stdout.trim());
  return dir;
}

/** Runs a tool with `input` on stdin; rejects with its stderr on a non-zero exit. */
export async function runTool(tool: string, args: readonly string[], input = ''): Promise<string> {
  const r = await runCommand(`${await gitopsToolsDir()}/${tool}`, args, input);
  if (r.code !== 0) throw new Error(`${tool} ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}

export interface ToolVerdict {
  readonly status: string;
  readonly message: string;
}

/** The status Flux's health checks compute (kstatus: InProgress, Current, Failed, ...). */
export async function kstatus(object: unknown): Promise<ToolVerdict> {
  return JSON.parse(await runTool('kstatus', [], JSON.stringify(object))) as ToolVerdict;
}

/** Argo CD's health for `object` by the Lua script at `scriptPath` (Healthy, Progressing, Degraded). */
export async function argoHealth(scriptPath: string, object: unknown): Promise<ToolVerdict> {
  return JSON.parse(await runTool('lua-health', [scriptPath], JSON.stringify(object))) as ToolVerdict;
}
