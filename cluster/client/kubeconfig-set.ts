/**
 * The user's kubeconfig as kubectl loads it (clientcmd's ClientConfigLoadingRules): the files of $KUBECONFIG
 * (colon-separated; `;` on Windows), else ~/.kube/config, merged so the first file to define a cluster, user or
 * context name wins and current-context comes from the first file that sets one. Each entry keeps the folder
 * of its file, against which its relative paths resolve. Any context can then be turned into connection
 * settings — client certificates, bearer tokens, exec credential plugins included.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { ExecCredentialSource, parseExecConfig, type ExecClusterInfo } from './exec-credential.js';
import type { ConnectionConfig } from './kubeconfig.js';

type Section = Record<string, unknown>;

interface Named {
  name: string;
  /** Folder of the file that defined it. */
  baseDir: string;
  file: string;
}

export interface KubeconfigContext extends Named {
  cluster: string;
  user: string;
  namespace?: string;
}

/** Several kubeconfig files merged (clientcmd semantics). */
export interface KubeconfigSet {
  files: string[];
  currentContext?: string;
  contexts: KubeconfigContext[];
  clusters: Map<string, Named & { cluster: Section }>;
  users: Map<string, Named & { user: Section }>;
}

/** Connection settings for one context; `tokenSource` is set when an exec plugin supplies the token (ask it per request). */
export interface ContextConnection extends ConnectionConfig {
  tokenSource?: () => Promise<string | undefined>;
}

