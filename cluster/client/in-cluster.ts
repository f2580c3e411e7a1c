/**
 * In-cluster configuration, as client-go's rest.InClusterConfig: a pod reaches the API
 * server through the `kubernetes` Service (KUBERNETES_SERVICE_HOST/PORT, set by the
 * kubelet) and authenticates with its service-account token, trusting the cluster CA,
 * both mounted at /var/run/secrets/kubernetes.io/serviceaccount.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConnectionConfig } from './kubeconfig.js';
import { RestClient } from './rest-client.js';
import type { RestClientOptions } from './rest-client.js';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface InClusterSource {
  /** Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Default: SERVICE_ACCOUNT_DIR. */
  serviceAccountDir?: string;
}

/** The connection settings of the pod we run in; throws (as client-go's ErrNotInCluster) outside one. */
export function inClusterConfig(src: InClusterSource = {}): ConnectionConfig {
  const env = src.env ?? process.env;
  const dir = src.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) throw new Error('unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined');
  const tokenFile = join(dir, 'token');
  if (!existsSync(tokenFile)) throw new Error(`unable to load in-cluster configuration: no service-account token at ${tokenFile}`);
  const cfg: ConnectionConfig = {
    // IPv6 hosts need brackets in a URL (client-go uses net.JoinHostPort).
    server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    token: readFileSync(tokenFile, 'utf8').trim(),
  };
  const caFile = join(dir, 'ca.crt');
  if (existsSync(caFile)) cfg.ca = readFileSync(caFile, 'utf8');
  const nsFile = join(dir, 'namespace');
  if (existsSync(nsFile)) cfg.namespace = readFileSync(nsFile, 'utf8').trim() || undefined;
  return cfg;
}

/** A RestClient for the pod we run in. */
export function inClusterClient(opts: Omit<RestClientOptions, keyof ConnectionConfig> & InClusterSource = {}): RestClient {
  const { env, serviceAccountDir, ...rest } = opts;
  return new RestClient({ ...inClusterConfig({ env, serviceAccountDir }), ...rest });
}
