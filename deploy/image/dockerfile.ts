// What deploy/Dockerfile says about the runtime image, read from its final stage: the script that
// writes the OCI layout takes User, WorkingDir, Env, Entrypoint, Cmd, ExposedPorts and the
// copied paths from here, so the two ways of building the image cannot drift apart.
import { readFile } from 'node:fs/promises';

export interface RuntimeStage {
  readonly user: string;
  readonly workingDir: string;
  /** `KEY=value`, in the order the Dockerfile sets them. */
  readonly env: readonly string[];
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  /** `8080/tcp`. */
  readonly exposedPorts: readonly string[];
  /** Build-context paths the stage copies (not those copied from other stages). */
  readonly copies: readonly string[];
  /** The default of `ARG NODE_IMAGE` (`node:24.21.0-slim`). */
  readonly nodeImage: string;
}

/** Instructions with their continuation lines joined and comments dropped. */
function instructions(text: string): { op: string; args: string }[] {
  const out: { op: string; args: string }[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && pending === '')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const full = (pending + line).trim();
    pending = '';
    if (full === '') continue;
    const m = /^(\S+)\s*(.*)$/.exec(full);
    if (m?.[1]) out.push({ op: m[1].toUpperCase(), args: m[2] ?? '' });
  }
  return out;
}

function execForm(op: string, args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string'))
    throw new Error(`${op} must use the exec form ["a", "b"], not ${args}`);
  return parsed;
}

export function parseRuntimeStage(text: string): RuntimeStage {
  const all = instructions(text);
  const nodeImage = all
    .map((i) => (i.op === 'ARG' ? /^NODE_IMAGE=(\S+)$/.exec(i.args)?.[1] : undefined))
    .find((v) => v !== undefined);
  const lastFrom = all.map((i) => i.op).lastIndexOf('FROM');
  const stage = all.slice(lastFrom + 1);
  const env: string[] = [];
  const copies: string[] = [];
  const exposedPorts: string[] = [];
  let user: string | undefined;
  let workingDir: string | undefined;
  let entrypoint: string[] | undefined;
  let cmd: string[] = [];
  for (const { op, args } of stage) {
    if (op === 'USER') user = args;
    else if (op === 'WORKDIR') workingDir = args;
    else if (op === 'ENV') {
      for (const m of args.matchAll(/(\w+)=(\S+)/g)) env.push(`${m[1]}=${m[2]}`);
    } else if (op === 'ENTRYPOINT') entrypoint = execForm(op, args);
    else if (op === 'CMD') cmd = execForm(op, args);
    else if (op === 'EXPOSE') exposedPorts.push(...args.split(/\s+/).map((p) => (p.includes('/') ? p : `${p}/tcp`)));
    else if (op === 'COPY') {
      const words = args.split(/\s+/);
      if (words.some((w) => w.startsWith('--from='))) continue;
      copies.push(...words.filter((w) => !w.startsWith('--')).slice(0, -1));
    }
  }
  if (!user || !workingDir || !entrypoint || !nodeImage)
    throw new Error(
      'deploy/Dockerfile: the final stage needs USER, WORKDIR and ENTRYPOINT, and ARG NODE_IMAGE a default',
    );
  return { user, workingDir, env, entrypoint, cmd, exposedPorts, copies, nodeImage };
}

export async function readRuntimeStage(file: string): Promise<RuntimeStage> {
  return parseRuntimeStage(await readFile(file, 'utf8'));
}
