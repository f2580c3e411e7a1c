/** Pod QoS class (pkg/apis/core/helper/qos GetPodQOS), computed on create into status.qosClass. */
import { obj, objects, type JsonObject } from '../json.js';
import { parseQuantity } from '../../../api/quantity.js';

const QOS_RESOURCES = ['cpu', 'memory'];

export type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

export function computePodQOS(pod: JsonObject): QOSClass {
  const spec = obj(pod, 'spec') ?? {};
  const requests = new Map<string, number>();
  const limits = new Map<string, number>();
  let guaranteed = true;
  const add = (m: Map<string, number>, name: string, v: number) => m.set(name, (m.get(name) ?? 0) + v);
  const collect = (resources: JsonObject | undefined): void => {
    for (const [name, q] of Object.entries(obj(resources, 'requests') ?? {})) {
      const v = parseQuantity(q);
      if (QOS_RESOURCES.includes(name) && v !== undefined && v > 0) add(requests, name, v);
    }
    const found = new Set<string>();
    for (const [name, q] of Object.entries(obj(resources, 'limits') ?? {})) {
      const v = parseQuantity(q);
      if (QOS_RESOURCES.includes(name) && v !== undefined && v > 0) {
        found.add(name);
        add(limits, name, v);
      }
    }
    if (!QOS_RESOURCES.every((r) => found.has(r))) guaranteed = false;
  };
  // Pod-level resources (PodLevelResources) take precedence when they name cpu or memory.
  const podResources = obj(spec, 'resources');
  const podLevel = [...Object.keys(obj(podResources, 'requests') ?? {}), ...Object.keys(obj(podResources, 'limits') ?? {})].some((r) => QOS_RESOURCES.includes(r));
  if (podLevel) collect(podResources);
  else for (const c of [...objects(spec, 'initContainers'), ...objects(spec, 'containers')]) collect(obj(c, 'resources'));
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, r] of requests) if (limits.get(name) !== r) guaranteed = false;
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}
