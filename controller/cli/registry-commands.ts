// Registers `orkestra push|pull|inspect` on the program.
import { type Command, Option } from 'commander';
import { addRegistryFlags, reportErrors } from './registry-options.ts';

export function registerRegistryCommands(program: Command): void {
  addRegistryFlags(
    program
      .command('push')
      .description('validate a Katalog file and push it as an OCI artifact; prints the manifest digest')
      .argument('<file>', 'Katalog (or Komposer) YAML file')
      .argument('<reference>', 'oci://HOST[:PORT]/REPOSITORY:TAG')
      .option('--version <version>', 'org.opencontainers.image.version (default: the tag)')
      .option('--source <url>', 'org.opencontainers.image.source')
      .addHelpText(
        'after',
        '\nExamples:\n  orkestra push examples/oci/cache-platform.yaml oci://localhost:5000/katalogs/cache-platform:1.0.0 --plain-http\n  orkestra push katalog.yaml oci://registry.example.com/platform/web:2.1.0 --source https://git.example.com/platform',
      ),
  ).action(reportErrors(async (file, reference, flags) => (await import('./push.ts')).push(file, reference, flags)));

  addRegistryFlags(
    program
      .command('pull')
      .description('fetch the Katalog document of an OCI artifact')
      .argument('<reference>', 'oci://HOST[:PORT]/REPOSITORY[:TAG][@DIGEST]')
      .option('-o, --output <file>', 'write the document to this file instead of stdout')
      .addHelpText(
        'after',
        '\nExamples:\n  orkestra pull oci://localhost:5000/katalogs/cache-platform:1.0.0 --plain-http -o katalog.yaml\n  orkestra pull oci://registry.example.com/platform/web@sha256:… | kubectl apply --server-side -f -',
      ),
  ).action(reportErrors(async (reference, flags) => (await import('./pull.ts')).pull(reference, flags)));

  addRegistryFlags(
    program
      .command('inspect')
      .description('show the digest, annotations and boxes of an OCI artifact')
      .argument('<reference>', 'oci://HOST[:PORT]/REPOSITORY[:TAG][@DIGEST]')
      .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
      .addHelpText(
        'after',
        '\nExamples:\n  orkestra inspect oci://localhost:5000/katalogs/cache-platform:1.0.0 --plain-http\n  orkestra inspect -o json oci://registry.example.com/platform/web:2.1.0',
      ),
  ).action(reportErrors(async (reference, flags) => (await import('./inspect.ts')).inspect(reference, flags)));
}