/** $KUBECONFIG's files (empty entries dropped, duplicates once), else ~/.kube/config. */
export function kubeconfigPaths(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string[] {
  const list = (env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  if (list.length > 0) return [...new Set(list.map((p) => resolve(p)))];
  return [join(env.HOME || home, '.kube', 'config')];
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

interface KubeconfigDoc {
  'current-context'?: string;
  clusters?: { name?: string; cluster?: Section }[];
  users?: { name?: string; user?: Section }[];
  contexts?: { name?: string; context?: { cluster?: string; user?: string; namespace?: string } }[];
}

/** Reads and merges the files; missing files are skipped (as kubectl does), unreadable YAML is an error naming the file. */
export function loadKubeconfigSet(paths: string[] = kubeconfigPaths()): KubeconfigSet {
  const set: KubeconfigSet = { files: [], contexts: [], clusters: new Map(), users: new Map() };
  const contextNames = new Set<string>();
  for (const file of paths) {
    if (!existsSync(file)) continue;
    let doc: KubeconfigDoc;
    try {
      doc = (parse(readFileSync(file, 'utf8')) ?? {}) as KubeconfigDoc;
    } catch (err) {
      throw new Error(`kubeconfig ${file}: ${(err as Error).message.split('\n')[0]}`);
    }
    if (typeof doc !== 'object') throw new Error(`kubeconfig ${file}: not a kubeconfig (expected a mapping)`);
    set.files.push(file);
    const baseDir = dirname(resolve(file));
    set.currentContext ??= str(doc['current-context']);
    for (const c of doc.clusters ?? []) if (c?.name && !set.clusters.has(c.name)) set.clusters.set(c.name, { name: c.name, baseDir, file, cluster: c.cluster ?? {} });
    for (const u of doc.users ?? []) if (u?.name && !set.users.has(u.name)) set.users.set(u.name, { name: u.name, baseDir, file, user: u.user ?? {} });
    for (const c of doc.contexts ?? []) {
      if (!c?.name || contextNames.has(c.name)) continue;
      contextNames.add(c.name);
      set.contexts.push({ name: c.name, baseDir, file, cluster: c.context?.cluster ?? '', user: c.context?.user ?? '', namespace: str(c.context?.namespace) });
    }
  }
  return set;
}

/** `<field>-data` (base64) wins over `<field>` (a path relative to the defining file), as in clientcmd. */
function inlineOrFile(section: Section, field: string, baseDir: string, what: string): string | undefined {
  const data = str(section[`${field}-data`]);
  if (data) return Buffer.from(data, 'base64').toString('utf8');
  const file = str(section[field]);
  if (!file) return undefined;
  const path = isAbsolute(file) ? file : resolve(baseDir, file);
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`kubeconfig: ${what} ${field} ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
}

/** The server URL of a context's cluster, or null when it names none. */
export function contextServer(set: KubeconfigSet, ctx: KubeconfigContext): string | null {
  return str(set.clusters.get(ctx.cluster)?.cluster.server) ?? null;
}

/**
 * Connection settings for context `name` (default: current-context). Runs its exec plugin once, so a broken
 * plugin fails here with a readable message rather than on the first request.
 */
export async function resolveContext(set: KubeconfigSet, name: string | undefined = set.currentContext): Promise<ContextConnection> {
  if (!name) throw new Error('kubeconfig: no current-context, name a context');
  const ctx = set.contexts.find((c) => c.name === name);
  if (!ctx) throw new Error(`kubeconfig: context "${name}" not found in ${set.files.join(', ') || 'any file'}`);
  const clusterEntry = set.clusters.get(ctx.cluster);
  if (!clusterEntry) throw new Error(`kubeconfig: cluster "${ctx.cluster}" of context "${name}" not found`);
  const cluster = clusterEntry.cluster;
  const server = str(cluster.server);
  if (!server) throw new Error(`kubeconfig: cluster "${ctx.cluster}" has no server`);
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new Error(`kubeconfig: cluster "${ctx.cluster}": server "${server}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`kubeconfig: cluster "${ctx.cluster}": server "${server}" is not http(s)`);

  // The server keeps its path (a proxy's prefix, e.g. https://host/k8s/clusters/c-1): RestClient prepends it.
  const cfg: ContextConnection = { server: server.replace(/\/+$/, '') };
  const ca = inlineOrFile(cluster, 'certificate-authority', clusterEntry.baseDir, `cluster "${ctx.cluster}"`);
  if (ca) cfg.ca = ca;
  if (cluster['insecure-skip-tls-verify'] === true) cfg.insecureSkipTLSVerify = true;
  const tlsServerName = str(cluster['tls-server-name']);
  if (tlsServerName) cfg.tlsServerName = tlsServerName;
  if (ctx.namespace) cfg.namespace = ctx.namespace;
  if (!ctx.user) return cfg;

  const userEntry = set.users.get(ctx.user);
  if (!userEntry) throw new Error(`kubeconfig: user "${ctx.user}" of context "${name}" not found`);
  const { user, baseDir } = userEntry;
  const what = `user "${ctx.user}"`;
  const cert = inlineOrFile(user, 'client-certificate', baseDir, what);
  const key = inlineOrFile(user, 'client-key', baseDir, what);
  if (!!cert !== !!key) throw new Error(`kubeconfig: ${what} has a client certificate without its key (or the reverse)`);
  if (cert && key) Object.assign(cfg, { cert, key });
  const token = str(user.token);
  const tokenFile = str(user.tokenFile);
  if (token) cfg.token = token;
  else if (tokenFile) {
    const path = isAbsolute(tokenFile) ? tokenFile : resolve(baseDir, tokenFile);
    let read: string;
    try {
      read = readFileSync(path, 'utf8').trim();
    } catch (err) {
      throw new Error(`kubeconfig: ${what} tokenFile ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
    }
    cfg.token = read;
    // client-go rereads the token file periodically (rotated projected tokens); once a minute here too.
    let readAt = Date.now();
    cfg.tokenSource = async () => {
      if (Date.now() - readAt > 60_000) {
        readAt = Date.now();
        read = readFileSync(path, 'utf8').trim();
      }
      return read;
    };
  }
  if (user['auth-provider']) {
    const provider = str((user['auth-provider'] as Section).name) ?? '?';
    throw new Error(`kubeconfig: ${what} uses auth-provider "${provider}", which is not supported: use an exec credential plugin`);
  }
  if (str(user.username) && !token && !cert) throw new Error(`kubeconfig: ${what} uses basic auth (username/password), which is not supported`);
  if (user.exec) {
    const execConfig = parseExecConfig(user.exec, ctx.user, baseDir);
    const clusterInfo: ExecClusterInfo = { server: cfg.server };
    if (ca) clusterInfo['certificate-authority-data'] = Buffer.from(ca).toString('base64');
    if (cfg.insecureSkipTLSVerify) clusterInfo['insecure-skip-tls-verify'] = true;
    if (tlsServerName) clusterInfo['tls-server-name'] = tlsServerName;
    const source = new ExecCredentialSource(execConfig, clusterInfo);
    const first = await source.credential();
    // A certificate from the plugin is read once here (the TLS agent is built with it); a token is asked for per request.
    if (first.clientCertificateData && first.clientKeyData && !cert) Object.assign(cfg, { cert: first.clientCertificateData, key: first.clientKeyData });
    if (first.token && !token) {
      // `token` stays the latest one fetched, for connections opened outside RestClient (pod exec WebSockets).
      let latest = first.token;
      cfg.tokenSource = async () => (latest = (await source.credential()).token ?? latest);
      Object.defineProperty(cfg, 'token', { get: () => latest, enumerable: true, configurable: true });
    }
  }
  return cfg;
}
