/**
 * Pods from a controller's template (controller.GetPodFromTemplate) and the template
 * comparison Deployments use to find their new ReplicaSet (EqualIgnoreHash).
 */
import type { Pod, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { canonicalJson } from './hash.js';

export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

/** A pod for `template`, named `<owner>-<5 random chars>` by the API server via generateName. */
export function podFromTemplate(template: PodTemplateSpec | undefined, ownerName: string, namespace: string | undefined, controllerRef?: OwnerReference): Pod {
  const t = structuredClone(template ?? {});
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { generateName: `${ownerName}-`, namespace },
    spec: t.spec ?? { containers: [] },
  };
  if (t.metadata?.labels) pod.metadata!.labels = { ...t.metadata.labels };
  if (t.metadata?.annotations) pod.metadata!.annotations = { ...t.metadata.annotations };
  if (t.metadata?.finalizers) pod.metadata!.finalizers = [...t.metadata.finalizers];
  if (controllerRef) pod.metadata!.ownerReferences = [controllerRef];
  return pod;
}

function withoutHash(t: PodTemplateSpec | undefined): PodTemplateSpec {
  const c = structuredClone(t ?? {});
  if (c.metadata?.labels) delete c.metadata.labels[POD_TEMPLATE_HASH_LABEL];
  return c;
}

/** deploymentutil.EqualIgnoreHash: equal templates once the pod-template-hash label is ignored. */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return canonicalJson(withoutHash(a)) === canonicalJson(withoutHash(b));
}

