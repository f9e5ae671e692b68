// Runs an image from an OCI layout the way a container runtime would, with no runtime: its layers
// unpacked into a directory (each checked against its config diff_id), then the config's
// Entrypoint + Cmd started inside it with util-linux alone — a private mount namespace
// (`unshare`) in which the directory is bind-mounted read-only with a tmpfs on /tmp and the
// host's /proc and /dev, then `nsenter --root --wd -S -G` for the chroot, WorkingDir and the
// config's uid:gid, with exactly the config's Env. The network is the host's. Needs root (mount
// namespaces, chroot), as CI and the development machines have.
//
//   node deploy/image/rootfs.ts LAYOUT [--entrypoint PROG] [-- ARGS...]
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs, promisify } from 'node:util';
import { createGunzip } from 'node:zlib';
import { type ImageConfig, readLayout } from './oci-layout.ts';

const run = promisify(execFile);

async function uncompressedDigest(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(
    createReadStream(file),
    createGunzip(),
    new Writable({
      write(chunk: Buffer, _e, done) {
        hash.update(chunk);
        done();
      },
    }),
  );
  return `sha256:${hash.digest('hex')}`;
}

async function untar(file: string, dest: string): Promise<void> {
  try {
    await run('tar', ['-x', '-z', '-C', dest, '-f', file]);
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`unpacking ${file}: ${(e.stderr ?? e.message).trim()}`);
  }
}

/** Unpacks the image's layers into `dest` in order; resolves to its config. */
export async function unpackImage(layout: string, dest: string, tag?: string): Promise<ImageConfig> {
  const image = await readLayout(layout, tag);
  await mkdir(dest, { recursive: true });
  // The image's / (a mkdtemp directory is 0700, which the non-root user could not enter).
  await chmod(dest, 0o755);
  for (const [i, file] of image.layerFiles.entries()) {
    // tar reads the layer itself (through gzip) while the uncompressed stream is hashed beside it.
    const [diffId] = await Promise.all([uncompressedDigest(file), untar(file, dest)]);
    if (diffId !== image.config.rootfs.diff_ids[i])
      throw new Error(`layer ${i} unpacks to ${diffId}, the config says ${image.config.rootfs.diff_ids[i]}`);
  }
  return image.config;
}

export interface RunOptions {
  /** Replaces the config's Entrypoint (Cmd is then dropped), as `docker run --entrypoint`. */
  readonly entrypoint?: readonly string[];
  /** Replaces the config's Cmd. */
  readonly args?: readonly string[];
  /** Host files copied into the container's /tmp before the start (name → host path). */
  readonly tmpFiles?: Readonly<Record<string, string>>;
}

// $1 the root; $2 WorkingDir; $3 uid; $4 gid; $5 space-separated "name=hostpath" for /tmp; then argv.
const SETUP = `set -eu
root=$1 wd=$2 uid=$3 gid=$4 files=$5
shift 5
mount --bind "$root" "$root"
mount -o remount,bind,ro "$root"
mount -t tmpfs -o mode=1777,size=64m tmpfs "$root/tmp"
mount --rbind /proc "$root/proc"
mount --rbind /dev "$root/dev"
for f in $files; do cp "\${f#*=}" "$root/tmp/\${f%%=*}"; chmod 0444 "$root/tmp/\${f%%=*}"; done
exec /usr/bin/nsenter --root="$root" --wd="$root$wd" -S "$uid" -G "$gid" -- "$@"
`;

/** Starts the image's process in the unpacked `rootfs` (see the header); stdio is piped. */
export function runInRootfs(rootfs: string, config: ImageConfig, options: RunOptions = {}): ChildProcess {
  if (process.getuid?.() !== 0)
    throw new Error('running an unpacked image needs root (a mount namespace and chroot): run it as root');
  const c = config.config;
  const [uid, gid = uid] = c.User.split(':');
  if (!uid || !/^\d+$/.test(uid) || !gid || !/^\d+$/.test(gid))
    throw new Error(`image User ${c.User} is not numeric uid:gid`);
  const argv = options.entrypoint
    ? [...options.entrypoint, ...(options.args ?? [])]
    : [...c.Entrypoint, ...(options.args ?? c.Cmd)];
  const files = Object.entries(options.tmpFiles ?? {}).map(([name, host]) => {
    if (!/^[\w.-]+$/.test(name) || /\s/.test(host)) throw new Error(`cannot copy ${host} to /tmp/${name}`);
    return `${name}=${host}`;
  });
  const env = Object.fromEntries(
    c.Env.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as const),
  );
  return spawn(
    '/usr/bin/unshare',
    [
      '--mount',
      '--propagation',
      'private',
      '--fork',
      '--kill-child',
      '--',
      '/bin/sh',
      '-c',
      SETUP,
      'setup',
      rootfs,
      c.WorkingDir || '/',
      uid,
      gid,
      files.join(' '),
      ...argv,
    ],
    // Its own process group: signal -pid to reach the image's process (unshare ignores SIGTERM).
    { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { entrypoint: { type: 'string' }, rootfs: { type: 'string' } },
  });
  const [layout, ...args] = positionals;
  if (!layout) {
    console.error('error: usage: rootfs.ts LAYOUT [--rootfs DIR] [--entrypoint PROG] [-- ARGS...]');
    process.exit(2);
  }
  const { mkdtemp, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const dir = values.rootfs ?? (await mkdtemp(`${tmpdir()}/orkestra-rootfs-`));
  try {
    const config = await unpackImage(layout, dir);
    const child = runInRootfs(dir, config, {
      ...(values.entrypoint ? { entrypoint: [values.entrypoint] } : {}),
      ...(args.length > 0 || values.entrypoint ? { args } : {}),
    });
    child.stdout?.pipe(process.stdout);
    child.stderr?.pipe(process.stderr);
    const code = await new Promise<number>((resolve) => child.once('close', (c) => resolve(c ?? 1)));
    process.exitCode = code;
  } catch (err) {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  } finally {
    if (!values.rootfs) await rm(dir, { recursive: true, force: true });
  }
}
