// The webhook CA and serving certificate. node-forge builds and signs the X.509 certificates; the
// RSA keys come from node:crypto (native and fast; forge's own generator is pure JavaScript).
import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import forge from 'node-forge';

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

function keyPair() {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKey, privateKey };
}

function certificate(
  subject: string,
  publicKeyPem: string,
  signer: { cert: forge.pki.Certificate | undefined; keyPem: string },
  now: Date,
  validityMs: number,
  extensions: object[],
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  // Positive 128-bit serial (leading byte below 0x80).
  cert.serialNumber = `7${randomBytes(15).toString('hex')}`;
  // Slack for clocks that disagree a little: a minute, less for (test-sized) short lifetimes.
  cert.validity.notBefore = new Date(now.getTime() - Math.min(60_000, validityMs / 10));
  cert.validity.notAfter = new Date(now.getTime() + validityMs);
  const attrs = [{ name: 'commonName', value: subject }];
  cert.setSubject(attrs);
  cert.setIssuer(signer.cert ? signer.cert.subject.attributes : attrs);
  cert.setExtensions(extensions);
  cert.sign(forge.pki.privateKeyFromPem(signer.keyPem), forge.md.sha256.create());
  return cert;
}

export function generateCa(now: Date, validity: Validity = DEFAULT_VALIDITY): { cert: string; key: string } {
  const { publicKey, privateKey } = keyPair();
  const cert = certificate(
    'orkestra-webhook-ca',
    publicKey,
    { cert: undefined, keyPem: privateKey },
    now,
    validity.caMs,
    [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  );
  return { cert: forge.pki.certificateToPem(cert), key: privateKey };
}

const IP = /^[0-9.]+$|:/;

export function generateServing(
  ca: { cert: string; key: string },
  names: readonly string[],
  now: Date,
  validity: Validity = DEFAULT_VALIDITY,
): { cert: string; key: string } {
  const { publicKey, privateKey } = keyPair();
  const altNames = names.map((n) => (IP.test(n) ? { type: 7, ip: n } : { type: 2, value: n }));
  const cert = certificate(
    names[0] ?? 'orkestra-webhook',
    publicKey,
    { cert: forge.pki.certificateFromPem(ca.cert), keyPem: ca.key },
    now,
    validity.servingMs,
    [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  );
  return { cert: forge.pki.certificateToPem(cert), key: privateKey };
}

/** The PEM bundle the API server trusts: the current CA, and the previous one while it is needed. */
export function caBundle(set: CertificateSet): string {
  return set.previousCaCert ? `${set.caCert.trim()}\n${set.previousCaCert.trim()}\n` : set.caCert;
}

function remainingFraction(pem: string, now: Date): number {
  const c = new X509Certificate(pem);
  const from = Date.parse(c.validFrom);
  const to = Date.parse(c.validTo);
  return (to - now.getTime()) / (to - from);
}

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
const RENEW_AT = 1 / 3;

/**
 * The set to use at `now`: `current` when it is sound, otherwise a renewed one. The serving
 * certificate is renewed when it nears expiry or misses a name; the CA when it nears expiry (its
 * predecessor stays in the bundle until the serving certificates it signed are replaced).
 */
export function renewIfNeeded(
  current: CertificateSet | undefined,
  names: readonly string[],
  now: Date,
  validity: Validity = DEFAULT_VALIDITY,
): { set: CertificateSet; renewed: boolean } {
  let set = current;
  let renewed = false;
  try {
    if (set && remainingFraction(set.caCert, now) <= RENEW_AT) {
      const ca = generateCa(now, validity);
      set = { caCert: ca.cert, caKey: ca.key, previousCaCert: set.caCert, cert: set.cert, key: set.key };
      renewed = true;
    }
  } catch {
    set = undefined;
  }
  if (!set) {
    const ca = generateCa(now, validity);
    set = { caCert: ca.cert, caKey: ca.key, cert: '', key: '' };
    renewed = true;
  }
  let servingOk = false;
  try {
    servingOk =
      set.cert !== '' &&
      remainingFraction(set.cert, now) > RENEW_AT &&
      coversNames(set.cert, names) &&
      signedBy(set.cert, set.caCert);
  } catch {
    servingOk = false;
  }
  if (!servingOk) {
    const serving = generateServing({ cert: set.caCert, key: set.caKey }, names, now, validity);
    // The previous CA signed nothing still served once the serving certificate is re-issued.
    const keepPrevious = set.previousCaCert && remainingFraction(set.previousCaCert, now) > 0;
    set = {
      caCert: set.caCert,
      caKey: set.caKey,
      ...(keepPrevious ? { previousCaCert: set.previousCaCert } : {}),
      cert: serving.cert,
      key: serving.key,
    };
    renewed = true;
  }
  return { set, renewed };
}

/** When the set next needs renewal: the earlier of the CA's and the serving certificate's renewal time. */
export function renewalDue(set: CertificateSet): Date {
  const due = (pem: string) => {
    const c = new X509Certificate(pem);
    const from = Date.parse(c.validFrom);
    const to = Date.parse(c.validTo);
    return to - (to - from) * RENEW_AT;
  };
  return new Date(Math.min(due(set.caCert), due(set.cert)));
}
