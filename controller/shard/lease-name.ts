// Lease names for sharding. A Lease name is a DNS subdomain, but we keep to a DNS label (63
// characters, [a-z0-9-]) so it also fits label values: the readable part is sanitised and cut,
// and a hash of the original keeps two similar box ids apart.
import { createHash } from 'node:crypto';

const MAX = 63;

export function leaseName(prefix: string, key: string): string {
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 10);
  const readable = key
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  const room = MAX - prefix.length - hash.length - 2;
  const cut = readable.slice(0, Math.max(0, room)).replace(/-+$/, '');
  return cut ? `${prefix}-${cut}-${hash}` : `${prefix}-${hash}`;
}

/** The Lease a box runs under: one per box id (`katalog/box`). */
export const boxLeaseName = (group: string, boxId: string) => leaseName(`${group}-box`, boxId);

/** The Lease a replica announces itself with. */
export const memberLeaseName = (group: string, identity: string) => leaseName(`${group}-member`, identity);
