// The `orkestra` command line (also `kubectl orkestra`). Data goes to stdout, errors to stderr as
// one `error: …` line; exit 0 clean, 1 findings or changes, 2 usage errors.
import { enableCompileCache } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { registerRegistryCommands } from './registry-commands.ts';
import { CliError, EXIT_USAGE, fail } from './terminal.ts';

const collect = (value: string, previous: string[]) => [...previous, value];

export function buildProgram(name = 'orkestra'): Command {
  const program = new Command(name)
    .description('Kubernetes operators declared as data')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .exitOverride();

  program
    .command('run')
    .description('run the controller in the foreground (JSON logs on stderr)')
    .option('--kubeconfig <file>', 'kubeconfig (default: $KUBECONFIG, in-cluster, ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context (default: the current one)')
    .option('--leader-elect', 'run only while holding the leader Lease', false)
    .option('--lease-namespace <ns>', 'namespace of the leader Lease', process.env.POD_NAMESPACE ?? 'default')
    .option('--lease-name <name>', 'name of the leader Lease', 'orkestra-controller')
    .option('--identity <id>', 'this replica in the Lease (default: hostname_uuid)')
    .option('--lease-duration <d>', 'leader Lease duration', '15s')
    .option('--renew-deadline <d>', 'how long the leader retries renewing before stepping down', '10s')
    .option('--retry-period <d>', 'time between leader election tries', '2s')
    .option(
      '--shard',
      'share the boxes among replicas: each runs the boxes whose Lease it holds (implies leader election for cluster-wide duties)',
      false,
    )
    .option(
      '--shard-max-moves <n>',
      'boxes handed to a new replica per retry period at most',
      (v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer.');
        return n;
      },
      2,
    )
    .option(
      '--shutdown-grace <d>',
      'longest clean shutdown before exiting anyway; its last 2 s (a quarter if shorter) release the Lease and flush Events',
      '10s',
    )
    .option(
      '--listen <host:port>',
      'address of /metrics, /healthz, /readyz, /api and the Control Center (port 0: any free port)',
      '127.0.0.1:8080',
    )
    .addOption(
      new Option('--ui <bool>', 'serve the Control Center web view on --listen (true or false)')
        .default(true)
        .argParser((v) => {
          if (v !== 'true' && v !== 'false') throw new InvalidArgumentError('expected true or false.');
          return v === 'true';
        }),
    )
    .option('--ui-token-file <file>', 'bearer token the Control Center requires (needed when --listen is not loopback)')
    .option('--hooks-dir <dir>', 'directory of typed hook modules (<module>.ts), reloaded when a file changes')
    .option('--no-webhooks', 'serve and register no admission or conversion webhooks')
    .option(
      '--webhook-listen <host:port>',
      'address of the HTTPS webhook server (port 0: any free port)',
      '0.0.0.0:9443',
    )
    .option(
      '--webhook-url-base <url>',
      'https://host[:port] the API server calls the webhooks at (default: the orkestra-webhook Service in cluster, https://127.0.0.1:PORT outside)',
    )
    .option(
      '--webhook-cert-dir <dir>',
      'serve tls.crt/tls.key (and inject ca.crt) from this directory, e.g. a cert-manager Secret volume',
    )
    .option(
      '--webhook-namespace <ns>',
      'namespace of the webhook certificate Secret and Service',
      process.env.POD_NAMESPACE ?? 'default',
    )
    .option('--webhook-service <name>', 'Service the API server calls in cluster (port 443)', 'orkestra-webhook')
    .option(
      '--webhook-secret <name>',
      'Secret holding the self-managed webhook CA and certificate',
      'orkestra-webhook-certs',
    )
    .addOption(
      new Option('--log-level <level>', 'log level').choices(['debug', 'info', 'warn', 'error']).default('info'),
    )
    .addHelpText('after', `\nExample:\n  ${name} run --kubeconfig ~/.kube/config --leader-elect`)
    .action(async (options) => {
      // The credential helper (a child process that loads client-node) runs while the
      // controller's own modules load; run() reports its failure.
      const cluster = (await import('./cluster.ts')).clusterAccessFor(options);
      cluster.catch(() => {});
      return (await import('./run.ts')).run(options, cluster);
    });

  program
    .command('validate')
    .description('check Katalogs, Komposers and custom resources offline, with field paths and line:column')
    .argument('<paths...>', 'YAML or JSON files, directories (searched recursively) or - for stdin')
    .option('--crd <file|dir>', 'CustomResourceDefinitions for the custom resources (repeatable)', collect, [])
    .option(
      '--katalog <file|dir>',
      'Katalogs whose admission rules custom resources must pass (repeatable)',
      collect,
      [],
    )
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json', 'github']).default('text'))
    .addHelpText(
      'after',
      `\nExit status: 0 valid, 1 findings, 2 usage error.\n\nExamples:\n  ${name} validate examples/katalogs/\n  ${name} validate --crd examples/crds --katalog examples/katalogs examples/resources/team-a.yaml\n  cat katalog.yaml | ${name} validate -o github -`,
    )
    .action(async (paths, options) => (await import('./validate.ts')).validateCommand(paths, options));

  program
    .command('rbac')
    .description('print the least-privilege RBAC the controller needs for exactly these Katalogs and Komposers')
    .argument('<paths...>', 'Katalog and Komposer files or directories (a Komposer needs its imported Katalogs too)')
    .option(
      '--crd <file|dir>',
      'CRDs of custom child kinds, for their resource names and scope (repeatable)',
      collect,
      [],
    )
    .option('--name <name>', 'name of the roles and bindings', 'orkestra')
    .option(
      '--service-account <namespace/name>',
      'the ServiceAccount the controller runs as',
      'orkestra-system/orkestra',
    )
    .option('--lease-namespace <ns>', 'namespace of the leader Lease (the Role for it goes there)', 'orkestra-system')
    .option('--no-leader-election', 'leave out the leader-election Role')
    .addOption(
      new Option('-o, --output <format>', 'output format: objects as YAML or JSON, or values for the Helm chart')
        .choices(['yaml', 'json', 'helm-values'])
        .default('yaml'),
    )
    .addHelpText(
      'after',
      `\nExamples:\n  ${name} rbac examples/katalogs/web-platform.yaml --crd examples/crds | kubectl apply -f -\n  ${name} rbac -o helm-values examples/katalogs/ > rbac-values.yaml && helm install orkestra deploy/helm/orkestra -f rbac-values.yaml`,
    )
    .action(async (paths, options) => (await import('./rbac.ts')).rbacCommand(paths, options));

  program
    .command('convert')
    .description('convert an Orkestra file-format Katalog (orkestra.orkspace.io/v1) into a Katalog resource')
    .argument('<file>', 'the file-format Katalog (- for stdin)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .addHelpText(
      'after',
      `\nFields the Katalog CRD cannot hold are reported on stderr (exit 1), never dropped silently.\n\nExample:\n  ${name} convert platform/katalog.yaml > katalog.yaml && kubectl apply --server-side -f katalog.yaml`,
    )
    .action(async (file, options) => (await import('./convert.ts')).convertCommand(file, options));

  program
    .command('types')
    .description('write TypeScript types for custom resources (spec, status) from their CRD schema')
    .argument('<paths...>', 'CRD files or directories; or Katalogs, to generate only the kinds their boxes operate')
    .requiredOption('-o, --output <dir>', 'directory to write one module per kind (and version) into')
    .option('--crd <file|dir>', "the CRDs of the Katalogs' kinds (repeatable)", collect, [])
    .addHelpText(
      'after',
      `\nExamples:\n  ${name} types examples/crds/websites.demo.orkestra.io.yaml -o src/types\n  ${name} types examples/katalogs/web-platform.yaml --crd examples/crds -o hooks/types`,
    )
    .action(async (paths, options) => (await import('./types.ts')).typesCommand(paths, options));

  program
    .command('render')
    .description('print the children Orkestra would apply for custom resources, in apply order (offline)')
    .argument('<katalog>', 'the Katalog file')
    .argument('<resources...>', 'custom resource files or directories (- for stdin)')
    .option('--box <name>', 'the box to render with (default: the one operating the resource kind)')
    .option('--status', 'also print the status fields the box would write', false)
    .option(
      '--children-from <file|dir>',
      'children as observed in the cluster, for templates and status that read .children',
    )
    .option('--crd <file|dir>', 'CRDs of custom child kinds, for their scope (repeatable)', collect, [])
    .option('-n, --namespace <ns>', 'namespace of resources that name none', undefined)
    .addOption(new Option('-o, --output <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .addHelpText(
      'after',
      `\nExamples:\n  ${name} render examples/katalogs/web-platform.yaml examples/resources/team-a.yaml --status\n  ${name} render examples/katalogs/web-platform.yaml site.yaml | kubectl apply --server-side --dry-run=server -f -`,
    )
    .action(async (katalog, resources, options) =>
      (await import('./render.ts')).renderCommand(katalog, resources, options),
    );

  program
    .command('diff')
    .description('show what Orkestra would change in the cluster for a Katalog (server-side apply dry-run)')
    .argument('<katalog>', 'the Katalog file (edited or not)')
    .argument('[resources...]', 'custom resource files (default: every resource of its boxes in the namespace)')
    .option('--kubeconfig <file>', 'kubeconfig (default: $KUBECONFIG, ~/.kube/config, in-cluster)')
    .option('--context <name>', 'kubeconfig context (default: the current one)')
    .option('-n, --namespace <ns>', "namespace (default: the context's, else default)")
    .option('-A, --all-namespaces', 'every namespace', false)
    .addHelpText(
      'after',
      `\nExit status: 0 no changes, 1 changes, 2 usage error (the kubectl diff convention).\n\nExamples:\n  ${name} diff examples/katalogs/web-platform.yaml -n team-a\n  ${name} diff --context prod -A katalog.yaml`,
    )
    .action(async (katalog, resources, options) =>
      (await import('./diff.ts')).diffCommand(katalog, resources, { crd: [], ...options }),
    );

  program
    .command('dev')
    .description('start a local control plane, apply the CRDs and examples, and run the controller (make run)')
    .option('--state-dir <dir>', 'where the local cluster keeps its state and kubeconfig', '.orkestra')
    .option('--no-examples', 'apply only the Orkestra CRDs, not examples/')
    .option('--listen <host:port>', 'address of /metrics, /healthz, /readyz and /api', '127.0.0.1:8080')
    .addHelpText('after', `\nExample:\n  ${name} dev --state-dir /tmp/orkestra-dev`)
    .action(async (options) => (await import('./dev.ts')).devCommand(options));

  program
    .command('completion')
    .description('print a shell completion script')
    .argument('<shell>', 'bash or zsh')
    .addHelpText(
      'after',
      `\nExamples:\n  source <(${name} completion bash)\n  ${name} completion zsh > "\${fpath[1]}/_orkestra"`,
    )
    .action(async (shell) => {
      process.stdout.write((await import('./completion.ts')).completionScript(program, shell));
    });

  registerRegistryCommands(program);
  return program;
}

export async function main(argv: readonly string[], name?: string): Promise<void> {
  try {
    await buildProgram(name).parseAsync([...argv]);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are successful exits; every other parse problem is a usage error.
      process.exit(err.exitCode === 0 ? 0 : EXIT_USAGE);
    }
    fail(err instanceof CliError ? err : err);
  }
}

if (import.meta.main) {
  // Compiling the controller's modules was about half of the CPU a start takes (1.4 of 2.3 s
  // with the credential helper; 7-15 s of wall time on a loaded machine, all of it downtime after
  // a crash). V8's code cache on disk halves it from the second start on. Each command loads its
  // modules after this, and the credential helper, a child process, inherits the directory. A
  // directory that cannot be written only means no cache.
  const dir = process.env.NODE_COMPILE_CACHE || join(tmpdir(), 'node-compile-cache');
  enableCompileCache(dir);
  process.env.NODE_COMPILE_CACHE = dir;
  await main(process.argv, process.env.ORKESTRA_COMMAND_NAME);
}
