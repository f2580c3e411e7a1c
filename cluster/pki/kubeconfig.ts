/**
 * A kubeconfig (clientcmd v1 `Config`) with the CA and client credentials embedded as
 * base64 *-data fields, so it works from any folder and on any machine that can reach
 * the server.
 */
import { dirname } from 'node:path';
import { mkdirSync } from 'node:fs';
import { stringify } from 'yaml';
import { writePrivateFile } from './files.js';

export interface KubeconfigOptions {
  /** e.g. `https://127.0.0.1:6443` */
  server: string;
  /** CA certificate PEM. */
  ca: string;
  /** Client certificate PEM. */
  clientCert: string;
  /** Client private key PEM. */
  clientKey: string;
  clusterName?: string;
  user?: string;
  context?: string;
  /** Default namespace of the context. */
  namespace?: string;
}

const b64 = (pem: string): string => Buffer.from(pem, 'utf8').toString('base64');

/** The kubeconfig document as YAML text. */
export function kubeconfigYaml(opts: KubeconfigOptions): string {
  const clusterName = opts.clusterName ?? 'kubarium';
  const user = opts.user ?? 'kubarium-admin';
  const context = opts.context ?? 'kubarium';
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: clusterName, cluster: { server: opts.server, 'certificate-authority-data': b64(opts.ca) } }],
    contexts: [
      {
        name: context,
        context: { cluster: clusterName, user, ...(opts.namespace ? { namespace: opts.namespace } : {}) },
      },
    ],
    'current-context': context,
    preferences: {},
    users: [
      {
        name: user,
        user: { 'client-certificate-data': b64(opts.clientCert), 'client-key-data': b64(opts.clientKey) },
      },
    ],
  };
  return stringify(doc, { lineWidth: 0 });
}

/** Writes the kubeconfig to `path` (atomically, mode 0600), creating its folder. */
export function writeKubeconfig(path: string, opts: KubeconfigOptions): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writePrivateFile(path, kubeconfigYaml(opts));
}
