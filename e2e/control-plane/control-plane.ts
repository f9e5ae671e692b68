import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBinaries } from './binaries.ts';
import { type Component, startComponent, waitUntilReady } from './component.ts';
import { writeCredentials } from './credentials.ts';
import { kubeconfigYaml, writeKubeconfig } from './kubeconfig.ts';
import { freePort } from './ports.ts';
import { httpGet } from './probe.ts';

export interface ControlPlaneOptions {
  /** Start kube-controller-manager (garbage collector, namespace, deployment, replicaset, serviceaccount). Default true. */
  readonly controllerManager?: boolean;
  /** Extra kube-controller-manager flags (the benchmark lifts its client rate limit). */
  readonly controllerManagerArgs?: readonly string[];
  /** Readiness deadline per component. Default 60 s. */
  readonly timeoutMs?: number;
  /** Extra kube-apiserver flags, e.g. `--watch-cache=false`. */
  readonly apiserverArgs?: readonly string[];
  /**
   * Write the API server's audit log (JSON lines, Metadata level, write verbs only) to this file,
   * e.g. to tell apart the writes of several controller processes by their User-Agent.
   */
  readonly auditLogPath?: string;
}

/** A component `restart` can stop and start again on the same ports and data directory. */
export type RestartableComponent = 'apiserver' | 'etcd';

export interface RestartOptions {
  /** How long the component stays down between stop and start. Default 0. */
  readonly downtimeMs?: number;
  /** How long a graceful stop (SIGTERM) may take before SIGKILL. Default 10 s; 0 kills at once. */
  readonly graceMs?: number;
}

/** Every write request at Metadata level (who, what, when, which User-Agent); nothing else. */
const AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: Metadata
    verbs: [create, update, patch, delete, deletecollection]
  - level: None
