// Cluster access for the CLI, flag for flag as kubectl: --kubeconfig (else $KUBECONFIG, else
// ~/.kube/config, else in-cluster), --context (else the current context) and -n (else the
// context's namespace, else default).
import type { KubeConfig } from '@kubernetes/client-node';
import { type ApiClient, createApiClient, loadKubeConfig } from '../kube/api-client.ts';
import { CliError, EXIT_USAGE } from './terminal.ts';

export interface ClusterFlags {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly namespace?: string;
}

export interface Cluster {
  readonly client: ApiClient;
  /** The namespace -n names, or the context's, or default. */
  readonly namespace: string;
}

/** The kubeconfig the flags name, switched to --context when given. */
export function kubeConfigFor(flags: Pick<ClusterFlags, 'kubeconfig' | 'context'>): KubeConfig {
  let kc: KubeConfig;
  try {
    kc = loadKubeConfig(flags.kubeconfig);
  } catch (err) {
    throw new CliError(
      `cannot load kubeconfig: ${(err as Error).message}; pass --kubeconfig FILE or set KUBECONFIG (in a pod the service account is used)`,
      EXIT_USAGE,
    );
  }
  if (flags.context !== undefined) {
    if (!kc.getContextObject(flags.context)) {
      throw new CliError(`context "${flags.context}" does not exist in the kubeconfig`, EXIT_USAGE);
    }
    kc.setCurrentContext(flags.context);
  }
  return kc;
}

export function connect(flags: ClusterFlags): Cluster {
  const kc = kubeConfigFor(flags);
  const contextNamespace = kc.getContextObject(kc.getCurrentContext())?.namespace;
  try {
    return { client: createApiClient(kc), namespace: flags.namespace ?? contextNamespace ?? 'default' };
  } catch (err) {
    throw new CliError(`cannot reach a cluster: ${(err as Error).message}`, EXIT_USAGE);
  }
}
