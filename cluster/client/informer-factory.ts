/**
 * SharedInformerFactory: one informer per (resource, namespace, selectors) shared by
 * every component in the process, as client-go's factory lets kube-controller-manager's
 * controllers share one pod cache.
 */
import type { GVR } from './gvr.js';
import { SharedInformer, waitForCacheSync } from './informer.js';
import type { InformerOptions } from './informer.js';
import type { KubeObject, RestClient } from './rest-client.js';

export type FactoryOptions = Pick<InformerOptions<KubeObject>, 'namespace' | 'pageSize' | 'watchTimeoutSeconds' | 'backoff' | 'log'>;

export type InformerFor<T> = Pick<InformerOptions<T>, 'namespace' | 'labelSelector' | 'fieldSelector' | 'indexers'>;

export class SharedInformerFactory {
  private readonly informers = new Map<string, SharedInformer<KubeObject>>();
  private started = false;

  constructor(
    private readonly client: RestClient,
    private readonly opts: FactoryOptions = {},
  ) {}

  /**
   * The shared informer for `gvr` (and namespace/selectors). Extra indexers are added to
   * an existing one. After `start()`, new informers start at once.
   */
  informerFor<T extends KubeObject>(gvr: GVR, o: InformerFor<T> = {}): SharedInformer<T> {
    const namespace = o.namespace ?? this.opts.namespace;
    const key = [gvr.group, gvr.version, gvr.resource, namespace ?? '', o.labelSelector ?? '', o.fieldSelector ?? ''].join('|');
    let inf = this.informers.get(key) as SharedInformer<T> | undefined;
    if (!inf) {
      inf = new SharedInformer<T>(this.client, gvr, { ...this.opts, ...o, namespace } as InformerOptions<T>);
      this.informers.set(key, inf as unknown as SharedInformer<KubeObject>);
      if (this.started) inf.run();
    } else if (o.indexers) {
      inf.indexer.addIndexers(o.indexers);
    }
    return inf;
  }

  /** Starts every informer created so far (and, from now on, any created later). */
  start(): void {
    this.started = true;
    for (const inf of this.informers.values()) inf.run();
  }

  waitForCacheSync(signal?: AbortSignal): Promise<boolean> {
    return waitForCacheSync([...this.informers.values()], signal);
  }

  async shutdown(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }
}
