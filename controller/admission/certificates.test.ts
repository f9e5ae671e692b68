import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { describe, test } from 'node:test';
import { renewIfNeeded } from './certificate-issuer.ts';
import { caBundle, renewalDue, renewalNeeded } from './certificates.ts';

const HOUR = 3600_000;
const validity = { caMs: 300 * HOUR, servingMs: 30 * HOUR };
const names = ['127.0.0.1', 'orkestra-webhook.orkestra-system.svc'];

describe('webhook certificates', () => {
  const t0 = new Date('2026-01-01T00:00:00Z');
  const { set } = renewIfNeeded(undefined, names, t0, validity);

  test('a new set: a CA and a serving certificate for every name, signed by it', () => {
    const serving = new X509Certificate(set.cert);
    const ca = new X509Certificate(set.caCert);
    assert.ok(serving.checkIssued(ca) && serving.verify(ca.publicKey));
    assert.ok(ca.ca);
    assert.equal(serving.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(serving.checkHost('orkestra-webhook.orkestra-system.svc'), 'orkestra-webhook.orkestra-system.svc');
    assert.equal(caBundle(set), set.caCert);
  });

  test('kept while sound; the serving certificate renewed once a third of its life is left', () => {
    assert.equal(renewIfNeeded(set, names, new Date(t0.getTime() + 10 * HOUR), validity).renewed, false);
    const due = renewalDue(set);
    assert.ok(Math.abs(due.getTime() - (t0.getTime() + 20 * HOUR)) < 2 * 60_000);
    const later = renewIfNeeded(set, names, new Date(t0.getTime() + 21 * HOUR), validity);
    assert.equal(later.renewed, true);
    assert.notEqual(later.set.cert, set.cert);
    assert.equal(later.set.caCert, set.caCert, 'the CA, and so the bundle, stays');
    // The check a replica makes before it loads the issuer agrees with it.
    assert.equal(renewalNeeded(set, names, new Date(t0.getTime() + 10 * HOUR)), false);
    assert.equal(renewalNeeded(set, names, new Date(t0.getTime() + 21 * HOUR)), true);
    assert.equal(renewalNeeded(set, [...names, 'other.example'], new Date(t0.getTime() + HOUR)), true);
    assert.equal(renewalNeeded({ ...set, caCert: 'not a certificate' }, names, t0), true);
    assert.equal(renewalNeeded(undefined, names, t0), true);
  });

  test('a missing name re-issues the serving certificate', () => {
    const more = renewIfNeeded(set, [...names, 'webhooks.example.com'], t0, validity);
    assert.equal(more.renewed, true);
    assert.equal(new X509Certificate(more.set.cert).checkHost('webhooks.example.com'), 'webhooks.example.com');
  });

  test('a CA near expiry is replaced; the old one stays in the bundle', () => {
    const late = renewIfNeeded(set, names, new Date(t0.getTime() + 210 * HOUR), validity);
    assert.notEqual(late.set.caCert, set.caCert);
    assert.equal(late.set.previousCaCert, set.caCert);
    assert.ok(new X509Certificate(late.set.cert).checkIssued(new X509Certificate(late.set.caCert)));
    assert.ok(caBundle(late.set).includes(set.caCert.trim()) && caBundle(late.set).includes(late.set.caCert.trim()));
  });
});
