/**
 * Docker-links-style environment for Services (pkg/kubelet/envvars + kubelet_pods.go
 * getServiceEnvVarMap): for each Service with a ClusterIP in the pod's namespace (all of
 * them with enableServiceLinks, the default) and always the `kubernetes` Service of the
 * default namespace: `<NAME>_SERVICE_HOST`, `<NAME>_SERVICE_PORT`, `<NAME>_SERVICE_PORT_<PORT>`
 * and the `<NAME>_PORT*` link variables. This is how in-cluster clients find the API server.
 */
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import type { ResolvedEnvVar } from './env.js';

const envName = (s: string) => s.toUpperCase().replace(/-/g, '_');

function isServiceIPSet(s: Service): boolean {
  const ip = s.spec?.clusterIP;
  return !!ip && ip !== 'None';
}

function varsFor(s: Service): ResolvedEnvVar[] {
  const name = envName(s.metadata?.name ?? '');
  const host = s.spec!.clusterIP!;
  const ports = s.spec?.ports ?? [];
  const out: ResolvedEnvVar[] = [{ name: `${name}_SERVICE_HOST`, value: host }];
  if (ports.length === 0) return out;
  out.push({ name: `${name}_SERVICE_PORT`, value: String(ports[0].port) });
  for (const p of ports) if (p.name) out.push({ name: `${name}_SERVICE_PORT_${envName(p.name)}`, value: String(p.port) });
  const first = ports[0];
  const proto = (first.protocol ?? 'TCP').toLowerCase();
  const url = (p: typeof first) => `${(p.protocol ?? 'TCP').toLowerCase()}://${host.includes(':') ? `[${host}]` : host}:${p.port}`;
  out.push({ name: `${name}_PORT`, value: `${proto}://${host.includes(':') ? `[${host}]` : host}:${first.port}` });
  for (const p of ports) {
    const prefix = `${name}_PORT_${p.port}_${(p.protocol ?? 'TCP').toUpperCase()}`;
    out.push({ name: prefix, value: url(p) }, { name: `${prefix}_PROTO`, value: (p.protocol ?? 'TCP').toLowerCase() }, { name: `${prefix}_PORT`, value: String(p.port) }, { name: `${prefix}_ADDR`, value: host });
  }
  return out;
}

/** The service variables for `pod`, given every Service the kubelet knows. */
export function serviceEnv(pod: Pod, services: readonly Service[]): ResolvedEnvVar[] {
  const ns = pod.metadata?.namespace ?? 'default';
  const links = pod.spec?.enableServiceLinks !== false;
  const chosen = new Map<string, Service>();
  for (const s of services) {
    if (!isServiceIPSet(s)) continue;
    const sns = s.metadata?.namespace;
    const name = s.metadata?.name ?? '';
    if (sns === 'default' && name === 'kubernetes') chosen.set(name, s);
    else if (sns === ns && links && !(ns === 'default' && name === 'kubernetes')) chosen.set(name, s);
  }
  return [...chosen.values()].flatMap(varsFor);
}
