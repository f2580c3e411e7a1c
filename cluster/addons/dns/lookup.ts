/**
 * The answers of CoreDNS's kubernetes plugin (the DNS specification in
 * kubernetes/dns docs/specification.md), as a pure function of a question and a DnsSource:
 *
 *   <svc>.<ns>.svc.<zone>             A/AAAA: the cluster IPs; headless: the ready endpoints'
 *                                     IPs; ExternalName: a CNAME to the external name
 *   <ep>.<svc>.<ns>.svc.<zone>        A/AAAA of one endpoint, by its hostname or dashed IP
 *   _<port>._<proto>.<svc>.<ns>.svc.<zone>  SRV per named port (headless: per endpoint)
 *   <a-b-c-d>.<ns>.pod.<zone>         A of a pod IP ("pods verified"/"pods insecure")
 *   d.c.b.a.in-addr.arpa, ip6.arpa    PTR for service and endpoint IPs
 *
 * Unknown names in the zones are NXDOMAIN, known names without records of the asked
 * type NODATA, both with the zone's SOA in authority; names outside are REFUSED, since
 * this server forwards nothing.
 */
import { isIP } from 'node:net';
import type { Answer, SoaAnswer, SrvAnswer, StringAnswer } from 'dns-packet';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { clusterIPs, SERVICE_NAME_LABEL } from './source.js';
import type { DnsSource } from './source.js';

export type PodsMode = 'verified' | 'insecure' | 'disabled';

export interface LookupConfig {
  /** The cluster domain, e.g. `cluster.local`. */
  zone: string;
  /** Record TTL in seconds (CoreDNS default 5). */
  ttl: number;
  /** `pods verified` answers only IPs of pods in the namespace; `insecure` (kubeadm's Corefile) any well-formed one. */
  pods: PodsMode;
  /** The DNS Service's own IPs, for the zone's NS glue. */
  nameserverIPs?: string[];
}

export const DEFAULT_LOOKUP_CONFIG: LookupConfig = { zone: 'cluster.local', ttl: 5, pods: 'verified' };

export type Rcode = 'NOERROR' | 'NXDOMAIN' | 'REFUSED' | 'SERVFAIL' | 'FORMERR' | 'NOTIMP';

export interface LookupResult {
  rcode: Rcode;
  /** Whether we are authoritative for the name (the AA bit). */
  authoritative: boolean;
  answers: Answer[];
  authorities: Answer[];
  additionals: Answer[];
}

const REVERSE_V4 = 'in-addr.arpa';
const REVERSE_V6 = 'ip6.arpa';

function stripDot(name: string): string {
  return name.replace(/\.$/, '');
}

function under(name: string, zone: string): string[] | undefined {
  if (name === zone) return [];
  if (!name.endsWith(`.${zone}`)) return undefined;
  return name.slice(0, -zone.length - 1).split('.');
}

/** `10-244-1-5` → `10.244.1.5`; IPv6 with dashes for colons (`fd00--5` → `fd00::5`). */
export function undashIP(label: string): string | undefined {
  const v4 = label.replace(/-/g, '.');
  if (isIP(v4) === 4) return v4;
  const v6 = label.replace(/-/g, ':');
  return isIP(v6) === 6 ? v6 : undefined;
}

export function dashIP(ip: string): string {
  return ip.replace(/[.:]/g, '-');
}

/** `5.1.244.10.in-addr.arpa` → `10.244.1.5`; 32 nibbles under ip6.arpa → the IPv6 address. */
export function reverseToIP(name: string): string | undefined {
  const v4 = under(name, REVERSE_V4);
  if (v4) {
    const ip = [...v4].reverse().join('.');
    return v4.length === 4 && isIP(ip) === 4 ? ip : undefined;
  }
  const v6 = under(name, REVERSE_V6);
  if (v6?.length === 32 && v6.every((n) => /^[0-9a-f]$/.test(n))) {
    const hex = [...v6].reverse().join('');
    const ip = hex.match(/.{4}/g)!.join(':');
    // The WHATWG URL serializer writes IPv6 in RFC 5952's canonical form, as the API stores it.
    return isIP(ip) === 6 ? new URL(`http://[${ip}]/`).hostname.slice(1, -1) : undefined;
  }
  return undefined;
}

