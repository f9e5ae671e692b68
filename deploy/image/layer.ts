// One image layer: a directory turned into a reproducible tar.gz with GNU tar (names sorted, every
// mtime SOURCE_DATE_EPOCH, every entry owned by 0:0, no atime/ctime or PID in pax headers) and
// Node's zlib, so the same inputs always give the same digest. Layers whose inputs are known up
// front (the Debian base, the Node binary, the production node_modules) are cached outside the
// repository, keyed by those inputs, beside the project's other build caches.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

export const LAYER_MEDIA_TYPE = 'application/vnd.oci.image.layer.v1.tar+gzip';

export interface Layer {
  /** What the layer holds, for the image history. */
  readonly name: string;
  /** sha256 of the tar.gz: the blob's digest. */
  readonly digest: string;
  /** sha256 of the uncompressed tar: the config's rootfs.diff_ids entry. */
  readonly diffId: string;
  readonly size: number;
  readonly uncompressedSize: number;
  /** Where the tar.gz is. */
  readonly file: string;
}

/** Seconds since the epoch stamped on every file and on the image: SOURCE_DATE_EPOCH, else 0. */
export function sourceDateEpoch(): number {
  const raw = process.env.SOURCE_DATE_EPOCH;
  if (raw === undefined || raw === '') return 0;
  if (!/^\d+$/.test(raw)) throw new Error(`SOURCE_DATE_EPOCH must be a number of seconds, not ${raw}`);
  return Number(raw);
}

/** Where cached layers live: the cache root of e2e/binaries/cache.sh, under image/. */
export function imageCacheDir(): string {
  const root =
    process.env.ORKESTRA_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'orkestra');
  return join(root, 'image');
}

export interface LayerOptions {
  /**
   * Drop group/other write and make everything world-readable (directories searchable): for
   * files copied from a checkout, whose modes follow the umask. The Debian base keeps the modes
   * its packages set (/tmp is 1777).
   */
  readonly normalizeModes: boolean;
}

function sha256Tap(hash: ReturnType<typeof createHash>, count: { bytes: number }): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      count.bytes += chunk.length;
      done(null, chunk);
    },
  });
}

/** Writes `root`'s contents as a reproducible tar.gz at `file`. */
export async function writeLayer(name: string, root: string, file: string, options: LayerOptions): Promise<Layer> {
  const entries = (await readdir(root)).sort();
  const args = [
    '-C',
    root,
    '--sort=name',
    `--mtime=@${sourceDateEpoch()}`,
    '--owner=0',
    '--group=0',
    '--numeric-owner',
    '--format=posix',
    '--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime',
    ...(options.normalizeModes ? ['--mode=go-w,a+rX'] : []),
    '-cf',
    '-',
    '--',
    ...entries,
  ];
  const tar = spawn('tar', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  tar.stderr.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
  });
  const exited = new Promise<number>((resolve, reject) => {
    tar.once('error', reject);
    tar.once('close', (code) => resolve(code ?? 1));
  });
  const raw = createHash('sha256');
  const gz = createHash('sha256');
  const rawCount = { bytes: 0 };
  const gzCount = { bytes: 0 };
  const tmp = `${file}.partial`;
  await pipeline(
    tar.stdout,
    sha256Tap(raw, rawCount),
    createGzip({ level: 9 }),
    sha256Tap(gz, gzCount),
    createWriteStream(tmp),
  );
  const code = await exited;
  if (code !== 0) throw new Error(`tar of ${root} exited ${code}: ${stderr.trim()}`);
  await rename(tmp, file);
  return {
    name,
    digest: `sha256:${gz.digest('hex')}`,
    diffId: `sha256:${raw.digest('hex')}`,
    size: gzCount.bytes,
    uncompressedSize: rawCount.bytes,
    file,
  };
}

/** A hash of the inputs that decide a cached layer's contents, for its cache key. */
export function inputKey(...parts: readonly (string | Buffer)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 16);
}

/**
 * The layer `name` for inputs hashed into `key`: from the cache when built before, otherwise
 * `fill` populates a fresh directory (the layer's root) and the tar.gz is cached. A build
 * killed midway leaves only a temporary directory behind, never a half-written entry.
 */
export async function cachedLayer(
  name: string,
  key: string,
  options: LayerOptions,
  fill: (root: string) => Promise<void>,
): Promise<Layer & { cached: boolean }> {
  // The tar and gzip settings above decide the bytes too.
  const dir = join(imageCacheDir(), `${name}-${inputKey(key, await readFile(new URL(import.meta.url)))}`);
  const meta = join(dir, 'layer.json');
  if (existsSync(meta)) {
    const layer = JSON.parse(await readFile(meta, 'utf8')) as Omit<Layer, 'file'>;
    const file = join(dir, 'layer.tar.gz');
    if (existsSync(file)) return { ...layer, file, cached: true };
  }
  await mkdir(imageCacheDir(), { recursive: true });
  const tmp = await mkdtemp(join(imageCacheDir(), `.build-${name}-`));
  try {
    const root = join(tmp, 'root');
    await mkdir(root);
    await fill(root);
    const layer = await writeLayer(name, root, join(tmp, 'layer.tar.gz'), options);
    await rm(root, { recursive: true, force: true });
    const { file: _file, ...stored } = layer;
    await writeFile(join(tmp, 'layer.json'), `${JSON.stringify(stored, null, 2)}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
    return { ...layer, file: join(dir, 'layer.tar.gz'), cached: false };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
