/**
 * Pods from a controller's template (controller.GetPodFromTemplate) and the template
 * comparison Deployments use to find their new ReplicaSet (EqualIgnoreHash).
 */
import type { Pod, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { randomInt } from 'node:crypto';
import { StatusError } from '../../api/status.js';
import { PODS } from '../../client/index.js';
import type { RestClient } from '../../client/index.js';
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

/** The API server's suffix alphabet and length (names.SimpleNameGenerator, utilrand.String(5)). */
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const randomSuffix = () => Array.from({ length: 5 }, () => SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)]).join('');

/**
 * Creates a pod named by metadata.generateName. Should the API server refuse to
 * generate the name itself (it validates the name before generating it), the name is
 * generated here the same way, retrying on the rare AlreadyExists.
 */
export async function createWithGeneratedName(client: RestClient, pod: Pod): Promise<Pod> {
  const namespace = pod.metadata?.namespace;
  try {
    return await client.create<Pod>(PODS, pod, { namespace });
  } catch (err) {
    const missingName = err instanceof StatusError && err.code === 422 && /name or generateName is required/.test(err.message);
    if (!missingName || !pod.metadata?.generateName) throw err;
  }
  for (let attempt = 0; ; attempt++) {
    const named: Pod = { ...pod, metadata: { ...pod.metadata, name: `${pod.metadata.generateName.slice(0, 58)}${randomSuffix()}` } };
    try {
      return await client.create<Pod>(PODS, named, { namespace });
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 409) || attempt >= 4) throw err;
    }
  }
}
