// deployments, statefulSets, jobs, cronJobs: one container each, synthesized with cdk8s-plus-28 workload
// constructs. cdk8s-plus fills pod and container fields with its own opinions (security context, pull
// policy, probes, resources, DNS and termination settings); `podInjections` lists them and they are removed.

import type { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { type KubeManifest, RenderError, WORKLOAD_LABEL } from './model.ts';
import { type FieldReader, toQuantity } from './reader.ts';
import {
  type Common,
  defineKind,
  type Injection,
  metadataOf,
  pointerToken,
  scratchChart,
  setPointer,
} from './synth.ts';

interface EnvVar {
  name: string;
  value: string;
}

interface Resources {
  requests?: Record<string, string>;
  limits?: Record<string, string>;
}

/** The container and pod fields every workload entry takes. */
interface PodInput {
  containerName: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  port?: number;
  resources?: Resources;
  serviceAccountName?: string;
}

function quantities(r: FieldReader, field: 'requests' | 'limits'): Record<string, string> | undefined {
  const map = r.optStringMap(field);
  if (!map) return undefined;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(map)) out[name] = toQuantity(r.path(`${field}.${name}`), value);
  return Object.keys(out).length > 0 ? out : undefined;
}

function readPod(r: FieldReader, common: Common): PodInput {
  const pod: PodInput = {
    image: r.str('image'),
    containerName: r.optStr('containerName') ?? common.name,
  };
  const command = r.optStringList('command');
  if (command && command.length > 0) pod.command = command;
  const args = r.optStringList('args');
  if (args && args.length > 0) pod.args = args;
  const env = r.objects('env', false);
  if (env && env.length > 0) {
    const seen = new Set<string>();
    pod.env = env.map((e) => {
      const name = e.str('name');
      // Server-side apply merges env by name: a duplicate is rejected by the API server.
      if (seen.has(name)) throw new RenderError(e.path('name'), `duplicate environment variable ${name}`);
      seen.add(name);
      const value = e.strOrEmpty('value');
      e.done();
      return { name, value };
    });
  }
  const port = r.optInt('port', { min: 1, max: 65535 });
  if (port !== undefined) pod.port = port;
  const resources = r.object('resources', false);
  if (resources) {
    const requests = quantities(resources, 'requests');
    const limits = quantities(resources, 'limits');
    resources.done();
    if (requests || limits) pod.resources = { ...(requests && { requests }), ...(limits && { limits }) };
  }
  const serviceAccountName = r.optStr('serviceAccountName');
  if (serviceAccountName !== undefined) pod.serviceAccountName = serviceAccountName;
  // Pod labels = entry labels + the workload label; the selector is the workload label alone.
  const own = common.labels?.[WORKLOAD_LABEL];
  if (own !== undefined && own !== common.name) {
    throw new RenderError(
      `labels.${WORKLOAD_LABEL}`,
      `is set by the renderer to the entry name (${common.name}); got ${JSON.stringify(own)}`,
    );
  }
  return pod;
}

function podLabels(common: Common): Record<string, string> {
  return { ...common.labels, [WORKLOAD_LABEL]: common.name };
}

function containerProps(pod: PodInput): kplus.ContainerProps {
  return {
    name: pod.containerName,
    image: pod.image,
    command: pod.command,
    args: pod.args,
    // `ports`, not `portNumber`: portNumber also adds a TCP startupProbe.
    ports: pod.port === undefined ? undefined : [{ number: pod.port }],
    // `{}` instead of undefined: undefined means cpu 1000m/1500m and memory 512Mi/2048Mi.
    resources: {},
  };
}

function serviceAccountOf(chart: Chart, pod: PodInput): kplus.IServiceAccount | undefined {
  return pod.serviceAccountName === undefined
    ? undefined
    : kplus.ServiceAccount.fromServiceAccountName(chart, 'serviceAccount', pod.serviceAccountName);
}