function family(ip: string): 'A' | 'AAAA' {
  return isIP(ip) === 6 ? 'AAAA' : 'A';
}

/** An endpoint counts unless explicitly not ready (nil means ready, per the EndpointSlice API). */
function readyEndpoints(slices: EndpointSlice[]): Array<{ ip: string; hostname?: string; slice: EndpointSlice }> {
  const out: Array<{ ip: string; hostname?: string; slice: EndpointSlice }> = [];
  const seen = new Set<string>();
  for (const slice of slices) {
    for (const ep of slice.endpoints ?? []) {
      if (ep.conditions?.ready === false) continue;
      for (const ip of ep.addresses ?? []) {
        if (seen.has(ip)) continue;
        seen.add(ip);
        out.push({ ip, hostname: ep.hostname, slice });
      }
    }
  }
  return out;
}

const isHeadless = (svc: Service) => svc.spec?.clusterIP === 'None';

class Lookup {
  private readonly answers: Answer[] = [];
  private readonly additionals: Answer[] = [];

  constructor(
    private readonly qname: string,
    private readonly qtype: string,
    private readonly source: DnsSource,
    private readonly cfg: LookupConfig,
  ) {}

  private wants(type: string): boolean {
    return this.qtype === type || (this.qtype === 'ANY' && (type === 'A' || type === 'AAAA' || type === 'CNAME'));
  }

  private soa(zone: string): SoaAnswer {
    return {
      type: 'SOA',
      name: zone,
      ttl: this.cfg.ttl,
      class: 'IN',
      data: { mname: `ns.dns.${this.cfg.zone}`, rname: `hostmaster.${this.cfg.zone}`, serial: this.source.serial(), refresh: 7200, retry: 1800, expire: 86400, minimum: this.cfg.ttl },
    };
  }

  private address(name: string, ip: string, into: Answer[] = this.answers): void {
    into.push({ type: family(ip), name, ttl: this.cfg.ttl, class: 'IN', data: ip } as StringAnswer);
  }

  private addresses(name: string, ips: string[]): void {
    for (const ip of ips) if (this.wants(family(ip))) this.address(name, ip);
  }

  private result(rcode: Rcode, soaZone: string | undefined): LookupResult {
    const noAnswer = this.answers.length === 0;
    return {
      rcode,
      authoritative: soaZone !== undefined,
      answers: this.answers,
      authorities: soaZone !== undefined && noAnswer ? [this.soa(soaZone)] : [],
      additionals: this.additionals,
    };
  }

  run(): LookupResult {
    const name = stripDot(this.qname.toLowerCase());
    const zone = this.cfg.zone;
    const inZone = under(name, zone);
    if (inZone) return this.clusterZone(inZone);
    for (const rz of [REVERSE_V4, REVERSE_V6]) if (under(name, rz)) return this.reverse(name, rz);
    return { rcode: 'REFUSED', authoritative: false, answers: [], authorities: [], additionals: [] };
  }

  private clusterZone(labels: string[]): LookupResult {
    const zone = this.cfg.zone;
    const nx = () => this.result('NXDOMAIN', zone);
    const nodata = () => this.result('NOERROR', zone);
    if (labels.length === 0) return this.apex();
    const kind = labels[labels.length - 1];
    const segs = labels.slice(0, -1);
    if (kind !== 'svc' && kind !== 'pod') return nx();
    if (segs.length === 0) return nodata();
    const namespace = segs[segs.length - 1];
    if (segs.length === 1) return this.source.namespaceHasServices(namespace) ? nodata() : nx();
    if (kind === 'pod') return segs.length === 2 ? this.pod(segs[0], namespace) : nx();

    const svc = this.source.service(namespace, segs[segs.length - 2]);
    if (!svc) return nx();
    if (segs.length === 2) return this.service(svc);
    if (segs.length === 3) return this.endpoint(svc, segs[0]);
    if (segs.length === 4) return this.port(svc, segs[0], segs[1]);
    return nx();
  }

