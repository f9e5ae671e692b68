// Pushes an image from an OCI layout to a registry with oras, pulls it back into a second layout,
// and checks that the registry handed back the same manifest digest and blobs that hash to
// their digests:
//
//   node deploy/image/publish.ts --layout DIR --ref HOST/REPO:TAG --oras PATH [--plain-http] [--json]
//
// oras is the OCI reference client (built from the Go module proxy by e2e/binaries/build-tool.sh);
// any registry speaking the distribution spec takes the push.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { readLayout } from './oci-layout.ts';

const run = promisify(execFile);

export interface Published {
  readonly ref: string;
  readonly pushedDigest: string;
  readonly pulledDigest: string;
  readonly blobs: number;
  readonly compressedBytes: number;
}

async function oras(bin: string, args: readonly string[]): Promise<string> {
  try {
    return (await run(bin, [...args, '--no-tty'], { maxBuffer: 16 << 20 })).stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`oras ${args.join(' ')}: ${(e.stderr ?? e.message).trim()}`);
  }
}

export async function publish(layout: string, ref: string, orasBin: string, plainHttp: boolean): Promise<Published> {
  const tag = ref.slice(ref.lastIndexOf(':') + 1);
  if (tag.includes('/') || tag === ref) throw new Error(`${ref}: give the reference a tag (host/repo:tag)`);
  const local = await readLayout(layout, tag);
  await oras(orasBin, ['cp', '--from-oci-layout', `${layout}:${tag}`, ref, ...(plainHttp ? ['--to-plain-http'] : [])]);
  const back = await mkdtemp(join(tmpdir(), 'orkestra-image-pulled-'));
  try {
    await oras(orasBin, ['cp', ref, '--to-oci-layout', `${back}:${tag}`, ...(plainHttp ? ['--from-plain-http'] : [])]);
    const pulled = await readLayout(back, tag);
    if (pulled.manifestDescriptor.digest !== local.manifestDescriptor.digest)
      throw new Error(
        `${ref} came back as ${pulled.manifestDescriptor.digest}, pushed ${local.manifestDescriptor.digest}`,
      );
    return {
      ref,
      pushedDigest: local.manifestDescriptor.digest,
      pulledDigest: pulled.manifestDescriptor.digest,
      blobs: 2 + pulled.manifest.layers.length,
      compressedBytes: pulled.manifest.layers.reduce((n, l) => n + l.size, 0),
    };
  } finally {
    await rm(back, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      layout: { type: 'string' },
      ref: { type: 'string' },
      oras: { type: 'string' },
      'plain-http': { type: 'boolean' },
      json: { type: 'boolean' },
    },
  });
  if (!values.layout || !values.ref || !values.oras) {
    console.error('error: usage: publish.ts --layout DIR --ref HOST/REPO:TAG --oras PATH [--plain-http] [--json]');
    process.exit(2);
  }
  try {
    const p = await publish(values.layout, values.ref, values.oras, values['plain-http'] ?? false);
    console.log(
      values.json
        ? JSON.stringify(p)
        : `pushed ${p.ref}@${p.pushedDigest}; pulled back the same digest, ${p.blobs} blobs verified (${(p.compressedBytes / 1024 / 1024).toFixed(1)} MiB of layers)`,
    );
  } catch (err) {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
