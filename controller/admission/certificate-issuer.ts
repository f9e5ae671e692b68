// Issues the webhook CA and serving certificate. node-forge builds and signs the X.509
// certificates; the RSA keys come from node:crypto (native and fast; forge's own generator is
// pure JavaScript). Loaded only when a set must be renewed (certificate-source.ts).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import {
  type CertificateSet,
  caRemaining,
  DEFAULT_VALIDITY,
  IP,
  RENEW_AT,
  remainingFraction,
  servingSound,
  type Validity,
} from './certificates.ts';

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
  // A CA that cannot be read is as good as none: a new set, with nothing kept from it.
  const caLeft = current ? caRemaining(current, now) : undefined;
  let set = caLeft === undefined ? undefined : current;
  let renewed = false;
  if (set && caLeft !== undefined && caLeft <= RENEW_AT) {
    const ca = generateCa(now, validity);
    set = { caCert: ca.cert, caKey: ca.key, previousCaCert: set.caCert, cert: set.cert, key: set.key };
    renewed = true;
  }
  if (!set) {
    const ca = generateCa(now, validity);
    set = { caCert: ca.cert, caKey: ca.key, cert: '', key: '' };
    renewed = true;
  }
  if (!servingSound(set, names, now)) {
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
