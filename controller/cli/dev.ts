// `orkestra dev`: what `make run` does, from the CLI: the local control plane in the background
// (e2e/control-plane, state in --state-dir), the Orkestra CRDs and the examples applied, then
// the controller in the foreground against it.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError } from './terminal.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));

function step(command: string, args: readonly string[]): void {
  const r = spawnSync(command, [...args], { stdio: 'inherit', cwd: repo });
  if (r.error) throw new CliError(`${command} failed to start: ${r.error.message}`);
  if (r.status !== 0) throw new CliError(`${command} ${args.join(' ')} exited with ${r.status}`);
}

export interface DevOptions {
  readonly stateDir: string;
  readonly examples: boolean;
  readonly listen: string;
}

export async function devCommand(options: DevOptions): Promise<void> {
  const stateDir = resolve(options.stateDir);
  const kubeconfig = resolve(stateDir, 'kubeconfig');
  step(process.execPath, [`${repo}e2e/control-plane/cli.ts`, 'up', '--state-dir', stateDir]);
  const kubectl = (...args: string[]) => step('kubectl', ['--kubeconfig', kubeconfig, ...args]);
  kubectl('apply', '--server-side', '-f', `${repo}crds/`);
  kubectl('wait', '--for=condition=Established', '--timeout=60s', '-f', `${repo}crds/`);
  if (options.examples) {
    kubectl('apply', '--server-side', '-R', '-f', `${repo}examples/crds/`);
    kubectl('wait', '--for=condition=Established', '--timeout=60s', '-R', '-f', `${repo}examples/crds/`);
    kubectl('apply', '--server-side', '-f', `${repo}examples/katalogs/`);
    kubectl('apply', '--server-side', '-f', `${repo}examples/resources/`);
  }
  process.stderr.write(
    `\nLocal cluster is up; Orkestra starts below (JSON logs). In another shell:\n  export KUBECONFIG=${kubeconfig}\n  kubectl get katalogs\nStop the controller with Ctrl-C and the cluster with: node ${repo}e2e/control-plane/cli.ts down --state-dir ${stateDir}\n\n`,
  );
  const { run } = await import('./run.ts');
  await run({
    kubeconfig,
    leaderElect: false,
    leaseNamespace: 'default',
    leaseName: 'orkestra-controller',
    leaseDuration: '15s',
    renewDeadline: '10s',
    retryPeriod: '2s',
    shutdownGrace: '10s',
    listen: options.listen,
    logLevel: 'info',
    // As `make run`: webhooks served on a free local port, called by the API server on loopback.
    webhooks: true,
    webhookListen: '127.0.0.1:0',
    webhookNamespace: 'default',
    webhookService: 'orkestra-webhook',
    webhookSecret: 'orkestra-webhook-certs',
  });
}
