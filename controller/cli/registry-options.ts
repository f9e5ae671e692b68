// Flags shared by `orkestra push|pull|inspect`: how to reach the registry and who to be there.
// Credentials come from --username/--password, else from the Docker config file.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { createRegistryClient, type RegistryClient } from '../registry/client.ts';
import { credentialsFor, dockerConfigPath, readDockerConfig } from '../registry/docker-config.ts';
import { type OciReference, parseReference } from '../registry/reference.ts';

export interface RegistryFlags {
  readonly plainHttp?: boolean;
  readonly caFile?: string;
  readonly username?: string;
  readonly password?: string;
}

export function addRegistryFlags(command: Command): Command {
  return command
    .option('--plain-http', 'talk HTTP instead of HTTPS to the registry', false)
    .option('--ca-file <file>', 'PEM CA bundle the registry certificate is checked against')
    .option('-u, --username <user>', 'registry user (default: from the Docker config file)')
    .option('-p, --password <password>', 'registry password or token')
    .addHelpText(
      'after',
      `\nCredentials: --username/--password, else ${dockerConfigPath()} ($DOCKER_CONFIG/config.json).`,
    );
}

export async function registryClientFor(
  reference: string,
  flags: RegistryFlags,
): Promise<{ ref: OciReference; client: RegistryClient }> {
  const ref = parseReference(reference);
  if ((flags.username === undefined) !== (flags.password === undefined))
    throw new Error('--username and --password go together');
  const credentials =
    flags.username !== undefined
      ? { username: flags.username, password: flags.password }
      : credentialsFor(await readDockerConfig(), ref.registry);
  const ca = flags.caFile ? await readFile(flags.caFile) : undefined;
  return { ref, client: createRegistryClient({ registry: ref.registry, plainHTTP: flags.plainHttp, ca, credentials }) };
}

/** Runs a verb, turning a failure into kubectl's one-line `error: …` and exit code 1. */
export function reportErrors<A extends unknown[]>(
  action: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (err) {
      process.stderr.write(`error: ${(err as Error).message}\n`);
      process.exitCode = 1;
    }
  };
}
