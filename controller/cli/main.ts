// The `orkestra` command line.
import { Command, Option } from 'commander';
import { registerRegistryCommands } from './registry-commands.ts';
import { run } from './run.ts';

const program = new Command('orkestra').description('Kubernetes operators declared as data').showHelpAfterError();

program
  .command('run')
  .description('run the controller in the foreground (JSON logs on stderr)')
  .option('--kubeconfig <file>', 'kubeconfig (default: $KUBECONFIG, in-cluster, ~/.kube/config)')
  .option('--leader-elect', 'run only while holding the leader Lease', false)
  .option('--lease-namespace <ns>', 'namespace of the leader Lease', process.env.POD_NAMESPACE ?? 'default')
  .option('--lease-name <name>', 'name of the leader Lease', 'orkestra-controller')
  .option('--identity <id>', 'this replica in the Lease (default: hostname_uuid)')
  .option('--lease-duration <d>', 'leader Lease duration', '15s')
  .option('--renew-deadline <d>', 'how long the leader retries renewing before stepping down', '10s')
  .option('--retry-period <d>', 'time between leader election tries', '2s')
  .option(
    '--shutdown-grace <d>',
    'longest clean shutdown before exiting anyway; its last 2 s (a quarter if shorter) release the Lease and flush Events',
    '10s',
  )
  .option(
    '--listen <host:port>',
    'address of /metrics, /healthz, /readyz and /api (port 0: any free port)',
    '0.0.0.0:8080',
  )
  .addOption(new Option('--log-level <level>', 'log level').choices(['debug', 'info', 'warn', 'error']).default('info'))
  .action(run);

registerRegistryCommands(program);

await program.parseAsync(process.argv);