`;

/**
 * A running etcd + kube-apiserver (+ kube-controller-manager) on loopback, owning a temporary
 * directory. `stop` ends every process and removes the directory; it is safe to call twice.
 */
export interface ControlPlane {
  readonly server: string;
  /** etcd's client URL (plain HTTP on loopback), for tests that talk to storage directly. */
  readonly etcdUrl: string;
  readonly adminToken: string;
  readonly caPem: Buffer;
  readonly kubeconfigPath: string;
  readonly kubeconfig: string;
  readonly dir: string;
  /** The running processes; `restart` replaces an entry with its new process. */
  readonly components: readonly Component[];
  /** Stops one component and starts it again with the same flags; resolves once it is ready. */
  restart(component: RestartableComponent, options?: RestartOptions): Promise<void>;
  stop(): Promise<void>;
}

/** The controllers the tests rely on: owner-reference GC, namespace deletion, Deployment → ReplicaSet → Pod. */
const CONTROLLERS = 'garbagecollector,namespace,deployment,replicaset,serviceaccount,clusterrole-aggregation';

export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const bin = await ensureBinaries();
  const dir = await mkdtemp(join(tmpdir(), 'orkestra-cp-'));
  const components: Component[] = [];
  const stop = async () => {
    // Reverse start order: the controller manager and apiserver go before their storage.
    for (const c of [...components].reverse()) await c.stop();
    components.length = 0;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const creds = await writeCredentials(dir);

    const etcdPort = await freePort();
    const peerPort = await freePort();
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const etcdArgs = [
      '--name=orkestra',
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-cluster=orkestra=http://127.0.0.1:${peerPort}`,
      // Test data is disposable; fsync dominates write latency on small VMs.
      '--unsafe-no-fsync=true',
      '--log-level=warn',
    ];
    const startEtcd = async () => {
      const etcd = startComponent('etcd', bin.etcd, etcdArgs, join(dir, 'etcd.log'));
      components.push(etcd);
      await waitUntilReady(
        etcd,
        async () => {
          const r = await httpGet(`${etcdUrl}/health`);
          return r.status === 200 || `HTTP ${r.status} ${r.body}`;
        },
        timeoutMs,
      );
    };
    await startEtcd();

    const apiPort = await freePort();
    const server = `https://127.0.0.1:${apiPort}`;
    const certDir = join(dir, 'pki');
    const audit: string[] = [];
    if (options.auditLogPath) {
      const policy = join(dir, 'audit-policy.yaml');
      await writeFile(policy, AUDIT_POLICY);
      audit.push(
        `--audit-policy-file=${policy}`,
        `--audit-log-path=${options.auditLogPath}`,
        '--audit-log-format=json',
        '--audit-log-mode=blocking',
      );
    }
    const apiserverArgs = [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1',
      // Without it the apiserver derives its address from the default route, which a sandbox may lack.
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--cert-dir=${certDir}`,
      // A /16: benchmarks and tests create more than the 254 Services a /24 holds.
      '--service-cluster-ip-range=10.0.0.0/16',
      `--service-account-issuer=${server}`,
      `--service-account-key-file=${creds.serviceAccountPublicKeyFile}`,
      `--service-account-signing-key-file=${creds.serviceAccountKeyFile}`,
      `--token-auth-file=${creds.tokenFile}`,
      '--authorization-mode=RBAC',
      // Pods are never run here (no kubelet); the plugin would reject them before the default SA exists.
      '--disable-admission-plugins=ServiceAccount',
      '--allow-privileged=true',
      // A loopback advertise address makes the endpoint reconciler write an invalid EndpointSlice forever.
      '--endpoint-reconciler-type=none',
      ...(options.apiserverArgs ?? []),
      ...audit,
    ];
    // kube-apiserver writes a self-signed serving cert whose file also holds its CA (SANs: 127.0.0.1, not localhost).
    // A restart finds it in place and serves the same one.
    const caFile = join(certDir, 'apiserver.crt');
    let caPem = Buffer.alloc(0);
    const startApiserver = async () => {
      const apiserver = startComponent(
        'kube-apiserver',
        bin.kubeApiserver,
        apiserverArgs,
        join(dir, 'kube-apiserver.log'),
      );
      components.push(apiserver);
      await waitUntilReady(
        apiserver,
        async () => {
          if (!existsSync(caFile)) return `${caFile} not written yet`;
          caPem = await readFile(caFile);
          const r = await httpGet(`${server}/readyz?verbose`, { ca: caPem, token: creds.adminToken });
          if (r.status === 200) return true;
          const failing = r.body.split('\n').filter((l) => l.startsWith('[-]'));
          return `HTTP ${r.status}: ${failing.join(' ')}`;
        },
        timeoutMs,
      );
    };
    await startApiserver();

    const kubeconfig = kubeconfigYaml(server, caPem, creds.adminToken);
    const kubeconfigPath = join(dir, 'kubeconfig');
    await writeKubeconfig(kubeconfigPath, kubeconfig);

    if (options.controllerManager ?? true) {
      const kcm = startComponent(
        'kube-controller-manager',
        bin.kubeControllerManager,
        [
          `--kubeconfig=${kubeconfigPath}`,
          `--controllers=${CONTROLLERS}`,
          '--leader-elect=false',
          // No serving endpoint: nothing scrapes it, and readiness is judged by its effect below.
          '--secure-port=0',
          '--use-service-account-credentials=false',
          `--service-account-private-key-file=${creds.serviceAccountKeyFile}`,
          `--root-ca-file=${caFile}`,
          ...(options.controllerManagerArgs ?? []),
        ],
        join(dir, 'kube-controller-manager.log'),
      );
      components.push(kcm);
      // Ready when its controllers act: the serviceaccount controller fills in `default/default`.
      await waitUntilReady(
        kcm,
        async () => {
          const r = await httpGet(`${server}/api/v1/namespaces/default/serviceaccounts/default`, {
            ca: caPem,
            token: creds.adminToken,
          });
          return r.status === 200 || `default service account: HTTP ${r.status}`;
        },
        timeoutMs,
      );
    }

    const starts: Record<RestartableComponent, { name: string; start: () => Promise<void> }> = {
      etcd: { name: 'etcd', start: startEtcd },
      apiserver: { name: 'kube-apiserver', start: startApiserver },
    };
    const restart = async (which: RestartableComponent, restartOptions: RestartOptions = {}) => {
      const { name, start } = starts[which];
      const index = components.findIndex((c) => c.name === name);
      const running = components[index];
      if (!running) throw new Error(`${name} is not running`);
      components.splice(index, 1);
      await running.stop(restartOptions.graceMs);
      if (restartOptions.downtimeMs) await new Promise((r) => setTimeout(r, restartOptions.downtimeMs));
      await start();
      // Back in its place, so `stop` still ends the API server before its storage.
      const started = components.pop();
      if (started) components.splice(index, 0, started);
    };

    return {
      server,
      etcdUrl,
      adminToken: creds.adminToken,
      caPem,
      kubeconfigPath,
      kubeconfig,
      dir,
      components,
      restart,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
