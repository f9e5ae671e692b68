// A client that authenticates as a ServiceAccount, so a suite can run the controller under RBAC
// it controls (grant, revoke) instead of the harness' all-powerful admin token.
import { KubeConfig } from '@kubernetes/client-node';
import {
  type ApiClient,
  ApiError,
  createApiClient,
  isNotFound,
  loadKubeConfig,
} from '../../controller/kube/api-client.ts';
import type { KubeObject } from '../../controller/kube/object.ts';
import { testKubeconfig } from './kubectl.ts';

export interface ServiceAccountIdentity {
  readonly namespace: string;
  readonly name: string;
  /** `system:serviceaccount:<namespace>:<name>`, the user name RBAC and error messages use. */
  readonly username: string;
}

/** Creates (or finds) the ServiceAccount and its namespace with the admin client. */
export async function ensureServiceAccount(
  admin: ApiClient,
  namespace: string,
  name: string,
): Promise<ServiceAccountIdentity> {
  await createIfMissing(admin, '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: namespace },
  });
  await createIfMissing(admin, `/api/v1/namespaces/${namespace}/serviceaccounts`, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, namespace },
  });
  return { namespace, name, username: `system:serviceaccount:${namespace}:${name}` };
}

/** A client whose requests carry a freshly issued token of the ServiceAccount (TokenRequest API). */
export async function serviceAccountClient(admin: ApiClient, sa: ServiceAccountIdentity): Promise<ApiClient> {
  const issued = await admin.request<{ status: { token: string } }>({
    method: 'POST',
    path: `/api/v1/namespaces/${sa.namespace}/serviceaccounts/${sa.name}/token`,
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
  });
  const base = loadKubeConfig(testKubeconfig());
  const cluster = base.getCurrentCluster();
  if (!cluster) throw new Error('test kubeconfig has no current cluster');
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [cluster],
    users: [{ name: sa.username, token: issued.status.token }],
    contexts: [{ name: 'sa', cluster: cluster.name, user: sa.username }],
    currentContext: 'sa',
  });
  return createApiClient(kc);
}

/** Binds a ClusterRole with these rules to the ServiceAccount (replacing earlier rules of that name). */
export async function grantClusterRole(
  admin: ApiClient,
  sa: ServiceAccountIdentity,
  roleName: string,
  rules: readonly Record<string, unknown>[],
): Promise<void> {
  await admin.request({
    method: 'PATCH',
    path: `/apis/rbac.authorization.k8s.io/v1/clusterroles/${roleName}`,
    query: { fieldManager: 'e2e', force: true },
    contentType: 'application/apply-patch+yaml',
    body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: roleName }, rules },
  });
  await admin.request({
    method: 'PATCH',
    path: `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${roleName}`,
    query: { fieldManager: 'e2e', force: true },
    contentType: 'application/apply-patch+yaml',
    body: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: roleName },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
      subjects: [{ kind: 'ServiceAccount', name: sa.name, namespace: sa.namespace }],
    },
  });
}

/** Removes a grant made by grantClusterRole; a missing one is fine. */
export async function revokeClusterRole(admin: ApiClient, roleName: string): Promise<void> {
  for (const path of [
    `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${roleName}`,
    `/apis/rbac.authorization.k8s.io/v1/clusterroles/${roleName}`,
  ]) {
    try {
      await admin.request({ method: 'DELETE', path });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

async function createIfMissing(admin: ApiClient, collection: string, body: KubeObject): Promise<void> {
  try {
    await admin.request({ method: 'POST', path: collection, body });
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 409)) throw err; // already there
  }
}
