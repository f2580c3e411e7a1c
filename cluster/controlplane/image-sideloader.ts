/**
 * "Load image into the cluster" without a registry, automatically: when a pod on one of
 * our node containers waits with ErrImagePull or ImagePullBackOff and the host's Docker
 * engine has that image, the host loads it into that node's engine (as `kind load
 * docker-image` does by hand); the kubelet's next pull attempt then finds it present.
 * A host-side helper of the app, like the node manager: it watches pods through the API
 * and touches only Docker, never the store.
 */
import type Docker from 'dockerode';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { PODS, SharedInformerFactory } from '../client/index.js';
import type { RestClient } from '../client/index.js';
import type { NodeManager } from '../nodes/node-manager.js';
import { noProgress, type ProgressSink } from './progress.js';

const PULL_FAILURES = new Set(['ErrImagePull', 'ImagePullBackOff']);

/** Images a pod is waiting to pull, by container status. */
export function imagesWaitingToPull(pod: Pod): string[] {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const specs = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  return statuses.filter((s) => PULL_FAILURES.has(s.state?.waiting?.reason ?? '')).map((s) => specs.find((c) => c.name === s.name)?.image ?? s.image);
}

export interface ImageSideloader {
  stop(): Promise<void>;
}

export function startImageSideloader(o: { client: RestClient; docker: Docker; manager: NodeManager; nodeNames: () => string[]; log: (line: string) => void; progress?: ProgressSink }): ImageSideloader {
  const progress = o.progress ?? noProgress;
  const informers = new SharedInformerFactory(o.client, { log: () => {} });
  const pods = informers.informerFor<Pod>(PODS, { fieldSelector: 'spec.nodeName!=' });
  // node/image pairs already tried: one attempt each (a retry after the image changes on the host is `load-image`'s job).
  const tried = new Set<string>();
  const consider = (pod: Pod) => {
    const node = pod.spec?.nodeName;
    if (!node || !o.nodeNames().includes(node)) return;
    for (const image of imagesWaitingToPull(pod)) {
      const key = `${node}/${image}`;
      if (tried.has(key)) continue;
      tried.add(key);
      void (async () => {
        try {
          await o.docker.getImage(image).inspect();
        } catch {
          return; // not on the host either: the pull error stands
        }
        const task = progress.start(`Load ${image} into ${node}`, { phase: "copying from the host's engine" });
        try {
          const loaded = await o.manager.loadImage(node, image);
          task.finish(loaded.length ? 'loaded' : 'already there');
          if (loaded.length) o.log(`nodes: loaded ${image} from the host's engine into ${node} (the node could not pull it)`);
        } catch (err) {
          task.fail(err);
          throw err;
        }
      })().catch((err: Error) => o.log(`nodes: loading ${image} into ${node}: ${err.message}`));
    }
  };
  pods.addEventHandler({ onAdd: consider, onUpdate: (_, p) => consider(p) });
  informers.start();
  return { stop: () => informers.shutdown() };
}
