import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Box } from '../../api-types/box.ts';
import { compileHook } from './compiled-hook.ts';

const box = (reconcile: NonNullable<NonNullable<Box['operatorBox']>['reconcile']>): Box => ({
  apiTypes: { group: 'x.io', version: 'v1', kind: 'X' },
  operatorBox: { reconcile },
});

describe('compiling a box hook', () => {
  test('a box with both kinds of hook fails, naming the field', () => {
    assert.throws(
      () => compileHook('web', box({ hooks: { module: 'm' }, remote: { endpoint: 'http://h' } })),
      /^Error: spec\.crds\.web\.operatorBox\.reconcile: set hooks \(a typed module\) or remote \(an HTTP endpoint\), not both$/,
    );
  });

  test('defaults: 10 s timeout, 64 MiB heap, templates first, no override, Authorization header', () => {
    const typed = compileHook('web', box({ hooks: { module: 'm' } }));
    assert.equal(typed?.type, 'typed');
    assert.deepEqual(
      typed && {
        t: typed.timeoutMs,
        first: typed.runHooksFirst,
        o: typed.override,
        heap: typed.type === 'typed' && typed.maxHeapMb,
      },
      { t: 10_000, first: false, o: false, heap: 64 },
    );
    const remote = compileHook(
      'web',
      box({
        remote: {
          endpoint: 'https://h/{{ .metadata.name }}',
          timeout: '3s',
          auth: { secretRef: { namespace: 'n', name: 's', key: 'k' } },
          caBundle: Buffer.from('PEM').toString('base64'),
        },
      }),
    );
    assert.ok(remote?.type === 'remote');
    assert.equal(remote.timeoutMs, 3000);
    assert.equal(remote.auth?.header, 'Authorization');
    assert.equal(remote.ca, 'PEM');
    assert.equal(remote.endpoint.render({ metadata: { name: 'a' } }), 'https://h/a');
  });

  test('no hook, nothing compiled', () => {
    assert.equal(compileHook('web', box({})), undefined);
  });
});
