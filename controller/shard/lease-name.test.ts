import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boxLeaseName, leaseName, memberLeaseName } from './lease-name.ts';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

test('lease names are DNS labels of at most 63 characters, distinct for distinct keys', () => {
  const long = `${'Very_Long.Katalog'.repeat(8)}/Box`;
  const names = [
    boxLeaseName('orkestra-controller', 'shop/web'),
    boxLeaseName('orkestra-controller', 'shop/Web'),
    boxLeaseName('orkestra-controller', long),
    boxLeaseName('orkestra-controller', `${long}2`),
    memberLeaseName('orkestra-controller', 'orkestra-7d9f-abcde'),
    leaseName('p', '///'),
  ];
  for (const n of names) {
    assert.ok(n.length <= 63, n);
    assert.match(n, DNS_LABEL);
  }
  assert.equal(new Set(names).size, names.length);
  assert.match(names[0] as string, /^orkestra-controller-box-shop-web-[0-9a-f]{10}$/);
});