  private apex(): LookupResult {
    const zone = this.cfg.zone;
    if (this.qtype === 'SOA') this.answers.push(this.soa(zone));
    if (this.qtype === 'NS') {
      const ns = `ns.dns.${zone}`;
      this.answers.push({ type: 'NS', name: this.qname, ttl: this.cfg.ttl, class: 'IN', data: ns });
      for (const ip of this.cfg.nameserverIPs ?? []) this.address(ns, ip, this.additionals);
    }
    return this.result('NOERROR', zone);
  }

  private pod(label: string, namespace: string): LookupResult {
    const zone = this.cfg.zone;
    const ip = this.cfg.pods === 'disabled' ? undefined : undashIP(label);
    if (!ip) return this.result('NXDOMAIN', zone);
    if (this.cfg.pods === 'verified') {
      const found = this.source.podsByIP(ip).some((p) => (p.metadata?.namespace ?? 'default') === namespace && !p.metadata?.deletionTimestamp);
      if (!found) return this.result('NXDOMAIN', zone);
    }
    this.addresses(this.qname, [ip]);
    return this.result('NOERROR', zone);
  }

  private serviceFqdn(svc: Service): string {
    return `${svc.metadata?.name}.${svc.metadata?.namespace ?? 'default'}.svc.${this.cfg.zone}`;
  }

  private endpointsOf(svc: Service) {
    return readyEndpoints(this.source.endpointSlices(svc.metadata?.namespace ?? 'default', svc.metadata?.name ?? ''));
  }

  private endpointLabel(ep: { ip: string; hostname?: string }): string {
    return ep.hostname || dashIP(ep.ip);
  }

  private service(svc: Service): LookupResult {
    const zone = this.cfg.zone;
    if (svc.spec?.type === 'ExternalName') {
      const target = svc.spec.externalName;
      if (target && (this.wants('A') || this.wants('AAAA') || this.wants('CNAME'))) {
        this.answers.push({ type: 'CNAME', name: this.qname, ttl: this.cfg.ttl, class: 'IN', data: stripDot(target) });
      }
      return this.result('NOERROR', zone);
    }
    if (this.qtype === 'SRV') return this.srv(svc, () => true);
    if (isHeadless(svc)) this.addresses(this.qname, this.endpointsOf(svc).map((e) => e.ip));
    else this.addresses(this.qname, clusterIPs(svc));
    return this.result('NOERROR', zone);
  }

  private endpoint(svc: Service, label: string): LookupResult {
    const zone = this.cfg.zone;
    if (svc.spec?.type === 'ExternalName') return this.result('NXDOMAIN', zone);
    const matches = this.endpointsOf(svc).filter((e) => this.endpointLabel(e) === label);
    if (matches.length === 0) return this.result('NXDOMAIN', zone);
    this.addresses(this.qname, matches.map((e) => e.ip));
    return this.result('NOERROR', zone);
  }

