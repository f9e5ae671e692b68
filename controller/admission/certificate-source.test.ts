import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { silentLogger } from '../observe/log.ts';
import { directoryCertificates, type ServingCertificate } from './certificate-source.ts';

test('--webhook-cert-dir: tls.crt/tls.key served, ca.crt as the bundle, a replaced file noticed', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'orkestra-certs-'));
  try {
    await writeFile(join(dir, 'tls.crt'), 'CERT1');
    await writeFile(join(dir, 'tls.key'), 'KEY1');
    const source = await directoryCertificates(dir, silentLogger, 20);
    assert.deepEqual(source.current(), { tls: { cert: 'CERT1', key: 'KEY1' }, caBundle: undefined });
    const changed = new Promise<ServingCertificate>((resolve) => source.onChange(resolve));
    await writeFile(join(dir, 'ca.crt'), 'CA');
    await writeFile(join(dir, 'tls.crt'), 'CERT2');
    const next = await changed;
    assert.equal(next.caBundle, 'CA');
    source.stop();
  } finally {
    await rm(dir, { recursive: true });
  }
});
