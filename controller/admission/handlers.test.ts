import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Box } from '../../api-types/box.ts';
import { compileBox } from '../box/compiled-box.ts';
import type { AdmissionBox, FailurePolicy } from './admission-box.ts';
import { diffPatch } from './json-patch.ts';
import { mutateRequest } from './mutate-handler.ts';
import { type AdmissionRequest, BadReview, parseAdmissionReview, parseConversionReview } from './review.ts';
import { validateRequest } from './validate-handler.ts';

function admissionBox(admission: Box['admission'], failurePolicy: FailurePolicy = 'Fail'): AdmissionBox {
  return {
    id: 'k/web',
    compiled: compileBox('web', { apiTypes: { group: 'demo.io', version: 'v1', kind: 'Web' }, admission }),
    failurePolicy,
  };
}

function request(object: Record<string, unknown> | null, extra: Partial<AdmissionRequest> = {}): AdmissionRequest {
  return { uid: 'u1', operation: 'CREATE', userInfo: { username: 'alice' }, object, oldObject: null, ...extra };
}

const web = (spec: Record<string, unknown>) => ({
  apiVersion: 'demo.io/v1',
  kind: 'Web',
  metadata: { name: 'w' },
  spec,
});

function applyPatch(obj: Record<string, unknown>, patch: string | undefined) {
  const copy = structuredClone(obj);
  for (const op of JSON.parse(Buffer.from(patch ?? 'W10=', 'base64').toString()) as {
    op: string;
    path: string;
    value: unknown;
  }[]) {
    const keys = op.path.split('/').slice(1);
    const last = keys.pop() as string;
    let at = copy as Record<string, unknown>;
    for (const k of keys) at = at[k] as Record<string, unknown>;
    at[last] = op.value;
  }
  return copy;
}

describe('validating webhook', () => {
  const box = admissionBox({
    validation: {
      rules: [
        { field: 'spec.replicas', lte: 10, message: 'at most 10 replicas' },
        { cel: "self.spec.image.contains(':')", message: 'pin an image tag', action: 'warn' },
        { cel: "request.userInfo.username != 'mallory'", message: 'not mallory' },
        { cel: 'oldSelf == null || self.spec.replicas >= oldSelf.spec.replicas', message: 'no scaling down' },
      ],
    },
  });

  test('deny names the field and the rule message; warn admits with a warning', () => {
    const denied = validateRequest(box, request(web({ replicas: 20, image: 'nginx' })));
    assert.equal(denied.allowed, false);
    assert.deepEqual(denied.status, { code: 403, reason: 'Forbidden', message: 'spec.replicas: at most 10 replicas' });
    assert.deepEqual(denied.warnings, ['pin an image tag (admission.validation.rules[1])']);
    const warned = validateRequest(box, request(web({ replicas: 2, image: 'nginx' })));
    assert.equal(warned.allowed, true);
    assert.deepEqual(warned.warnings, ['pin an image tag (admission.validation.rules[1])']);
    assert.deepEqual(validateRequest(box, request(web({ replicas: 2, image: 'nginx:1' }))), {
      uid: 'u1',
      allowed: true,
    });
  });

  test('CEL sees request.userInfo and oldSelf on UPDATE', () => {
    const byMallory = validateRequest(
      box,
      request(web({ replicas: 1, image: 'a:1' }), { userInfo: { username: 'mallory' } }),
    );
    assert.equal(byMallory.allowed, false);
    assert.match(byMallory.status?.message ?? '', /^not mallory \(admission\.validation\.rules\[2\]\)$/);
    const down = validateRequest(
      box,
      request(web({ replicas: 1, image: 'a:1' }), {
        operation: 'UPDATE',
        oldObject: web({ replicas: 3, image: 'a:1' }),
      }),
    );
    assert.match(down.status?.message ?? '', /no scaling down/);
  });

  test('on DELETE the rules see the object being deleted', () => {
    const guard = admissionBox({
      validation: {
        rules: [{ cel: "request.operation != 'DELETE' || self.spec.replicas == 0", message: 'scale to 0 first' }],
      },
    });
    const del = (replicas: number) =>
      validateRequest(guard, request(null, { operation: 'DELETE', oldObject: web({ replicas }) }));
    assert.equal(del(2).allowed, false);
    assert.equal(del(0).allowed, true);
  });

  test('a rule that cannot be evaluated denies with the error, or admits with a warning under Ignore', () => {
    const rules = { validation: { rules: [{ cel: 'self.spec.nope > 1', message: 'nope too small' }] } };
    const failed = validateRequest(admissionBox(rules), request(web({})));
    assert.equal(failed.allowed, false);
    assert.match(failed.status?.message ?? '', /nope too small .*could not be evaluated: .*CEL evaluation failed/);
    const ignored = validateRequest(admissionBox(rules, 'Ignore'), request(web({})));
    assert.equal(ignored.allowed, true);
    assert.match(ignored.warnings?.[0] ?? '', /could not be evaluated.*admitted: failurePolicy Ignore/);
  });
});

