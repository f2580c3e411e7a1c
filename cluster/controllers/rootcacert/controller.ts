/**
 * The root CA certificate publisher (pkg/controller/certificates/rootcacertpublisher):
 * every active namespace holds a ConfigMap `kube-root-ca.crt` whose `ca.crt` is the
 * cluster CA bundle, so pods can verify the API server; it is recreated if deleted and
 * restored if edited.
 */
import type { ConfigMap, Namespace } from 'kubernetes-types/core/v1.js';
import { StatusError } from '../../api/status.js';
import { CONFIGMAPS, NAMESPACES, RateLimitingQueue, runController } from '../../client/index.js';
import type { ControllerContext, RunningController } from '../context.js';

export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
export const DESCRIPTION_ANNOTATION = 'kubernetes.io/description';
export const DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

export interface RootCACertOptions {
  /** The CA bundle PEM to publish. */
  caCert: string;
  workers?: number;
}

/** The ConfigMap as it should be, keeping what else `current` holds; undefined when already right. */
export function desiredRootCAConfigMap(namespace: string, caCert: string, current?: ConfigMap): ConfigMap | undefined {
  const annotations = { ...current?.metadata?.annotations };
  const dataOk = current?.data?.['ca.crt'] === caCert && Object.keys(current.data).length === 1;
  if (current && dataOk && annotations[DESCRIPTION_ANNOTATION] === DESCRIPTION) return undefined;
  annotations[DESCRIPTION_ANNOTATION] = DESCRIPTION;
  return {
    ...(current ?? { apiVersion: 'v1', kind: 'ConfigMap' }),
    metadata: { ...current?.metadata, name: ROOT_CA_CONFIGMAP, namespace, annotations },
    data: { 'ca.crt': caCert },
  };
}

export function startRootCACertController(ctx: ControllerContext, opts: RootCACertOptions): RunningController {
  const name = 'root-ca-cert-publisher';
  if (!opts.caCert) throw new Error('root-ca-cert-publisher: caCert is required');
  const namespaces = ctx.informers.informerFor<Namespace>(NAMESPACES);
  const configMaps = ctx.informers.informerFor<ConfigMap>(CONFIGMAPS, { fieldSelector: `metadata.name=${ROOT_CA_CONFIGMAP}` });
  const queue = new RateLimitingQueue<string>();
  namespaces.addEventHandler({ onAdd: (ns) => queue.add(ns.metadata!.name!), onUpdate: (_o, ns) => queue.add(ns.metadata!.name!) });
  const onCm = (cm: ConfigMap) => {
    if (cm.metadata?.name === ROOT_CA_CONFIGMAP) queue.add(cm.metadata.namespace!);
  };
  configMaps.addEventHandler({ onUpdate: (_o, cm) => onCm(cm), onDelete: onCm });

  async function reconcile(ns: string): Promise<void> {
    const namespace = namespaces.indexer.get(ns);
    if (!namespace || namespace.metadata?.deletionTimestamp || namespace.status?.phase === 'Terminating') return;
    const current = configMaps.indexer.getByName(ns, ROOT_CA_CONFIGMAP);
    const want = desiredRootCAConfigMap(ns, opts.caCert, current);
    if (!want) return;
    try {
      if (current) await ctx.client.update<ConfigMap>(CONFIGMAPS, want, { namespace: ns, signal: ctx.signal });
      else await ctx.client.create<ConfigMap>(CONFIGMAPS, want, { namespace: ns, signal: ctx.signal });
    } catch (err) {
      // 403/404: the namespace is terminating or gone. 409: the cache is behind; the next event settles it.
      if (err instanceof StatusError && (err.code === 403 || err.code === 404)) return;
      throw err;
    }
  }

  const c = runController({ name, queue, workers: opts.workers ?? 3, reconcile, waitFor: [namespaces, configMaps], log: ctx.log });
  return { name, health: c.health, stop: c.stop };
}