/** What cdk8s-plus-28 adds to every pod template it synthesizes (`template` is the pointer of the template). */
function podInjections<S>(template: string, restartPolicyAsked: boolean): Injection<S>[] {
  const spec = `${template}/spec`;
  const container = `${spec}/containers/0`;
  const injected: Injection<S>[] = [
    { path: `${template}/metadata/labels/${pointerToken('cdk8s.io/metadata.addr')}` },
    { path: `${spec}/automountServiceAccountToken`, value: false },
    { path: `${spec}/dnsPolicy`, value: 'ClusterFirst' },
    { path: `${spec}/hostNetwork`, value: false },
    { path: `${spec}/securityContext`, value: { fsGroupChangePolicy: 'Always', runAsNonRoot: true } },
    { path: `${spec}/setHostnameAsFQDN`, value: false },
    { path: `${spec}/terminationGracePeriodSeconds`, value: 30 },
    { path: `${container}/imagePullPolicy`, value: 'Always' },
    {
      path: `${container}/securityContext`,
      value: { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true },
    },
  ];
  // Jobs must say Never or OnFailure, so there the value is the entry's (or Never) and stays.
  if (!restartPolicyAsked) injected.push({ path: `${spec}/restartPolicy`, value: 'Always' });
  return injected;
}

/** env and resources are written verbatim: cdk8s-plus keeps env in a map and rewrites quantities (1Gi → 1024Mi). */
function finishPod(manifest: KubeManifest, template: string, pod: PodInput): void {
  const container = `${template}/spec/containers/0`;
  if (pod.env)
    setPointer(
      manifest,
      `${container}/env`,
      pod.env.map((e) => ({ name: e.name, value: e.value })),
    );
  if (pod.resources) setPointer(manifest, `${container}/resources`, structuredClone(pod.resources));
}

const RESTART_POLICIES = ['Never', 'OnFailure'] as const;
const RESTART = { Never: kplus.RestartPolicy.NEVER, OnFailure: kplus.RestartPolicy.ON_FAILURE } as const;

// ---------------------------------------------------------------------------------------------

interface DeploymentSpec {
  pod: PodInput;
  replicas?: number;
}

const TEMPLATE = '/spec/template';

export const deployments = defineKind<DeploymentSpec>({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  via: 'cdk8s-plus-28 Deployment',
  parse(r, common) {
    const pod = readPod(r, common);
    const replicas = r.optInt('replicas');
    return replicas === undefined ? { pod } : { pod, replicas };
  },
  build(chart, spec, common) {
    const deployment = new kplus.Deployment(chart, 'object', {
      metadata: metadataOf(common),
      select: false,
      podMetadata: { labels: podLabels(common) },
      replicas: spec.replicas,
      serviceAccount: serviceAccountOf(chart, spec.pod),
      containers: [containerProps(spec.pod)],
    });
    deployment.select(kplus.LabelSelector.of({ labels: { [WORKLOAD_LABEL]: common.name } }));
  },
  injected: [
    { path: '/spec/replicas', value: 2, keep: (s) => s.replicas !== undefined },
    { path: '/spec/minReadySeconds', value: 0 },
    { path: '/spec/progressDeadlineSeconds', value: 600 },
    {
      path: '/spec/strategy',
      value: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' },
    },
    ...podInjections<DeploymentSpec>(TEMPLATE, false),
  ],
  finish(manifest, spec) {
    finishPod(manifest, TEMPLATE, spec.pod);
  },
});

// ---------------------------------------------------------------------------------------------

interface StatefulSetSpec extends DeploymentSpec {
  serviceName?: string;
}

/** cdk8s-plus needs a Service construct to name; without serviceName this stand-in's name is removed again. */
const NO_SERVICE = 'orkestra-no-governing-service';

