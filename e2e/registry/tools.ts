// The Go tools the registry tests run, built (or found cached) by e2e/binaries/build-tool.sh.
import { fileURLToPath } from 'node:url';
import { runBuildScript } from '../control-plane/binaries.ts';

const buildTool = fileURLToPath(new URL('../binaries/build-tool.sh', import.meta.url));

/** Path of the CNCF Distribution registry binary. */
export function registryBinary(): Promise<string> {
  return runBuildScript(buildTool, ['registry']);
}

/** Path of the oras CLI, the reference client the interop tests compare against. */
export function orasBinary(): Promise<string> {
  return runBuildScript(buildTool, ['oras']);
}
