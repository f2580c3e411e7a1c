/**
 * Two small upstream admission plugins for pods:
 * - Priority: resolves spec.priorityClassName to spec.priority and preemptionPolicy
 *   (the globalDefault class, or 0, when none is named); unknown classes are rejected.
 * - DefaultTolerationSeconds: every pod tolerates `node.kubernetes.io/not-ready` and
 *   `node.kubernetes.io/unreachable` (NoExecute) for 300 s unless it says otherwise.
 */
import { forbiddenMessage } from '../../../api/status.js';
import type { ObjectLister } from '../../caches/object-cache.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../types.js';

interface Toleration {
  key?: string;
  operator?: string;
  effect?: string;
  tolerationSeconds?: number;
}

interface PodSpecView {
  priorityClassName?: string;
  priority?: number;
  preemptionPolicy?: string;
  tolerations?: Toleration[];
}

const isPodCreate = (a: AdmissionAttributes) => a.resource.info.group === '' && a.resource.info.resource === 'pods' && a.operation === 'CREATE' && !a.subresource && !!a.object;

export function priorityAdmission(priorityClasses: ObjectLister): AdmissionPlugin {
  return {
    name: 'Priority',
    async admit(a) {
      if (!isPodCreate(a)) return;
      const spec = (a.object!.spec ??= {}) as PodSpecView;
      let value = 0;
      let policy = 'PreemptLowerPriority';
      if (spec.priorityClassName) {
        const pc = await priorityClasses.get(undefined, spec.priorityClassName);
        if (!pc) throw forbiddenMessage('', 'pods', a.object!.metadata?.name ?? '', `no PriorityClass with name ${spec.priorityClassName} was found`);
        value = (pc as { value?: number }).value ?? 0;
        policy = (pc as { preemptionPolicy?: string }).preemptionPolicy ?? policy;
      } else {
        const def = (await priorityClasses.list(undefined)).find((pc) => (pc as { globalDefault?: boolean }).globalDefault);
        if (def) {
          spec.priorityClassName = def.metadata!.name;
          value = (def as { value?: number }).value ?? 0;
          policy = (def as { preemptionPolicy?: string }).preemptionPolicy ?? policy;
        }
      }
      if (spec.priority !== undefined && spec.priority !== value) {
        throw forbiddenMessage('', 'pods', a.object!.metadata?.name ?? '', 'the integer value of priority must not be provided in pod spec; priority admission controller computed ' + value + ' from the given PriorityClass name');
      }
      spec.priority = value;
      spec.preemptionPolicy ??= policy;
    },
  };
}

const DEFAULT_TOLERATIONS: Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
];

export const defaultTolerationSeconds: AdmissionPlugin = {
  name: 'DefaultTolerationSeconds',
  admit(a) {
    if (!isPodCreate(a)) return;
    const spec = (a.object!.spec ??= {}) as PodSpecView;
    const tolerations = (spec.tolerations ??= []);
    for (const d of DEFAULT_TOLERATIONS) {
      // An existing toleration for the key (or a wildcard one) wins, as upstream.
      const covered = tolerations.some((t) => (t.key === d.key || (!t.key && t.operator === 'Exists')) && (!t.effect || t.effect === 'NoExecute'));
      if (!covered) tolerations.push({ ...d });
    }
  },
};
