/**
 * The files of configMap, secret, downwardAPI and projected volumes, as the kubelet's
 * volume plugins compute them (pkg/volume/configmap MakePayload, pkg/volume/secret
 * MakePayload, pkg/volume/downwardapi CollectData, pkg/volume/projected collectData).
 */
import type { ConfigMap, DownwardAPIVolumeFile, KeyToPath, Pod, Secret } from 'kubernetes-types/core/v1.js';
import { podFieldValue, resourceFieldValue } from '../env.js';
import type { Payload } from './atomic-writer.js';

/** The API's default for defaultMode (0644). */
export const DEFAULT_MODE = 0o644;

/** A volume that cannot be set up; the message is the one upstream puts after `MountVolume.SetUp failed for volume "x" : `. */
export class VolumeSetupError extends Error {
  override readonly name = 'VolumeSetupError';
}

/** The data of a ConfigMap or Secret as bytes per key. */
export function configMapData(cm: ConfigMap): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(cm.data ?? {})) out.set(k, Buffer.from(v, 'utf8'));
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) out.set(k, Buffer.from(v, 'base64'));
  return out;
}

export function secretData(s: Secret): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(s.data ?? {})) out.set(k, Buffer.from(v, 'base64'));
  for (const [k, v] of Object.entries(s.stringData ?? {})) out.set(k, Buffer.from(v, 'utf8'));
  return out;
}

/**
 * Every key at its own name, or just `items` (key → path, with a mode); a missing key is
 * an error unless the source is optional.
 */
export function keyPayload(data: Map<string, Buffer>, items: readonly KeyToPath[] | undefined, defaultMode: number, optional: boolean, what: string, into: Payload = new Map()): Payload {
  if (!items?.length) {
    for (const [k, v] of data) into.set(k, { data: v, mode: defaultMode });
    return into;
  }
  for (const it of items) {
    const v = data.get(it.key);
    if (v === undefined) {
      if (optional) continue;
      throw new VolumeSetupError(`${what} references non-existent ${what === 'configmap' ? 'config' : 'secret'} key: ${it.key}`);
    }
    into.set(it.path, { data: v, mode: it.mode ?? defaultMode });
  }
  return into;
}

/** fieldpath.FormatMap: `key="value"` lines, keys sorted, values quoted as Go's %q. */
export function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(m![k])}`)
    .join('\n');
}

/** downwardAPI items: metadata fields (labels and annotations as whole maps too) and container resources. */
export function downwardPayload(pod: Pod, items: readonly DownwardAPIVolumeFile[] | undefined, defaultMode: number, nodeAllocatable: Readonly<Record<string, string>> = {}, into: Payload = new Map()): Payload {
  for (const it of items ?? []) {
    let value: string;
    if (it.fieldRef) {
      const path = it.fieldRef.fieldPath;
      if (path === 'metadata.labels') value = formatMap(pod.metadata?.labels);
      else if (path === 'metadata.annotations') value = formatMap(pod.metadata?.annotations);
      else value = fieldValue(pod, path);
    } else if (it.resourceFieldRef) {
      const ref = it.resourceFieldRef;
      const container = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((c) => c.name === ref.containerName);
      if (!container) throw new VolumeSetupError(`container ${ref.containerName ?? ''} not found in pod`);
      value = resourceFieldValue(container, ref.resource, ref.divisor, nodeAllocatable);
    } else {
      continue;
    }
    into.set(it.path, { data: Buffer.from(value, 'utf8'), mode: it.mode ?? defaultMode });
  }
  return into;
}

function fieldValue(pod: Pod, path: string): string {
  try {
    return podFieldValue(pod, path);
  } catch (err) {
    throw new VolumeSetupError((err as Error).message);
  }
}
