// Cluster access for the CLI, flag for flag as kubectl: --kubeconfig (else $KUBECONFIG, else
// ~/.kube/config, else in-cluster), --context (else the current context) and -n (else the
// context's namespace, else default).
import type { KubeConfig } from '@kubernetes/client-node';
import { type ApiClient, type ClusterAccess, createApiClient } from '../kube/api-client.ts';
import { loadClusterAccess } from '../kube/credential-process.ts';
import { KubeconfigError, loadKubeContext } from '../kube/kubeconfig.ts';
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

/** The kubeconfig the flags name, switched to --context when given, loaded in this process. */
export function kubeConfigFor(flags: Pick<ClusterFlags, 'kubeconfig' | 'context'>): KubeConfig {
  try {
    return loadKubeContext(flags.kubeconfig, flags.context);
  } catch (err) {
    throw usageError(err);
  }
}

/**
 * The cluster the flags name, for the long-running controller: the credentials are resolved in a
 * child process (see credential-process.ts), so client-node never stays loaded in this one.
 */
export async function clusterAccessFor(flags: Pick<ClusterFlags, 'kubeconfig' | 'context'>): Promise<ClusterAccess> {
  try {
    return await loadClusterAccess(flags);
  } catch (err) {
    throw usageError(err);
  }
}

/** A kubeconfig problem in the words kubectl would use; other errors pass through. */
function usageError(err: unknown): unknown {
  if (!(err instanceof KubeconfigError)) return err;
  if (err.problem === 'unknown-context') return new CliError(err.message, EXIT_USAGE);
  if (err.problem === 'credentials') {
    return new CliError(
      `cannot get credentials for the kubeconfig user: ${err.message}; check the user of the kubeconfig context (--kubeconfig, --context)`,
    );
  }
  return new CliError(
    `cannot load kubeconfig: ${err.message}; pass --kubeconfig FILE or set KUBECONFIG (in a pod the service account is used)`,
    EXIT_USAGE,
  );
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
