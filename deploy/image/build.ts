// Builds Orkestra's controller image as an OCI image layout, with no container engine:
//
//   node deploy/image/build.ts [--out DIR] [--tag TAG] [--json]
//
// Four layers, each a reproducible tar.gz: a distroless-like Debian 12 base (debian-base.ts),
// Node's own binary (the `node` package of node_modules, the Node version ARG NODE_IMAGE of
// deploy/Dockerfile names), the production node_modules (`npm ci --omit=dev`), and the sources
// the Dockerfile copies (its .dockerignore decides which). User, WorkingDir, Env, Entrypoint and
// Cmd are read from the Dockerfile's final stage. The first three layers are cached outside the
// repository keyed by their inputs, so a rebuild after a source change only packs the sources.
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { contextFiles } from './context-files.ts';
import { debianBaseLayer, type RuntimeUser } from './debian-base.ts';
import { type RuntimeStage, readRuntimeStage } from './dockerfile.ts';
import { type Layer, sourceDateEpoch, writeLayer } from './layer.ts';
import { dependenciesLayer, nodeLayer } from './node-layers.ts';
import { type ImageConfig, type WrittenImage, writeLayout } from './oci-layout.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const DOCKERFILE = join(REPO, 'deploy/Dockerfile');
/** The PATH of Debian-based images (node:24-slim and distroless alike). */
const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface BuiltImage extends WrittenImage {
  readonly layout: string;
  readonly tag: string;
  readonly layerInfo: readonly (Omit<Layer, 'file'> & { cached: boolean })[];
  readonly compressedBytes: number;
  readonly uncompressedBytes: number;
  readonly seconds: number;
}

function log(msg: string): void {
  process.stderr.write(`image: ${msg}\n`);
}

function runtimeUser(stage: RuntimeStage): RuntimeUser {
  const m = /^(\d+):(\d+)$/.exec(stage.user);
  if (!m) throw new Error(`deploy/Dockerfile: USER ${stage.user} must be numeric uid:gid (runAsNonRoot checks it)`);
  const uid = Number(m[1]);
  if (uid === 0) throw new Error('deploy/Dockerfile: USER must not be root');
  return { name: 'node', uid, gid: Number(m[2]) };
}

/** The files deploy/Dockerfile copies from the build context, under WorkingDir. */
async function sourcesLayer(stage: RuntimeStage, dir: string): Promise<Layer> {
  const files = await contextFiles(REPO, join(REPO, 'deploy/Dockerfile.dockerignore'));
  const copies = stage.copies.map((c) => c.replace(/\/$/, ''));
  const stray = files.filter((f) => !copies.some((c) => f === c || f.startsWith(`${c}/`)));
  if (stray.length > 0)
    throw new Error(`deploy/Dockerfile.dockerignore lets in files no COPY takes: ${stray.slice(0, 5).join(', ')}`);
  const empty = copies.filter((c) => !files.some((f) => f === c || f.startsWith(`${c}/`)));
  if (empty.length > 0) throw new Error(`deploy/Dockerfile copies ${empty.join(', ')}, which the context leaves out`);
  const root = join(dir, 'root');
  for (const f of files) {
    const to = join(root, stage.workingDir, f);
    await mkdir(dirname(to), { recursive: true });
    await copyFile(join(REPO, f), to);
  }
  const layer = await writeLayer('sources', root, join(dir, 'sources.tar.gz'), { normalizeModes: true });
  await rm(root, { recursive: true, force: true });
  return layer;
}

export async function buildImage(out: string, tagOption?: string): Promise<BuiltImage> {
  const started = Date.now();
  const stage = await readRuntimeStage(DOCKERFILE);
  const pkg = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as {
    version: string;
    description: string;
    license: string;
  };
  const tag = tagOption ?? pkg.version;
  const user = runtimeUser(stage);
  const work = await mkdtemp(join(tmpdir(), 'orkestra-image-'));
  try {
    const base = await debianBaseLayer(user);
    log(`debian base ${base.cached ? 'cached' : 'built'} (${base.digest.slice(7, 19)})`);
    const node = await nodeLayer(REPO, stage);
    log(`node ${node.cached ? 'cached' : 'built'} (${node.digest.slice(7, 19)})`);
    const deps = await dependenciesLayer(REPO, stage.workingDir);
    log(`node_modules ${deps.cached ? 'cached' : 'built'} (${deps.digest.slice(7, 19)})`);
    const sources = { ...(await sourcesLayer(stage, work)), cached: false };
    log(`sources built (${sources.digest.slice(7, 19)})`);
    const layers = [base, node, deps, sources];

    const created = new Date(sourceDateEpoch() * 1000).toISOString();
    const labels = {
      'org.opencontainers.image.title': 'orkestra',
      'org.opencontainers.image.description': pkg.description,
      'org.opencontainers.image.version': pkg.version,
      'org.opencontainers.image.licenses': pkg.license,
    };
    const config: ImageConfig = {
      created,
      architecture: 'amd64',
      os: 'linux',
      config: {
        User: stage.user,
        Env: [DEFAULT_PATH, ...stage.env],
        Entrypoint: stage.entrypoint,
        Cmd: stage.cmd,
        WorkingDir: stage.workingDir,
        ExposedPorts: Object.fromEntries(stage.exposedPorts.map((p) => [p, {}])),
        Labels: labels,
      },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
      history: [
        { created, created_by: 'deploy/image/debian-base.ts', comment: 'Debian 12 packages, distroless-like' },
        { created, created_by: 'deploy/image/build.ts: node', comment: `Node ${stage.nodeImage}` },
        { created, created_by: 'deploy/image/build.ts: npm ci --omit=dev' },
        { created, created_by: 'deploy/image/build.ts: sources (deploy/Dockerfile.dockerignore)' },
      ],
    };
    await rm(out, { recursive: true, force: true });
    const written = await writeLayout(out, tag, config, layers, {
      ...labels,
      'org.opencontainers.image.created': created,
    });
    return {
      ...written,
      layout: out,
      tag,
      layerInfo: layers.map(({ file: _file, ...l }) => l),
      compressedBytes: layers.reduce((n, l) => n + l.size, 0),
      uncompressedBytes: layers.reduce((n, l) => n + l.uncompressedSize, 0),
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

export function describeImage(image: BuiltImage): string {
  const rows = image.layerInfo.map(
    (l) =>
      `  ${l.name.padEnd(13)} ${mib(l.size).padStart(10)} ${mib(l.uncompressedSize).padStart(10)}  ${l.digest}${l.cached ? '  (cached)' : ''}`,
  );
  return [
    `${image.layout}:${image.tag}  manifest ${image.manifest.digest}`,
    `  ${'layer'.padEnd(13)} ${'compressed'.padStart(10)} ${'unpacked'.padStart(10)}`,
    ...rows,
    `  ${'total'.padEnd(13)} ${mib(image.compressedBytes).padStart(10)} ${mib(image.uncompressedBytes).padStart(10)}`,
    `built in ${image.seconds.toFixed(1)} s`,
  ].join('\n');
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: join(REPO, '.orkestra/image') },
      tag: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  try {
    const image = await buildImage(values.out as string, values.tag);
    console.log(values.json ? JSON.stringify(image) : describeImage(image));
  } catch (err) {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
