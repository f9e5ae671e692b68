import { spawn } from 'node:child_process';

export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The kubeconfig of the control plane the test run was started with (`cli.ts exec` sets it). */
export function testKubeconfig(): string {
  const path = process.env.KUBECONFIG;
  if (!path) throw new Error('KUBECONFIG is not set: run e2e tests through `make test-e2e`');
  return path;
}

/** Runs the machine's kubectl against the test control plane; never throws on a non-zero exit. */
export function kubectl(args: readonly string[], input?: string): Promise<KubectlResult> {
  return runCommand('kubectl', ['--kubeconfig', testKubeconfig(), ...args], input);
}

/** Runs `command` with `input` on stdin and collects its output; never throws on a non-zero exit. */
export function runCommand(command: string, args: readonly string[], input?: string): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** kubectl that must succeed; returns stdout. */
export async function kubectlOk(args: readonly string[], input?: string): Promise<string> {
  const r = await kubectl(args, input);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}
