// `orkestra push FILE oci://HOST/REPO:TAG`: validates the Katalog, pushes it as an Orkestra
// artifact and prints the manifest digest.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { pushArtifact } from '../registry/artifact.ts';
import { formatReference } from '../registry/reference.ts';
import { pushProblems } from './push-validation.ts';
import { type RegistryFlags, registryClientFor } from './registry-options.ts';

export interface PushFlags extends RegistryFlags {
  readonly version?: string;
  readonly source?: string;
}

export async function push(file: string, reference: string, flags: PushFlags): Promise<void> {
  const content = await readFile(file);
  const docs = parseAllDocuments(content.toString('utf8'));
  if (!Array.isArray(docs) || docs.length !== 1)
    throw new Error(`${file}: expected exactly one YAML document (a Katalog or a Komposer)`);
  const doc = docs[0];
  if (!doc || doc.errors.length > 0) throw new Error(`${file}: ${doc?.errors[0]?.message ?? 'not YAML'}`);
  const problems = pushProblems(doc.toJS());
  if (problems.length > 0) throw new Error(`${file} is not a valid Katalog, nothing pushed: ${problems.join('; ')}`);
  const { ref, client } = await registryClientFor(reference, flags);
  if (ref.digest) throw new Error(`push needs a tag, not a digest: ${reference}`);
  const tag = ref.tag ?? 'latest';
  const pushed = await pushArtifact(client, ref.repository, tag, {
    content,
    fileName: basename(file),
    version: flags.version,
    source: flags.source,
  });
  process.stderr.write(`pushed ${formatReference({ ...ref, tag, digest: undefined })}\n`);
  process.stdout.write(`${pushed.digest}\n`);
}
