// OCI references as `orkestra push|pull|inspect` and the Komposer's `oci` imports write them:
// `[oci://]HOST[:PORT]/REPO[/...][:TAG][@sha256:HEX]`. The registry host is always explicit:
// there is no default registry, so a reference never reaches a registry nobody named.

export interface OciReference {
  /** `host` or `host:port`. */
  readonly registry: string;
  /** Repository path inside the registry, e.g. `patterns/postgres`. */
  readonly repository: string;
  readonly tag: string | undefined;
  readonly digest: string | undefined;
}

const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const REGISTRY = /^[A-Za-z0-9.-]+(?::[0-9]+)?$|^\[[0-9a-fA-F:]+\](?::[0-9]+)?$/;

export function parseReference(input: string): OciReference {
  const raw = input.startsWith('oci://') ? input.slice('oci://'.length) : input;
  const bad = (why: string) => new Error(`invalid OCI reference "${input}": ${why}`);
  const slash = raw.indexOf('/');
  if (slash <= 0) throw bad('expected HOST/REPOSITORY[:TAG][@DIGEST]');
  const registry = raw.slice(0, slash);
  if (!REGISTRY.test(registry)) throw bad(`"${registry}" is not a registry host[:port]`);
  let rest = raw.slice(slash + 1);
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw bad('the digest must be sha256: and 64 lowercase hex characters');
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw bad(`"${tag}" is not a valid tag`);
  }
  if (!REPOSITORY.test(rest)) throw bad(`"${rest}" is not a valid repository (lowercase, / separated)`);
  return { registry, repository: rest, tag, digest };
}

/** The manifest reference to ask the registry for: the digest when pinned, else the tag (default `latest`). */
export function manifestReference(ref: OciReference): string {
  return ref.digest ?? ref.tag ?? 'latest';
}

export function formatReference(ref: OciReference): string {
  return `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}