  /** `_<port>._<proto>.<svc>...`: the port name and protocol, underscores optional as in CoreDNS. */
  private port(svc: Service, portLabel: string, protoLabel: string): LookupResult {
    const zone = this.cfg.zone;
    const port = portLabel.replace(/^_/, '');
    const proto = protoLabel.replace(/^_/, '');
    const match = (name: string | undefined, protocol: string | undefined) => (name ?? '').toLowerCase() === port && (protocol ?? 'TCP').toLowerCase() === proto;
    const known = isHeadless(svc)
      ? this.source.endpointSlices(svc.metadata?.namespace ?? 'default', svc.metadata?.name ?? '').some((s) => s.ports?.some((p) => match(p.name ?? undefined, p.protocol)))
      : (svc.spec?.ports ?? []).some((p) => match(p.name, p.protocol));
    if (!known || svc.spec?.type === 'ExternalName') return this.result('NXDOMAIN', zone);
    if (this.qtype === 'SRV') return this.srv(svc, match);
    if (isHeadless(svc)) this.addresses(this.qname, this.endpointsOf(svc).map((e) => e.ip));
    else this.addresses(this.qname, clusterIPs(svc));
    return this.result('NOERROR', zone);
  }

  /** SRV records for the service's ports that pass `match`; the targets' addresses go in additional. */
  private srv(svc: Service, match: (name: string | undefined, protocol: string | undefined) => boolean): LookupResult {
    const fqdn = this.serviceFqdn(svc);
    const records: Array<{ port: number; target: string; ip: string }> = [];
    if (isHeadless(svc)) {
      for (const ep of this.endpointsOf(svc)) {
        for (const p of ep.slice.ports ?? []) {
          if (p.port == null || !match(p.name ?? undefined, p.protocol)) continue;
          records.push({ port: p.port, target: `${this.endpointLabel(ep)}.${fqdn}`, ip: ep.ip });
        }
      }
    } else {
      for (const p of svc.spec?.ports ?? []) {
        if (!match(p.name, p.protocol)) continue;
        for (const ip of clusterIPs(svc)) records.push({ port: p.port, target: fqdn, ip });
      }
    }
    // CoreDNS gives every record priority 0 and an equal share of weight 100.
    const weight = records.length ? Math.floor(100 / records.length) : 0;
    const glue = new Set<string>();
    for (const r of records) {
      const srv: SrvAnswer = { type: 'SRV', name: this.qname, ttl: this.cfg.ttl, class: 'IN', data: { priority: 0, weight, port: r.port, target: r.target } };
      this.answers.push(srv);
      const key = `${r.target}|${r.ip}`;
      if (!glue.has(key)) {
        glue.add(key);
        this.address(r.target, r.ip, this.additionals);
      }
    }
    return this.result('NOERROR', this.cfg.zone);
  }

  private reverse(name: string, reverseZone: string): LookupResult {
    const ip = reverseToIP(name);
    if (!ip) return this.result(name === reverseZone ? 'NOERROR' : 'NXDOMAIN', reverseZone);
    const targets = new Set<string>();
    for (const svc of this.source.servicesByClusterIP(ip)) targets.add(this.serviceFqdn(svc));
    for (const slice of this.source.endpointSlicesByIP(ip)) {
      const svcName = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
      if (!svcName) continue;
      const svc = this.source.service(slice.metadata?.namespace ?? 'default', svcName);
      if (!svc) continue;
      for (const ep of slice.endpoints ?? []) {
        if (ep.addresses?.includes(ip)) targets.add(`${this.endpointLabel({ ip, hostname: ep.hostname })}.${this.serviceFqdn(svc)}`);
      }
    }
    if (targets.size === 0) return this.result('NXDOMAIN', reverseZone);
    if (this.qtype === 'PTR' || this.qtype === 'ANY') {
      for (const t of targets) this.answers.push({ type: 'PTR', name: this.qname, ttl: this.cfg.ttl, class: 'IN', data: t });
    }
    return this.result('NOERROR', reverseZone);
  }
}

/** The answer to one question (`qname` as asked, `qtype` as dns-packet names types: 'A', 'SRV', ...). */
export function lookup(qname: string, qtype: string, source: DnsSource, cfg: LookupConfig = DEFAULT_LOOKUP_CONFIG): LookupResult {
  return new Lookup(qname, qtype, source, cfg).run();
}

