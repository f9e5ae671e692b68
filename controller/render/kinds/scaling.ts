// hpa (cdk8s-plus-28 HorizontalPodAutoscaler) and pdb (cdk8s ApiObject: cdk8s-plus-28 has no
// PodDisruptionBudget construct).

import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { RenderError } from './model.ts';
import { defineKind, metadataOf } from './synth.ts';

const TARGET_KINDS = ['Deployment', 'StatefulSet'] as const;

interface HpaSpec {
  targetKind: (typeof TARGET_KINDS)[number];
  targetName: string;
  minReplicas?: number;
  maxReplicas: number;
  cpuUtilization?: number;
}

export const hpa = defineKind<HpaSpec>({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  via: 'cdk8s-plus-28 HorizontalPodAutoscaler',
  parse(r) {
    const spec: HpaSpec = {
      targetKind: r.optOneOf('targetKind', TARGET_KINDS) ?? 'Deployment',
      targetName: r.str('targetName'),
      maxReplicas: r.int('maxReplicas', { min: 1 }),
    };
    // 0 is accepted only with the HPAScaleToZero feature gate; the API server decides.
    const minReplicas = r.optInt('minReplicas');
    if (minReplicas !== undefined) {
      if (minReplicas > spec.maxReplicas) {
        throw new RenderError(
          r.path('minReplicas'),
          `must not exceed maxReplicas (${spec.maxReplicas}), got ${minReplicas}`,
        );
      }
      spec.minReplicas = minReplicas;
    }
    const cpuUtilization = r.optInt('cpuUtilization', { min: 1 });
    if (cpuUtilization !== undefined) spec.cpuUtilization = cpuUtilization;
    return spec;
  },
  build(chart, spec, common) {
    // The scaled workload is another child, named by the entry: a stand-in IScalable names it.
    const target: kplus.IScalable = {
      hasAutoscaler: true,
      markHasAutoscaler() {},
      toScalingTarget: () => ({ kind: spec.targetKind, apiVersion: 'apps/v1', name: spec.targetName, containers: [] }),
    };
    new kplus.HorizontalPodAutoscaler(chart, 'object', {
      metadata: metadataOf(common),
      target,
      maxReplicas: spec.maxReplicas,
      minReplicas: spec.minReplicas,
      // Without cpuUtilization: no metrics at all, and the API server's default (80% CPU) applies.
      metrics:
        spec.cpuUtilization === undefined
          ? []
          : [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(spec.cpuUtilization))],
    });
  },
  injected: [
    { path: '/spec/minReplicas', value: 1, keep: (s) => s.minReplicas !== undefined },
    { path: '/spec/metrics', value: [], keep: (s) => s.cpuUtilization !== undefined },
    {
      path: '/spec/behavior',
      value: {
        scaleDown: {
          policies: [{ periodSeconds: 300, type: 'Pods', value: 1 }],
          selectPolicy: 'Max',
          stabilizationWindowSeconds: 300,
        },
        scaleUp: {
          policies: [
            { periodSeconds: 60, type: 'Pods', value: 4 },
            { periodSeconds: 60, type: 'Percent', value: 200 },
          ],
          selectPolicy: 'Max',
          stabilizationWindowSeconds: 0,
        },
      },
    },
  ],
});

// ---------------------------------------------------------------------------------------------

interface PdbSpec {
  minAvailable?: number | string;
  maxUnavailable?: number | string;
  selector: Record<string, string>;
}

export const pdb = defineKind<PdbSpec>({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  via: 'cdk8s ApiObject',
  parse(r) {
    const spec: PdbSpec = { selector: r.stringMap('selector') };
    const minAvailable = r.optIntOrPercent('minAvailable');
    const maxUnavailable = r.optIntOrPercent('maxUnavailable');
    if ((minAvailable === undefined) === (maxUnavailable === undefined)) {
      throw new RenderError(r.path('minAvailable'), 'set exactly one of minAvailable or maxUnavailable');
    }
    if (minAvailable !== undefined) spec.minAvailable = minAvailable;
    if (maxUnavailable !== undefined) spec.maxUnavailable = maxUnavailable;
    return spec;
  },
  build(chart, spec, common) {
    new ApiObject(chart, 'object', {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: metadataOf(common),
      spec: {
        minAvailable: spec.minAvailable,
        maxUnavailable: spec.maxUnavailable,
        selector: { matchLabels: spec.selector },
      },
    });
  },
  injected: [],
});
