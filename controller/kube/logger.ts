/**
 * What controller/kube needs of a logger. Kept minimal so these modules stay free of the
 * logging library; controller/observe's Logger satisfies it.
 */
export interface KubeLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}
