import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Paths of the control-plane binaries built (or found in the cache) by `e2e/binaries/build.sh`. */
export interface ControlPlaneBinaries {
  readonly dir: string;
  readonly etcd: string;
  readonly kubeApiserver: string;
  readonly kubeControllerManager: string;
}

const buildScript = fileURLToPath(new URL('../binaries/build.sh', import.meta.url));

/**
 * Returns the cached binaries, building them first when the cache is cold. `ORKESTRA_BIN_DIR`
 * points at a directory holding prebuilt binaries and skips the build entirely.
 */
export async function ensureBinaries(): Promise<ControlPlaneBinaries> {
  const preset = process.env.ORKESTRA_BIN_DIR;
  const dir = preset ?? (await runBuildScript(buildScript));
  return {
    dir,
    etcd: `${dir}/etcd`,
    kubeApiserver: `${dir}/kube-apiserver`,
    kubeControllerManager: `${dir}/kube-controller-manager`,
  };
}

/** Runs a build script of e2e/binaries/ and resolves to the path it prints last (a directory or a binary). */
export function runBuildScript(script: string, args: readonly string[] = []): Promise<string> {
  return new Promise((resolve, reject) => {
    // A cold build takes minutes; its progress goes to our stderr, the path to stdout.
    const child = execFile('bash', [script, ...args], { maxBuffer: 1 << 20 }, (err, stdout) => {
      if (err) {
        reject(new Error(`${[script, ...args].join(' ')} failed: ${err.message}`));
        return;
      }
      const path = stdout.trim().split('\n').at(-1);
      if (!path) reject(new Error(`${script} printed no path`));
      else resolve(path);
    });
    child.stderr?.pipe(process.stderr);
  });
}
