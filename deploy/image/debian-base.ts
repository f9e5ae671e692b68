// The image's base layer, assembled the way distroless/cc is: a handful of Debian 12 packages
// unpacked with dpkg-deb (no maintainer scripts run, no package manager, no shell), plus the
// files their scripts would have made: passwd/group with the runtime user, the CA bundle, and a
// dpkg status.d entry per package so image scanners can list what is inside. Node's official
// Linux build needs only libc, libm, libpthread, libdl (libc6), libstdc++ and libgcc_s; it
// carries its own OpenSSL and ICU.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { cachedLayer, inputKey, type Layer } from './layer.ts';

const run = promisify(execFile);

/** What distroless/cc-debian12 is made of, less libssl3 and libgomp1, which Node does not load. */
export const BASE_PACKAGES = [
  'base-files',
  'netbase',
  'tzdata',
  'ca-certificates',
  'gcc-12-base',
  'libgcc-s1',
  'libc6',
  'libstdc++6',
] as const;

/** The account the process runs as (the image's User), by number. */
export interface RuntimeUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

interface Deb {
  readonly uri: string;
  readonly file: string;
  readonly sha256: string;
}

/** What apt would download for each package: file name and SHA-256 (the cache key). */
async function resolveDebs(): Promise<Deb[]> {
  const printUris = () => run('apt-get', ['download', '--print-uris', ...BASE_PACKAGES], { maxBuffer: 1 << 20 });
  let out: { stdout: string };
  try {
    out = await printUris();
  } catch {
    // A machine that never ran `apt-get update` has no package lists yet.
    await run('apt-get', ['update', '-qq']);
    out = await printUris();
  }
  const debs: Deb[] = out.stdout
    .trim()
    .split('\n')
    .map((line) => {
      const m = /^'([^']+)' (\S+) \d+ SHA256:([0-9a-f]{64})$/.exec(line.trim());
      if (!m?.[1] || !m[2] || !m[3]) throw new Error(`unexpected apt-get --print-uris line: ${line}`);
      return { uri: m[1], file: m[2], sha256: m[3] };
    });
  debs.sort((a, b) => a.file.localeCompare(b.file, 'en'));
  if (debs.length !== BASE_PACKAGES.length)
    throw new Error(`apt-get resolved ${debs.length} of ${BASE_PACKAGES.length} base packages`);
  return debs;
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    else out.push(p);
  }
  return out;
}

/** Documentation beyond the copyright files is of no use in a container. */
async function trimDocs(root: string): Promise<void> {
  for (const dir of ['usr/share/man', 'usr/share/info', 'usr/share/lintian', 'usr/share/gdb', 'usr/share/bug'])
    await rm(join(root, dir), { recursive: true, force: true });
  const docs = join(root, 'usr/share/doc');
  for (const pkg of await readdir(docs)) {
    for (const e of await readdir(join(docs, pkg))) {
      if (e !== 'copyright') await rm(join(docs, pkg, e), { recursive: true, force: true });
    }
  }
}

async function unpack(debs: readonly Deb[], root: string): Promise<void> {
  const downloads = await mkdtemp(join(tmpdir(), 'orkestra-debs-'));
  try {
    await run('apt-get', ['download', '-qq', ...BASE_PACKAGES], { cwd: downloads });
    await mkdir(join(root, 'var/lib/dpkg/status.d'), { recursive: true });
    for (const deb of debs) {
      const path = join(downloads, deb.file);
      const got = createHash('sha256')
        .update(await readFile(path))
        .digest('hex');
      if (got !== deb.sha256) throw new Error(`${deb.file}: SHA-256 ${got}, the archive says ${deb.sha256}`);
      await run('dpkg-deb', ['-x', path, root]);
      const { stdout: control } = await run('dpkg-deb', ['-f', path]);
      const name = /^Package: (\S+)$/m.exec(control)?.[1] ?? deb.file;
      await writeFile(join(root, 'var/lib/dpkg/status.d', name), control.endsWith('\n') ? control : `${control}\n`);
    }
  } finally {
    await rm(downloads, { recursive: true, force: true });
  }
}

/** What the packages' maintainer scripts (never run here) and a base image would provide. */
async function addSystemFiles(root: string, user: RuntimeUser): Promise<void> {
  await writeFile(
    join(root, 'etc/passwd'),
    [
      'root:x:0:0:root:/root:/sbin/nologin',
      `${user.name}:x:${user.uid}:${user.gid}:${user.name}:/home/${user.name}:/sbin/nologin`,
      'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin',
      '',
    ].join('\n'),
  );
  await writeFile(
    join(root, 'etc/group'),
    ['root:x:0:', `${user.name}:x:${user.gid}:`, 'nogroup:x:65534:', ''].join('\n'),
  );
  await mkdir(join(root, 'home', user.name), { recursive: true });
  // update-ca-certificates' bundle: every certificate of the package, in file-name order.
  const certs = (await listFiles(join(root, 'usr/share/ca-certificates')))
    .filter((f) => f.endsWith('.crt'))
    .sort((a, b) => relative(root, a).localeCompare(relative(root, b), 'en'));
  const bundle = await Promise.all(certs.map((f) => readFile(f, 'utf8')));
  await mkdir(join(root, 'etc/ssl/certs'), { recursive: true });
  await writeFile(join(root, 'etc/ssl/certs/ca-certificates.crt'), `${bundle.map((c) => c.trimEnd()).join('\n')}\n`);
  await rm(join(root, 'etc/os-release'), { force: true });
  await symlink('../usr/lib/os-release', join(root, 'etc/os-release'));
}

/** The Debian base layer, cached by the exact package files (name, version, SHA-256) and this recipe. */
export async function debianBaseLayer(user: RuntimeUser): Promise<Layer & { cached: boolean }> {
  const recipe = await readFile(new URL(import.meta.url));
  const build = async () => {
    const debs = await resolveDebs();
    const key = inputKey(recipe, JSON.stringify(user), ...debs.map((d) => `${d.file} ${d.sha256}`));
    return cachedLayer('debian-base', key, { normalizeModes: false }, async (root) => {
      await unpack(debs, root);
      await trimDocs(root);
      await addSystemFiles(root, user);
    });
  };
  try {
    return await build();
  } catch (err) {
    // Package lists older than the archive name versions it no longer serves: refresh them once.
    process.stderr.write(`image: ${err instanceof Error ? err.message : String(err)}; running apt-get update\n`);
    await run('apt-get', ['update', '-qq']);
    return build();
  }
}
