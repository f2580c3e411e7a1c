/**
 * Merging our cluster into the user's kubeconfig, as `kind` and `minikube` do: a cluster, a user and a context
 * entry, each named `kubarium`, replace same-named entries in place (or are appended); every other entry and
 * key keeps its place. The old file is copied to `<file>.kubarium-backup` first, the new one is written
 * atomically with mode 0600. current-context changes only when asked.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { writePrivateFile } from './files.js';

export const MERGED_NAME = 'kubarium';

export interface MergeKubeconfigOptions {
  /** Our admin kubeconfig (the data dir's `kubeconfig`). */
  source: string;
  /** The file to merge into: the first file of $KUBECONFIG, else ~/.kube/config (cluster/client's kubeconfigPaths()[0]). */
  target: string;
  /** Also make `kubarium` the current-context. */
  setCurrent?: boolean;
}

export interface MergeKubeconfigResult {
  path: string;
  /** Where the previous file was copied; null when there was none. */
  backupPath: string | null;
  /** The file's current-context after the merge. */
  currentContext: string | null;
}

type Entry = { name?: string; [field: string]: unknown };
type Doc = Record<string, unknown> & { clusters?: Entry[]; users?: Entry[]; contexts?: Entry[] };

function readDoc(path: string, what: string): Doc {
  let doc: unknown;
  try {
    doc = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${what} ${path}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${what} ${path}: not a kubeconfig (expected a mapping)`);
  return doc as Doc;
}

/** Replaces the entry named `entry.name` in place, or appends it. */
function upsert(list: unknown, entry: Entry, field: string, path: string): Entry[] {
  if (list !== undefined && list !== null && !Array.isArray(list)) throw new Error(`kubeconfig ${path}: ${field} is not a list`);
  const out = [...((list as Entry[] | null | undefined) ?? [])];
  const at = out.findIndex((e) => e?.name === entry.name);
  if (at >= 0) out[at] = entry;
  else out.push(entry);
  return out;
}

/** The `kubarium` cluster, user and context taken from our kubeconfig's current context. */
function ourEntries(source: string): { cluster: Entry; user: Entry; context: Entry } {
  const doc = readDoc(source, 'kubarium kubeconfig');
  const ctxName = doc['current-context'];
  const ctx = doc.contexts?.find((c) => c.name === ctxName)?.context as { cluster?: string; user?: string; namespace?: string } | undefined;
  const cluster = doc.clusters?.find((c) => c.name === ctx?.cluster)?.cluster;
  const user = doc.users?.find((u) => u.name === ctx?.user)?.user;
  if (!ctx || !cluster || !user) throw new Error(`kubarium kubeconfig ${source}: its current context, cluster or user is missing`);
  const context: Record<string, unknown> = { cluster: MERGED_NAME, user: MERGED_NAME };
  if (ctx.namespace) context.namespace = ctx.namespace;
  return { cluster: { name: MERGED_NAME, cluster }, user: { name: MERGED_NAME, user }, context: { name: MERGED_NAME, context } };
}

export function mergeKubeconfig(opts: MergeKubeconfigOptions): MergeKubeconfigResult {
  if (!existsSync(opts.source)) throw new Error(`no kubarium kubeconfig at ${opts.source}: start the cluster first`);
  if (resolve(opts.source) === resolve(opts.target)) throw new Error(`${opts.target} is Kubarium's own kubeconfig (KUBECONFIG points at it): nothing to merge`);
  const ours = ourEntries(opts.source);
  const exists = existsSync(opts.target);
  const doc: Doc = exists ? readDoc(opts.target, 'kubeconfig') : { apiVersion: 'v1', kind: 'Config', preferences: {} };
  doc.apiVersion ??= 'v1';
  doc.kind ??= 'Config';
  doc.clusters = upsert(doc.clusters, ours.cluster, 'clusters', opts.target);
  doc.users = upsert(doc.users, ours.user, 'users', opts.target);
  doc.contexts = upsert(doc.contexts, ours.context, 'contexts', opts.target);
  if (opts.setCurrent) doc['current-context'] = MERGED_NAME;

  mkdirSync(dirname(opts.target), { recursive: true, mode: 0o700 });
  let backupPath: string | null = null;
  if (exists) {
    backupPath = `${opts.target}.kubarium-backup`;
    copyFileSync(opts.target, backupPath);
    chmodSync(backupPath, 0o600);
  }
  writePrivateFile(opts.target, stringify(doc, { lineWidth: 0 }));
  const current = doc['current-context'];
  return { path: opts.target, backupPath, currentContext: typeof current === 'string' && current ? current : null };
}
