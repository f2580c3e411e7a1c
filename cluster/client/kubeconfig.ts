/**
 * Reads a kubeconfig (clientcmd v1 `Config`) into connection settings: the current
 * context's cluster and user, with `*-data` fields decoded and file references
 * resolved relative to the kubeconfig's folder, as clientcmd does.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';

/** Everything needed to reach and authenticate to one API server. */
export interface ConnectionConfig {
  /** e.g. `https://127.0.0.1:6443` (http:// also accepted, for tests). */
  server: string;
  /** CA bundle PEM that signs the serving certificate. */
  ca?: string;
  /** Client certificate PEM (mTLS). */
  cert?: string;
  /** Client private key PEM. */
  key?: string;
  /** Bearer token. */
  token?: string;
  /** Skip server certificate verification (kubeconfig `insecure-skip-tls-verify`). */
  insecureSkipTLSVerify?: boolean;
  /** TLS server name to verify instead of the URL's host (kubeconfig `tls-server-name`). */
  tlsServerName?: string;
  /** The context's default namespace, if any. */
  namespace?: string;
}

interface KubeconfigDoc {
  'current-context'?: string;
  clusters?: Array<{ name?: string; cluster?: Record<string, unknown> }>;
  users?: Array<{ name?: string; user?: Record<string, unknown> }>;
  contexts?: Array<{ name?: string; context?: { cluster?: string; user?: string; namespace?: string } }>;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** `<field>-data` (base64) wins over `<field>` (a path), as in clientcmd. */
function inlineOrFile(section: Record<string, unknown>, field: string, baseDir: string): string | undefined {
  const data = str(section[`${field}-data`]);
  if (data) return Buffer.from(data, 'base64').toString('utf8');
  const file = str(section[field]);
  if (!file) return undefined;
  return readFileSync(isAbsolute(file) ? file : resolve(baseDir, file), 'utf8');
}

/** Parses kubeconfig YAML text; `baseDir` resolves relative file references. `context` overrides current-context. */
export function parseKubeconfig(text: string, baseDir: string, context?: string): ConnectionConfig {
  const doc = (parse(text) ?? {}) as KubeconfigDoc;
  const ctxName = context ?? str(doc['current-context']);
  if (!ctxName) throw new Error('kubeconfig: no current-context');
  const ctx = doc.contexts?.find((c) => c.name === ctxName)?.context;
  if (!ctx) throw new Error(`kubeconfig: context "${ctxName}" not found`);
  const cluster = doc.clusters?.find((c) => c.name === ctx.cluster)?.cluster;
  if (!cluster) throw new Error(`kubeconfig: cluster "${ctx.cluster ?? ''}" of context "${ctxName}" not found`);
  const user = (ctx.user ? doc.users?.find((u) => u.name === ctx.user)?.user : undefined) ?? {};
  const server = str(cluster.server);
  if (!server) throw new Error(`kubeconfig: cluster "${ctx.cluster}" has no server`);

  const cfg: ConnectionConfig = { server: server.replace(/\/+$/, '') };
  const ca = inlineOrFile(cluster, 'certificate-authority', baseDir);
  if (ca) cfg.ca = ca;
  if (cluster['insecure-skip-tls-verify'] === true) cfg.insecureSkipTLSVerify = true;
  const tlsServerName = str(cluster['tls-server-name']);
  if (tlsServerName) cfg.tlsServerName = tlsServerName;
  const cert = inlineOrFile(user, 'client-certificate', baseDir);
  const key = inlineOrFile(user, 'client-key', baseDir);
  if (cert) cfg.cert = cert;
  if (key) cfg.key = key;
  const token = str(user.token) ?? (str(user.tokenFile) ? readFileSync(resolve(baseDir, str(user.tokenFile)!), 'utf8').trim() : undefined);
  if (token) cfg.token = token;
  if (ctx.namespace) cfg.namespace = ctx.namespace;
  return cfg;
}

/** Reads and parses a kubeconfig file. */
export function loadKubeconfig(path: string, context?: string): ConnectionConfig {
  return parseKubeconfig(readFileSync(path, 'utf8'), dirname(resolve(path)), context);
}
