import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Box } from '../../api-types/box.ts';
import { compileBox } from '../box/compiled-box.ts';
import { applyMutations, validate } from './admission-rules.ts';
import { Halt } from './halt.ts';

const API = { group: 'example.com', version: 'v1', kind: 'Web', plural: 'webs' };
const compile = (admission: Record<string, unknown>) => compileBox('web', { apiTypes: API, admission } as Box);
const data = (o: Record<string, unknown>) => ({ ...o, children: {} });

test('mutation sets defaults only where absent, values always, and never changes its input', () => {
  const box = compile({
    mutation: {
      rules: [
        { field: 'spec.replicas', default: 2 },
        { field: 'spec.image', default: 'nginx' },
        { field: 'spec.tier', value: 'gold', when: [{ field: 'spec.premium', equals: true }] },
        { field: 'spec.label', value: 'web-{{ .spec.image }}' },
      ],
    },
  });
  const input = { spec: { image: 'httpd', premium: true } };
  const out = applyMutations(box, input, data);
  assert.deepEqual(out.spec, { image: 'httpd', premium: true, replicas: 2, tier: 'gold', label: 'web-httpd' });
  assert.deepEqual(input, { spec: { image: 'httpd', premium: true } }, 'the input is untouched');
  assert.equal(applyMutations(compile({}), input, data), input, 'no rules: the same object');
});

test('a mutation whose when cannot be evaluated halts with EvaluationError instead of being skipped', () => {
  const box = compile({
    mutation: { rules: [{ field: 'spec.tier', value: 'gold', when: [{ cel: 'self.spec.plan.level > 1' }] }] },
  });
  assert.throws(
    () => applyMutations(box, { spec: {} }, data),
    (err: unknown) =>
      err instanceof Halt &&
      err.problem.reason === 'EvaluationError' &&
      err.problem.stalled &&
      err.problem.message.startsWith('box web: spec.crds.web.admission.mutation.rules[0].when[0]: ') &&
      err.problem.message.includes('(expression: self.spec.plan.level > 1)'),
  );
});

test('validation denies and warns by action, and skips rules about absent optional fields', () => {
  const box = compile({
    validation: {
      rules: [
        { field: 'spec.replicas', lte: 5, message: 'at most 5 replicas' },
        { cel: "self.spec.image.contains(':')", message: 'pin an image tag', action: 'warn' },
        { field: 'spec.owner', exists: true, message: 'name an owner' },
      ],
    },
  });
  const broken = validate(box, { spec: { replicas: 9, image: 'nginx' } });
  assert.deepEqual(broken.denied, ['at most 5 replicas', 'name an owner']);
  assert.deepEqual(broken.warnings, ['pin an image tag']);
  assert.deepEqual(
    broken.violations.map((v) => [v.field, v.action]),
    [
      ['spec.replicas', 'deny'],
      [undefined, 'warn'],
      ['spec.owner', 'deny'],
    ],
    'each violation names its field (CEL rules have none) and action',
  );
  assert.deepEqual(validate(box, { spec: { image: 'nginx:1', owner: 'a' } }), {
    denied: [],
    warnings: [],
    violations: [],
  });
});

test('a rule that cannot be evaluated denies and says why, after its message', () => {
  const list = `[${Array.from({ length: 40 }, (_, i) => i).join(',')}]`;
  const box = compile({
    validation: {
      rules: [{ cel: `${list}.all(a, ${list}.all(b, ${list}.all(c, a + b + c >= 0)))`, message: 'must hold' }],
    },
  });
  const [denied] = validate(box, { spec: {} }).denied;
  assert.match(
    denied ?? '',
    /^must hold \(spec\.crds\.web\.admission\.validation\.rules\[0\]: CEL evaluation failed: cost limit exceeded/,
  );
});
