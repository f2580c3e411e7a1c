/**
 * A container's environment as the kubelet makes it (pkg/kubelet/kubelet_pods.go
 * makeEnvironmentVariables): service links first, then envFrom, then env in order; valueFrom configMapKeyRef,
 * secretKeyRef, fieldRef and resourceFieldRef; `$(VAR)` references to earlier variables
 * expanded (`$$` escapes), as in command and args.
 */
import type { ConfigMap, Container, EnvVar, Pod, Secret } from 'kubernetes-types/core/v1.js';
import { parseQuantity } from '../api/quantity.js';

/** Where configMaps and secrets come from (the API, through the kubelet's client or informers). */
export interface EnvSources {
  configMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  secret(namespace: string, name: string): Promise<Secret | undefined>;
  /** The service link variables for the pod (service-env.ts), set first so env can refer to them. */
  services?(pod: Pod): ResolvedEnvVar[];
}

export interface ResolvedEnvVar {
  name: string;
  value: string;
}

/** A reference that cannot be satisfied: the container waits with reason CreateContainerConfigError. */
export class ContainerConfigError extends Error {
  override readonly name = 'ContainerConfigError';
}

/** Expands `$(NAME)` from `vars`; `$$(NAME)` gives a literal `$(NAME)`; unknown references stay as written (third_party/forked/golang/expansion). */
export function expand(input: string, vars: ReadonlyMap<string, string>): string {
  return input.replace(/\$\$|\$\(([^)]*)\)/g, (m, name: string | undefined) => {
    if (m === '$$') return '$';
    return name !== undefined && vars.has(name) ? vars.get(name)! : m;
  });
}

/** metadata.labels['key'] / metadata.annotations['key']. */
const SUBSCRIPT = /^metadata\.(labels|annotations)\['(.+)'\]$/;

/** The value of a fieldRef path (the downward API's supported fields). */
export function podFieldValue(pod: Pod, fieldPath: string): string {
  const m = SUBSCRIPT.exec(fieldPath);
  if (m) return (m[1] === 'labels' ? pod.metadata?.labels : pod.metadata?.annotations)?.[m[2]] ?? '';
  switch (fieldPath) {
    case 'metadata.name':
      return pod.metadata?.name ?? '';
    case 'metadata.namespace':
      return pod.metadata?.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata?.uid ?? '';
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP':
      return pod.status?.hostIP ?? '';
    case 'status.hostIPs':
      return (pod.status?.hostIPs ?? []).map((i) => i.ip).join(',');
    case 'status.podIP':
      return pod.status?.podIP ?? '';
    case 'status.podIPs':
      return (pod.status?.podIPs ?? []).map((i) => i.ip).join(',');
    default:
      throw new ContainerConfigError(`unsupported fieldPath: ${fieldPath}`);
  }
}

/**
 * resourceFieldRef: the container's limit or request divided by the divisor, rounded up
 * (pkg/api/v1/resource ExtractContainerResourceValue); a missing limit is the node's allocatable.
 */
export function resourceFieldValue(container: Container, resource: string, divisor: string | number | undefined, nodeAllocatable: Readonly<Record<string, string>> = {}): string {
  const [kind, name] = resource.split('.') as [string, string];
  const spec = kind === 'limits' ? container.resources?.limits : kind === 'requests' ? container.resources?.requests : undefined;
  if (!spec && kind !== 'limits' && kind !== 'requests') throw new ContainerConfigError(`unsupported resource: ${resource}`);
  const raw = spec?.[name] ?? (kind === 'limits' ? nodeAllocatable[name] : undefined) ?? '0';
  const value = parseQuantity(raw) ?? 0;
  const d = parseQuantity(divisor ?? 1) || 1;
  return String(Math.ceil(value / d));
}

async function valueOf(pod: Pod, container: Container, v: EnvVar, sources: EnvSources, nodeAllocatable: Readonly<Record<string, string>>): Promise<string | undefined> {
  const from = v.valueFrom;
  if (!from) return undefined;
  const ns = pod.metadata?.namespace ?? 'default';
  if (from.fieldRef) return podFieldValue(pod, from.fieldRef.fieldPath);
  if (from.resourceFieldRef) {
    const target = from.resourceFieldRef.containerName ? [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((c) => c.name === from.resourceFieldRef!.containerName) : container;
    if (!target) throw new ContainerConfigError(`container ${from.resourceFieldRef.containerName} not found`);
    return resourceFieldValue(target, from.resourceFieldRef.resource, from.resourceFieldRef.divisor, nodeAllocatable);
  }
  if (from.configMapKeyRef) {
    const ref = from.configMapKeyRef;
    const cm = await sources.configMap(ns, ref.name ?? '');
    if (!cm) {
      if (ref.optional) return undefined;
      throw new ContainerConfigError(`configmap "${ref.name}" not found`);
    }
    const val = cm.data?.[ref.key] ?? (cm.binaryData?.[ref.key] !== undefined ? Buffer.from(cm.binaryData[ref.key], 'base64').toString('utf8') : undefined);
    if (val === undefined && !ref.optional) throw new ContainerConfigError(`couldn't find key ${ref.key} in ConfigMap ${ns}/${ref.name}`);
    return val;
  }
  if (from.secretKeyRef) {
    const ref = from.secretKeyRef;
    const secret = await sources.secret(ns, ref.name ?? '');
    if (!secret) {
      if (ref.optional) return undefined;
      throw new ContainerConfigError(`secret "${ref.name}" not found`);
    }
    const data = secret.data?.[ref.key];
    const val = data !== undefined ? Buffer.from(data, 'base64').toString('utf8') : secret.stringData?.[ref.key];
    if (val === undefined && !ref.optional) throw new ContainerConfigError(`couldn't find key ${ref.key} in Secret ${ns}/${ref.name}`);
    return val;
  }
  return undefined;
}

/** The container's environment, in the order the runtime gets it. Throws ContainerConfigError. */
export async function resolveEnv(pod: Pod, container: Container, sources: EnvSources, nodeAllocatable: Readonly<Record<string, string>> = {}): Promise<ResolvedEnvVar[]> {
  const vars = new Map<string, string>();
  const ns = pod.metadata?.namespace ?? 'default';
  for (const v of sources.services?.(pod) ?? []) vars.set(v.name, v.value);
  for (const src of container.envFrom ?? []) {
    const prefix = src.prefix ?? '';
    if (src.configMapRef) {
      const cm = await sources.configMap(ns, src.configMapRef.name ?? '');
      if (!cm && !src.configMapRef.optional) throw new ContainerConfigError(`configmap "${src.configMapRef.name}" not found`);
      for (const [k, v] of Object.entries(cm?.data ?? {})) vars.set(prefix + k, v);
    }
    if (src.secretRef) {
      const secret = await sources.secret(ns, src.secretRef.name ?? '');
      if (!secret && !src.secretRef.optional) throw new ContainerConfigError(`secret "${src.secretRef.name}" not found`);
      for (const [k, v] of Object.entries(secret?.data ?? {})) vars.set(prefix + k, Buffer.from(v, 'base64').toString('utf8'));
    }
  }
  for (const v of container.env ?? []) {
    if (v.valueFrom) {
      const val = await valueOf(pod, container, v, sources, nodeAllocatable);
      if (val !== undefined) vars.set(v.name, val);
    } else {
      vars.set(v.name, expand(v.value ?? '', vars));
    }
  }
  return [...vars].map(([name, value]) => ({ name, value }));
}