export const statefulSets = defineKind<StatefulSetSpec>({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  via: 'cdk8s-plus-28 StatefulSet',
  parse(r, common) {
    const spec: StatefulSetSpec = { pod: readPod(r, common) };
    const replicas = r.optInt('replicas');
    if (replicas !== undefined) spec.replicas = replicas;
    const serviceName = r.optStr('serviceName');
    if (serviceName !== undefined) spec.serviceName = serviceName;
    return spec;
  },
  build(chart, spec, common) {
    // Without a `service`, cdk8s-plus creates a headless Service as a second object. A Service construct in a
    // chart that is never synthesized only lends its name.
    const service = new kplus.Service(scratchChart(chart), 'governing', {
      metadata: { name: spec.serviceName ?? NO_SERVICE },
    });
    const statefulSet = new kplus.StatefulSet(chart, 'object', {
      metadata: metadataOf(common),
      select: false,
      service,
      podMetadata: { labels: podLabels(common) },
      replicas: spec.replicas,
      serviceAccount: serviceAccountOf(chart, spec.pod),
      containers: [containerProps(spec.pod)],
    });
    statefulSet.select(kplus.LabelSelector.of({ labels: { [WORKLOAD_LABEL]: common.name } }));
  },
  injected: [
    { path: '/spec/replicas', value: 1, keep: (s) => s.replicas !== undefined },
    // serviceName was never required by validation; kubernetes/kubernetes#130233 marked it optional in the API.
    { path: '/spec/serviceName', value: NO_SERVICE, keep: (s) => s.serviceName !== undefined },
    { path: '/spec/minReadySeconds', value: 0 },
    { path: '/spec/podManagementPolicy', value: 'OrderedReady' },
    { path: '/spec/updateStrategy', value: { rollingUpdate: { partition: 0 }, type: 'RollingUpdate' } },
    ...podInjections<StatefulSetSpec>(TEMPLATE, false),
  ],
  finish(manifest, spec) {
    finishPod(manifest, TEMPLATE, spec.pod);
  },
});

// ---------------------------------------------------------------------------------------------

interface JobSpec {
  pod: PodInput;
  backoffLimit?: number;
  restartPolicy: (typeof RESTART_POLICIES)[number];
}

function readJob(r: FieldReader, common: Common): JobSpec {
  const spec: JobSpec = {
    pod: readPod(r, common),
    // A Job's pods must say Never or OnFailure (Kubernetes rejects its default, Always).
    restartPolicy: r.optOneOf('restartPolicy', RESTART_POLICIES) ?? 'Never',
  };
  const backoffLimit = r.optInt('backoffLimit');
  if (backoffLimit !== undefined) spec.backoffLimit = backoffLimit;
  return spec;
}

function jobProps(chart: Chart, spec: JobSpec, common: Common): kplus.JobProps {
  return {
    metadata: metadataOf(common),
    podMetadata: { labels: podLabels(common) },
    backoffLimit: spec.backoffLimit,
    restartPolicy: RESTART[spec.restartPolicy],
    serviceAccount: serviceAccountOf(chart, spec.pod),
    containers: [containerProps(spec.pod)],
  };
}

export const jobs = defineKind<JobSpec>({
  apiVersion: 'batch/v1',
  kind: 'Job',
  via: 'cdk8s-plus-28 Job',
  parse: readJob,
  build(chart, spec, common) {
    new kplus.Job(chart, 'object', jobProps(chart, spec, common));
  },
  injected: podInjections<JobSpec>(TEMPLATE, true),
  finish(manifest, spec) {
    finishPod(manifest, TEMPLATE, spec.pod);
  },
});

// ---------------------------------------------------------------------------------------------

interface CronJobSpec extends JobSpec {
  schedule: string;
}

const JOB_TEMPLATE = '/spec/jobTemplate/spec/template';

export const cronJobs = defineKind<CronJobSpec>({
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  via: 'cdk8s-plus-28 CronJob',
  parse(r, common) {
    const schedule = r.str('schedule');
    return { ...readJob(r, common), schedule };
  },
  build(chart, spec, common) {
    new kplus.CronJob(chart, 'object', {
      ...jobProps(chart, spec, common),
      // The expression verbatim (`@hourly`, `CRON_TZ=…` included): cdk8s' Cron only carries the string.
      schedule: { expressionString: spec.schedule },
    });
  },
  injected: [
    { path: '/spec/concurrencyPolicy', value: 'Forbid' },
    { path: '/spec/startingDeadlineSeconds', value: 10 },
    { path: '/spec/successfulJobsHistoryLimit', value: 3 },
    { path: '/spec/failedJobsHistoryLimit', value: 1 },
    { path: '/spec/suspend', value: false },
    ...podInjections<CronJobSpec>(JOB_TEMPLATE, true),
  ],
  finish(manifest, spec) {
    finishPod(manifest, JOB_TEMPLATE, spec.pod);
  },
});
