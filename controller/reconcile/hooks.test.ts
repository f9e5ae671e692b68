import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject } from '../kube/object.ts';
import { mergeChildren } from './hooks.ts';
import type { DesiredChild } from './render.ts';

const child = (kind: string, name: string, from: string, apiVersion = 'v1'): DesiredChild =>
  ({
    template: { where: from },
    resource: {},
    object: { apiVersion, kind, metadata: { name, namespace: 'ns' }, data: { from } } as KubeObject,
  }) as unknown as DesiredChild;

const from = (list: DesiredChild[]) =>
  list.map((d) => `${d.object.kind}/${d.object.metadata.name}:${d.template.where}`);

describe('merging hook children with the templates', () => {
  const rendered = [child('ConfigMap', 'a', 'template'), child('Service', 'a', 'template')];
  const hook = [child('ConfigMap', 'a', 'hook'), child('ConfigMap', 'b', 'hook')];

  test("the hook adds children; the template's child wins a tie without override", () => {
    assert.deepEqual(from(mergeChildren(rendered, hook, false)), [
      'ConfigMap/a:template',
      'Service/a:template',
      'ConfigMap/b:hook',
    ]);
  });

  test("with override the hook's child replaces the template's", () => {
    assert.deepEqual(from(mergeChildren(rendered, hook, true)), [
      'ConfigMap/a:hook',
      'Service/a:template',
      'ConfigMap/b:hook',
    ]);
  });

  test('children are matched by kind, namespace and name, whatever their apiVersion', () => {
    const hpa = [child('HorizontalPodAutoscaler', 'h', 'template', 'autoscaling/v2')];
    const older = [child('HorizontalPodAutoscaler', 'h', 'hook', 'autoscaling/v1')];
    assert.deepEqual(from(mergeChildren(hpa, older, true)), ['HorizontalPodAutoscaler/h:hook']);
  });
});
