// `orkestra pull REF [-o FILE]`: the Katalog document of an artifact, to stdout or a file.
import { writeFile } from 'node:fs/promises';
import { pullArtifact } from '../registry/artifact.ts';
import { manifestReference } from '../registry/reference.ts';
import { type RegistryFlags, registryClientFor } from './registry-options.ts';

export async function pull(reference: string, flags: RegistryFlags & { output?: string }): Promise<void> {
  const { ref, client } = await registryClientFor(reference, flags);
  const artifact = await pullArtifact(client, ref.repository, manifestReference(ref));
  if (flags.output) {
    await writeFile(flags.output, artifact.content);
    process.stderr.write(`pulled ${artifact.digest} to ${flags.output}\n`);
  } else process.stdout.write(artifact.content);
}
