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
  const dir = preset ?? (await runBuild());
  return {
    dir,
    etcd: `${dir}/etcd`,
    kubeApiserver: `${dir}/kube-apiserver`,
    kubeControllerManager: `${dir}/kube-controller-manager`,
  };
}

function runBuild(): Promise<string> {
  return new Promise((resolve, reject) => {
    // The cold build takes tens of minutes; its progress goes to our stderr, the path to stdout.
    const child = execFile('bash', [buildScript], { maxBuffer: 1 << 20 }, (err, stdout) => {
      if (err) {
        reject(new Error(`building control-plane binaries failed: ${err.message}`));
        return;
      }
      const dir = stdout.trim().split('\n').at(-1);
      if (!dir) reject(new Error('build.sh printed no binary directory'));
      else resolve(dir);
    });
    child.stderr?.pipe(process.stderr);
  });
}
