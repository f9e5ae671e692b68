// A box whose templates call a non-deterministic or environment function does not compile: the
// root controller shows the message as the box's Failed reason, with the field path.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Box } from '../../api-types/box.ts';
import { compileBox } from './compiled-box.ts';

function boxWith(template: string): Box {
  return {
    apiTypes: { group: 'demo.io', version: 'v1', kind: 'Clock' },
    operatorBox: {
      reconcile: { onReconcile: { configMaps: [{ name: '{{ .metadata.name }}', data: { value: template } }] } },
    },
  } as Box;
}

const cases: Array<[template: string, reason: RegExp]> = [
  ['{{ now }}', /function "now" is not allowed: it reads the clock; a controller re-renders on every reconcile/],
  [
    '{{ randAlphaNum 8 }}',
    /function "randAlphaNum" is not allowed: its result changes on every call, and a controller re-renders on every reconcile, so the children would be rewritten forever/,
  ],
  ['{{ env "HOME" }}', /function "env" is not allowed: templates must not read the controller's environment/],
  ['x-{{ .spec.a | uuidv4 }}', /function "uuidv4" is not allowed/],
  ['{{ genCA "x" 365 }}', /function "genCA" is not allowed: it generates a new key or certificate on every call/],
];

for (const [template, reason] of cases) {
  test(`${template} is refused when the box compiles, naming the field`, () => {
    assert.throws(
      () => compileBox('clock', boxWith(template)),
      (err: unknown) =>
        err instanceof Error &&
        err.message.startsWith('spec.crds.clock.operatorBox.reconcile.onReconcile.configMaps[0].data.value: ') &&
        reason.test(err.message),
    );
  });
}

test('deterministic Sprig functions compile in a box', () => {
  const box = compileBox(
    'clock',
    boxWith('{{ add (int .spec.replicas) 1 | toString }}-{{ semverCompare "^1" "1.2.0" }}'),
  );
  const rendered = box.children[0]?.body.render({ metadata: { name: 'c' }, spec: { replicas: '2' } });
  assert.deepEqual(rendered, { name: 'c', data: { value: '3-true' } });
});