describe('mutating webhook', () => {
  const box = admissionBox({
    mutation: {
      rules: [
        { field: 'spec.port', default: 8080 },
        { field: 'spec.labels.tier', value: 'web' },
        { field: 'spec.url', default: 'http://{{ .metadata.name }}:{{ .spec.port }}' },
      ],
    },
  });

  test('defaults where absent, as a JSONPatch; a reinvocation returns no patch', () => {
    const original = web({ replicas: 1 });
    const first = mutateRequest(box, request(original));
    assert.equal(first.patchType, 'JSONPatch');
    const patched = applyPatch(original, first.patch);
    assert.deepEqual(patched.spec, { replicas: 1, port: 8080, labels: { tier: 'web' }, url: 'http://w:8080' });
    assert.deepEqual(mutateRequest(box, request(patched)), { uid: 'u1', allowed: true });
  });

  test('a given value is kept', () => {
    const res = mutateRequest(box, request(web({ port: 9000, labels: { tier: 'web' }, url: 'x' })));
    assert.equal(res.patch, undefined);
  });

  test('a template that fails denies under Fail and admits unchanged under Ignore', () => {
    const rules = { mutation: { rules: [{ field: 'spec.url', default: '{{ .spec.host }}' }] } };
    const failed = mutateRequest(admissionBox(rules), request(web({})));
    assert.equal(failed.allowed, false);
    assert.match(failed.status?.message ?? '', /mutation of box k\/web failed: .*missing field \.spec\.host/);
    const ignored = mutateRequest(admissionBox(rules, 'Ignore'), request(web({})));
    assert.equal(ignored.allowed, true);
    assert.equal(ignored.patch, undefined);
  });
});

describe('JSON patch', () => {
  test('adds, replaces and removes with escaped keys', () => {
    assert.deepEqual(
      diffPatch({ a: 1, b: { 'x/y': 1, '~t': 2 }, c: [1] }, { a: 2, b: { 'x/y': 3 }, c: [1, 2], d: null }),
      [
        { op: 'replace', path: '/a', value: 2 },
        { op: 'replace', path: '/b/x~1y', value: 3 },
        { op: 'remove', path: '/b/~0t' },
        { op: 'replace', path: '/c', value: [1, 2] },
        { op: 'add', path: '/d', value: null },
      ],
    );
    assert.deepEqual(diffPatch({ a: { b: 1 } }, { a: { b: 1 } }), []);
  });
});

describe('review parsing', () => {
  const cases: [string, unknown, RegExp][] = [
    ['not an object', 'hello', /body must be a JSON AdmissionReview/],
    [
      'wrong kind',
      { apiVersion: 'admission.k8s.io/v1', kind: 'Pod' },
      /expected apiVersion admission\.k8s\.io\/v1, kind AdmissionReview/,
    ],
    [
      'v1beta1',
      { apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', request: {} },
      /expected apiVersion/,
    ],
    ['no request', { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }, /has no request/],
    ['no uid', { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { operation: 'CREATE' } }, /uid/],
    [
      'bad operation',
      {
        apiVersion: 'admission.k8s.io/v1',
        kind: 'AdmissionReview',
        request: { uid: 'x', operation: 'PATCH', object: {} },
      },
      /operation must be one of/,
    ],
    [
      'no object',
      { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'x', operation: 'CREATE' } },
      /neither object nor oldObject/,
    ],
    [
      'object is a list',
      {
        apiVersion: 'admission.k8s.io/v1',
        kind: 'AdmissionReview',
        request: { uid: 'x', operation: 'CREATE', object: [] },
      },
      /request\.object must be an object/,
    ],
  ];
  for (const [name, body, message] of cases) {
    test(`admission: ${name} is a BadReview`, () => {
      assert.throws(
        () => parseAdmissionReview(body),
        (err: Error) => err instanceof BadReview && message.test(err.message),
      );
    });
  }
  test('conversion: objects must carry an apiVersion', () => {
    const body = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'ConversionReview',
      request: { uid: 'x', desiredAPIVersion: 'a/v1', objects: [{ kind: 'W' }] },
    };
    assert.throws(() => parseConversionReview(body), /objects\[0\] must be an object with an apiVersion/);
  });
});
