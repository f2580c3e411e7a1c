/**
 * ClusterIP and NodePort allocation for Services, as kube-apiserver's service REST
 * does it: a free address from the service CIDR (10.96.0.0/12 by default; the first
 * usable one, 10.96.0.1, is the `kubernetes` Service), `None` for headless services,
 * a requested address only if free and in range, and node ports from 30000-32767.
 * The allocated sets follow the stored Services through the watch hub.
 */
import { invalid, type StatusCause } from '../../../api/status.js';
import type { KubeObject } from '../../storage/object.js';
import type { ResourceStore } from '../../storage/resource-store.js';
import type { WatchHub } from '../../storage/watch-hub.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../types.js';

interface ServicePort {
  name?: string;
  port?: number;
  nodePort?: number;
  protocol?: string;
}

interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: ServicePort[];
}

export function parseCIDR(cidr: string): { base: number; size: number } {
  const [ip, bits] = cidr.split('/');
  const base = ipToInt(ip);
  const size = 2 ** (32 - Number(bits));
  return { base: base - (base % size), size };
}

export function ipToInt(ip: string): number {
  const p = ip.split('.').map(Number);
  if (p.length !== 4 || p.some((n) => !Number.isInteger(n) || n < 0 || n > 255)) return NaN;
  return ((p[0] << 24) >>> 0) + (p[1] << 16) + (p[2] << 8) + p[3];
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export class ServiceAllocator {
  private readonly ips = new Set<number>();
  private readonly nodePorts = new Set<number>();
  private readonly range: { base: number; size: number };
  private nextIp = 2;
  private nextPort = 0;

  constructor(
    readonly serviceCIDR = '10.96.0.0/12',
    readonly nodePortRange: [number, number] = [30000, 32767],
  ) {
    this.range = parseCIDR(serviceCIDR);
  }

  /** The `kubernetes` Service's address: the first usable one in the range. */
  get apiServerServiceIP(): string {
    return intToIp(this.range.base + 1);
  }

  async init(services: ResourceStore, hub: WatchHub): Promise<void> {
    const { items, resourceVersion } = await services.list(undefined);
    for (const s of items) this.track(s, true);
    await hub.subscribe(services.prefix(), Number(resourceVersion), (events) => {
      for (const e of events) {
        if (e.prevObject) this.track(e.prevObject, false);
        if (e.type === 'PUT') this.track(e.object, true);
      }
    }, () => {});
  }

  private track(svc: KubeObject, add: boolean): void {
    const spec = (svc.spec ?? {}) as ServiceSpec;
    const ip = ipToInt(spec.clusterIP ?? '');
    if (!Number.isNaN(ip)) {
      if (add) this.ips.add(ip);
      else this.ips.delete(ip);
    }
    for (const p of spec.ports ?? []) {
      if (!p.nodePort) continue;
      if (add) this.nodePorts.add(p.nodePort);
      else this.nodePorts.delete(p.nodePort);
    }
  }

  private allocateIp(): string | undefined {
    for (let i = 0; i < this.range.size - 2; i++) {
      const offset = 2 + ((this.nextIp - 2 + i) % (this.range.size - 3));
      const ip = this.range.base + offset;
      if (!this.ips.has(ip)) {
        this.nextIp = offset + 1;
        this.ips.add(ip);
        return intToIp(ip);
      }
    }
    return undefined;
  }

  private allocatePort(): number | undefined {
    const [lo, hi] = this.nodePortRange;
    const n = hi - lo + 1;
    for (let i = 0; i < n; i++) {
      const port = lo + ((this.nextPort + i) % n);
      if (!this.nodePorts.has(port)) {
        this.nextPort = port - lo + 1;
        this.nodePorts.add(port);
        return port;
      }
    }
    return undefined;
  }

  plugin(): AdmissionPlugin {
    return {
      name: 'ServiceIPAllocation',
      admit: (a: AdmissionAttributes) => {
        const info = a.resource.info;
        if (info.group !== '' || info.resource !== 'services' || a.subresource || !a.object) return;
        if (a.operation !== 'CREATE' && a.operation !== 'UPDATE') return;
        const spec = (a.object.spec ??= {}) as ServiceSpec;
        const old = (a.oldObject?.spec ?? {}) as ServiceSpec;
        const name = a.object.metadata?.name ?? '';
        const causes: StatusCause[] = [];
        const type = spec.type ?? 'ClusterIP';
        if (type === 'ExternalName') {
          delete spec.clusterIP;
          delete spec.clusterIPs;
        } else if (a.operation === 'UPDATE' && old.clusterIP && !spec.clusterIP) {
          spec.clusterIP = old.clusterIP;
          spec.clusterIPs = old.clusterIPs ?? [old.clusterIP];
        } else if (a.operation === 'CREATE' || !old.clusterIP) {
          if (!spec.clusterIP && spec.clusterIPs?.length) spec.clusterIP = spec.clusterIPs[0];
          if (!spec.clusterIP) {
            const ip = a.dryRun ? intToIp(this.range.base + this.nextIp) : this.allocateIp();
            if (!ip) causes.push({ type: 'FieldValueInvalid', field: 'spec.clusterIPs', message: 'Internal error: failed to allocate a serviceIP: range is full' });
            else spec.clusterIP = ip;
          } else if (spec.clusterIP !== 'None') {
            const ip = ipToInt(spec.clusterIP);
            if (Number.isNaN(ip) || ip < this.range.base || ip >= this.range.base + this.range.size) {
              causes.push({ type: 'FieldValueInvalid', field: 'spec.clusterIPs', message: `Invalid value: []string{"${spec.clusterIP}"}: failed to allocate IP ${spec.clusterIP}: the provided IP (${spec.clusterIP}) is not in the valid range. The range of valid IPs is ${this.serviceCIDR}` });
            } else if (this.ips.has(ip) && a.operation === 'CREATE') {
              causes.push({ type: 'FieldValueInvalid', field: 'spec.clusterIPs', message: `Invalid value: []string{"${spec.clusterIP}"}: failed to allocate IP ${spec.clusterIP}: provided IP is already allocated` });
            } else if (!a.dryRun) {
              this.ips.add(ip);
            }
          }
          if (spec.clusterIP) spec.clusterIPs = [spec.clusterIP];
        }
        if (type === 'NodePort' || type === 'LoadBalancer') {
          const oldPorts = new Map((old.ports ?? []).map((p) => [`${p.port}/${p.protocol ?? 'TCP'}`, p.nodePort]));
          (spec.ports ?? []).forEach((p, i) => {
            if (p.nodePort) {
              const [lo, hi] = this.nodePortRange;
              const keep = oldPorts.get(`${p.port}/${p.protocol ?? 'TCP'}`) === p.nodePort;
              if (p.nodePort < lo || p.nodePort > hi) causes.push({ type: 'FieldValueInvalid', field: `spec.ports[${i}].nodePort`, message: `Invalid value: ${p.nodePort}: provided port is not in the valid range. The range of valid ports is ${lo}-${hi}` });
              else if (!keep && this.nodePorts.has(p.nodePort)) causes.push({ type: 'FieldValueInvalid', field: `spec.ports[${i}].nodePort`, message: `Invalid value: ${p.nodePort}: provided port is already allocated` });
              else if (!a.dryRun) this.nodePorts.add(p.nodePort);
              return;
            }
            const reuse = oldPorts.get(`${p.port}/${p.protocol ?? 'TCP'}`);
            p.nodePort = reuse ?? (a.dryRun ? this.nodePortRange[0] + this.nextPort : this.allocatePort());
          });
        } else {
          for (const p of spec.ports ?? []) delete p.nodePort;
        }
        if (causes.length) throw invalid('', 'Service', name, causes);
      },
    };
  }
}
