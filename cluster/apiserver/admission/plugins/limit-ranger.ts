/**
 * LimitRanger, as the upstream admission plugin for pods: containers without
 * requests/limits get the namespace LimitRanges' defaults (annotated
 * `kubernetes.io/limit-ranger`), then min, max and maxLimitRequestRatio are enforced.
 */
import { forbiddenMessage } from '../../../api/status.js';
import { parseQuantity } from '../../../api/quantity.js';
import type { KubeObject } from '../../storage/object.js';
import type { ObjectLister } from '../../caches/object-cache.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../types.js';

type ResourceList = Record<string, string | number>;

interface LimitRangeItem {
  type?: string;
  default?: ResourceList;
  defaultRequest?: ResourceList;
  min?: ResourceList;
  max?: ResourceList;
  maxLimitRequestRatio?: ResourceList;
}

interface Container {
  name: string;
  resources?: { requests?: ResourceList; limits?: ResourceList };
}

function containersOf(pod: KubeObject): Container[] {
  const spec = (pod.spec ?? {}) as { containers?: Container[]; initContainers?: Container[] };
  return [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
}

export function limitRanger(limitRanges: ObjectLister): AdmissionPlugin {
  const itemsFor = async (ns: string): Promise<{ name: string; item: LimitRangeItem }[]> => {
    const items = await limitRanges.list(ns);
    return items.flatMap((lr) => (((lr.spec as { limits?: LimitRangeItem[] } | undefined)?.limits ?? []).map((item) => ({ name: lr.metadata!.name!, item }))));
  };
  return {
    name: 'LimitRanger',
    async admit(a: AdmissionAttributes): Promise<void> {
      const info = a.resource.info;
      if (info.group !== '' || info.resource !== 'pods' || a.operation !== 'CREATE' || a.subresource || !a.object || !a.namespace) return;
      const ranges = (await itemsFor(a.namespace)).filter((r) => r.item.type === 'Container');
      if (!ranges.length) return;
      const applied: string[] = [];
      for (const c of containersOf(a.object)) {
        const res = (c.resources ??= {});
        for (const { item } of ranges) {
          for (const [k, v] of Object.entries(item.default ?? {})) {
            if (res.limits?.[k] === undefined) {
              (res.limits ??= {})[k] = v;
              applied.push(`${k} limit for container ${c.name}`);
            }
          }
          for (const [k, v] of Object.entries(item.defaultRequest ?? {})) {
            if (res.requests?.[k] === undefined) {
              (res.requests ??= {})[k] = res.limits?.[k] ?? v;
              applied.push(`${k} request for container ${c.name}`);
            }
          }
        }
      }
      if (applied.length) {
        const md = (a.object.metadata ??= {});
        md.annotations = { ...md.annotations, 'kubernetes.io/limit-ranger': `LimitRanger plugin set: ${applied.join('; ')}` };
      }
    },
    async validate(a: AdmissionAttributes): Promise<void> {
      const info = a.resource.info;
      if (info.group !== '' || info.resource !== 'pods' || a.operation !== 'CREATE' || a.subresource || !a.object || !a.namespace) return;
      const ranges = (await itemsFor(a.namespace)).filter((r) => r.item.type === 'Container');
      const podName = a.object.metadata?.name ?? a.object.metadata?.generateName ?? '';
      for (const c of containersOf(a.object)) {
        const req = c.resources?.requests ?? {};
        const lim = c.resources?.limits ?? {};
        for (const { item } of ranges) {
          for (const [k, min] of Object.entries(item.min ?? {})) {
            const v = parseQuantity(req[k] ?? lim[k]);
            if (v === undefined || v < parseQuantity(min)!) throw forbiddenMessage('', 'pods', podName, `minimum ${k} usage per Container is ${min}, but request is ${req[k] ?? 0}`);
          }
          for (const [k, max] of Object.entries(item.max ?? {})) {
            const v = parseQuantity(lim[k]);
            if (v === undefined) throw forbiddenMessage('', 'pods', podName, `maximum ${k} usage per Container is ${max}.  No limit is specified`);
            if (v > parseQuantity(max)!) throw forbiddenMessage('', 'pods', podName, `maximum ${k} usage per Container is ${max}, but limit is ${lim[k]}`);
          }
          for (const [k, ratio] of Object.entries(item.maxLimitRequestRatio ?? {})) {
            const l = parseQuantity(lim[k]);
            const r = parseQuantity(req[k]);
            if (l !== undefined && r && l / r > parseQuantity(ratio)!) throw forbiddenMessage('', 'pods', podName, `${k} max limit to request ratio per Container is ${ratio}, but provided ratio is ${(l / r).toFixed(6)}`);
          }
        }
      }
    },
  };
}
