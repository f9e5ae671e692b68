// The webhook CA and serving certificate: what a set is, and whether it is sound. Issuing new
// ones (node-forge) is in certificate-issuer.ts, loaded only when a set must be renewed: a
// replica that finds a sound set in its Secret, the usual start, never holds forge.
import { X509Certificate } from 'node:crypto';

export interface CertificateSet {
  /** PEM of the current CA; the one the serving certificate is signed by. */
  readonly caCert: string;
  readonly caKey: string;
  /** PEM of the previous CA, kept in the bundle while certificates it signed may still be served. */
  readonly previousCaCert?: string;
  readonly cert: string;
  readonly key: string;
}

export interface Validity {
  readonly caMs: number;
  readonly servingMs: number;
}

const DAY = 24 * 3600 * 1000;
export const DEFAULT_VALIDITY: Validity = { caMs: 10 * 365 * DAY, servingMs: 365 * DAY };

/** The PEM bundle the API server trusts: the current CA, and the previous one while it is needed. */
export function caBundle(set: CertificateSet): string {
  return set.previousCaCert ? `${set.caCert.trim()}\n${set.previousCaCert.trim()}\n` : set.caCert;
}

/** A certificate's validity period, in epoch milliseconds. */
function lifetime(pem: string): { from: number; to: number } {
  const c = new X509Certificate(pem);
  return { from: Date.parse(c.validFrom), to: Date.parse(c.validTo) };
}

/** The fraction of a certificate's lifetime left at `now` (negative once it has expired). */
export function remainingFraction(pem: string, now: Date): number {
  const { from, to } = lifetime(pem);
  return (to - now.getTime()) / (to - from);
}

/** Names that look like IP addresses are checked as IP SANs; the rest as DNS names. */
export const IP = /^[0-9.]+$|:/;

function coversNames(pem: string, names: readonly string[]): boolean {
  const c = new X509Certificate(pem);
  return names.every((n) => (IP.test(n) ? c.checkIP(n) !== undefined : c.checkHost(n) !== undefined));
}

function signedBy(pem: string, caPem: string): boolean {
  return new X509Certificate(pem).checkIssued(new X509Certificate(caPem));
}

/**
 * Renewal is due once a third of a certificate's lifetime is left (cert-manager's default), so
 * every replica has picked up the new one long before the old one expires.
 */
export const RENEW_AT = 1 / 3;

/** The fraction of the CA's lifetime left at `now`; undefined when its PEM cannot be read. */
export function caRemaining(set: CertificateSet, now: Date): number | undefined {
  try {
    return remainingFraction(set.caCert, now);
  } catch {
    return undefined;
  }
}

/** The serving certificate is fresh, covers every name and is signed by the current CA. */
export function servingSound(set: CertificateSet, names: readonly string[], now: Date): boolean {
  try {
    return (
      set.cert !== '' &&
      remainingFraction(set.cert, now) > RENEW_AT &&
      coversNames(set.cert, names) &&
      signedBy(set.cert, set.caCert)
    );
  } catch {
    return false;
  }
}

/** Whether `renewIfNeeded` (certificate-issuer.ts) would issue anything for `current`. */
export function renewalNeeded(current: CertificateSet | undefined, names: readonly string[], now: Date): boolean {
  if (!current) return true;
  // A CA that cannot be read is due.
  const caLeft = caRemaining(current, now);
  return caLeft === undefined || caLeft <= RENEW_AT || !servingSound(current, names, now);
}

/** When the set next needs renewal: the earlier of the CA's and the serving certificate's renewal time. */
export function renewalDue(set: CertificateSet): Date {
  const due = (pem: string) => {
    const { from, to } = lifetime(pem);
    return to - (to - from) * RENEW_AT;
  };
  return new Date(Math.min(due(set.caCert), due(set.cert)));
}
