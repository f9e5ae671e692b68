// The build context deploy/Dockerfile sees: the repository's files less what
// deploy/Dockerfile.dockerignore leaves out, with Docker's matching rules (the last matching
// pattern wins, `!` re-includes, a pattern matching a directory matches everything below it,
// `*` stays within one path segment, `**` spans any number of them). The OCI-layout script
// copies the same files, so the .dockerignore is the one list of what the image holds.
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

interface Pattern {
  readonly negate: boolean;
  readonly regex: RegExp;
  /** Segments in the pattern: a path matches when it, or its first this-many segments, match. */
  readonly depth: number;
  readonly text: string;
}

function toRegex(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] as string;
    if (ch === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      out += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (ch === '*') out += '[^/]*';
    else if (ch === '?') out += '[^/]';
    else out += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

export function parseIgnore(text: string): Pattern[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const glob = (negate ? l.slice(1) : l).replace(/^\/+/, '').replace(/\/+$/, '');
      return { negate, regex: toRegex(glob), depth: glob.split('/').length, text: l };
    });
}

export function isIgnored(patterns: readonly Pattern[], path: string): boolean {
  const segments = path.split('/');
  let ignored = false;
  for (const p of patterns) {
    const matches =
      p.regex.test(path) || (segments.length > p.depth && p.regex.test(segments.slice(0, p.depth).join('/')));
    if (matches) ignored = !p.negate;
  }
  return ignored;
}

/** Could a `!` pattern re-include something below the ignored directory `dir`? */
function mayReinclude(patterns: readonly Pattern[], dir: string): boolean {
  return patterns.some(
    (p) => p.negate && (p.text.slice(1).replace(/^\/+/, '').startsWith(`${dir}/`) || p.text.includes('**')),
  );
}

/** Files (and symlinks) of the build context, relative to `root`, sorted. */
export async function contextFiles(root: string, ignoreFile: string): Promise<string[]> {
  const patterns = parseIgnore(await readFile(ignoreFile, 'utf8'));
  const out: string[] = [];
  async function walk(rel: string): Promise<void> {
    for (const name of (await readdir(join(root, rel))).sort()) {
      const path = rel === '' ? name : `${rel}/${name}`;
      if (path === '.git') continue;
      const st = await lstat(join(root, path));
      const ignored = isIgnored(patterns, path);
      if (st.isDirectory()) {
        if (!ignored || mayReinclude(patterns, path)) await walk(path);
      } else if (!ignored) out.push(path);
    }
  }
  await walk('');
  return out;
}
