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
      .option('--source <url>', 'org.opencontainers.image.source'),
  ).action(reportErrors(async (file, reference, flags) => (await import('./push.ts')).push(file, reference, flags)));

  addRegistryFlags(
    program
      .command('pull')
      .description('fetch the Katalog document of an OCI artifact')
      .argument('<reference>', 'oci://HOST[:PORT]/REPOSITORY[:TAG][@DIGEST]')
      .option('-o, --output <file>', 'write the document to this file instead of stdout'),
  ).action(reportErrors(async (reference, flags) => (await import('./pull.ts')).pull(reference, flags)));

  addRegistryFlags(
    program
      .command('inspect')
      .description('show the digest, annotations and boxes of an OCI artifact')
      .argument('<reference>', 'oci://HOST[:PORT]/REPOSITORY[:TAG][@DIGEST]')
      .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text')),
  ).action(reportErrors(async (reference, flags) => (await import('./inspect.ts')).inspect(reference, flags)));
}
