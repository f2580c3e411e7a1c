/**
 * A pod's DNS settings (its resolv.conf), as the kubelet's dns Configurer computes them
 * (pkg/kubelet/network/dns/dns.go, GetPodDNS):
 *   ClusterFirst (not hostNetwork) and ClusterFirstWithHostNet: the cluster DNS servers,
 *     search `<ns>.svc.<domain> svc.<domain> <domain>` then the host's, options ndots:5;
 *     without a cluster DNS IP, falls back to Default (with a MissingClusterDNS warning);
 *   Default (and ClusterFirst with hostNetwork): the node's resolv.conf;
 *   None: nothing but the pod's dnsConfig.
 * The pod's dnsConfig is then appended (nameservers and searches deduplicated, options
 * merged by name), and the result trimmed to the resolver's limits: 3 nameservers, 32
 * search domains of at most 253 characters, 2048 characters in all.
 */
import type { Pod, PodDNSConfigOption } from 'kubernetes-types/core/v1.js';

export interface PodDnsConfig {
  servers: string[];
  searches: string[];
  options: string[];
  /** Why the result differs from what the pod asked for (the kubelet records these as Warning events). */
  warnings: Array<{ reason: 'MissingClusterDNS' | 'DNSConfigForming'; message: string }>;
}

/** The node's own resolver settings (its /etc/resolv.conf, or the kubelet's --resolv-conf). */
export interface HostDnsConfig {
  servers: string[];
  searches: string[];
  options: string[];
}

// pkg/apis/core/validation: MaxDNSNameservers, MaxDNSSearchPaths, MaxDNSSearchListChars.
export const MAX_DNS_NAMESERVERS = 3;
export const MAX_DNS_SEARCH_PATHS = 32;
export const MAX_DNS_SEARCH_LIST_CHARS = 2048;
const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;

const omitDuplicates = (xs: string[]) => [...new Set(xs)];

/** Options deduplicated by name (`ndots:5` and `ndots:2` are one option), the later value winning. */
function mergeOptions(existing: string[], more: Array<{ name: string; value?: string }>): string[] {
  const byName = new Map<string, string>();
  for (const op of existing) {
    const i = op.indexOf(':');
    if (i === -1) byName.set(op, '');
    else byName.set(op.slice(0, i), op.slice(i + 1));
  }
  for (const op of more) byName.set(op.name, op.value ?? '');
  return [...byName].map(([name, value]) => (value ? `${name}:${value}` : name));
}

/** Parses resolv.conf text as the kubelet does: nameservers, the last search line (trailing dots trimmed, "." dropped), options. */
export function parseResolvConf(text: string): HostDnsConfig {
  const servers: string[] = [];
  let searches: string[] = [];
  let options: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const fields = line.split(/\s+/);
    if (fields[0] === 'nameserver' && fields.length >= 2) servers.push(fields[1]);
    else if (fields[0] === 'search') searches = fields.slice(1).filter((s) => s !== '.').map((s) => s.replace(/\.$/, ''));
    else if (fields[0] === 'options') options = mergeOptions(options, fields.slice(1).map((f) => ({ name: f.split(':')[0], value: f.includes(':') ? f.slice(f.indexOf(':') + 1) : undefined })));
  }
  return { servers, searches, options };
}

type DnsType = 'cluster' | 'host' | 'none';

function podDnsType(pod: Pod): DnsType {
  const policy = pod.spec?.dnsPolicy ?? 'ClusterFirst';
  switch (policy) {
    case 'None':
      return 'none';
    case 'ClusterFirstWithHostNet':
      return 'cluster';
    case 'ClusterFirst':
      // A hostNetwork pod with ClusterFirst gets the node's settings.
      return pod.spec?.hostNetwork ? 'host' : 'cluster';
    case 'Default':
      return 'host';
    default:
      throw new Error(`invalid DNSPolicy=${policy}`);
  }
}

function fitSearches(searches: string[], warn: (m: string) => void): string[] {
  let out = searches;
  let exceeded = false;
  if (out.length > MAX_DNS_SEARCH_PATHS) {
    out = out.slice(0, MAX_DNS_SEARCH_PATHS);
    exceeded = true;
  }
  // Some resolvers (glibc 2.28) abort on a search domain over 255 characters.
  const kept = out.filter((s) => s.length <= DNS1123_SUBDOMAIN_MAX_LENGTH);
  if (kept.length !== out.length) exceeded = true;
  out = kept;
  let len = out.join(' ').length;
  while (len > MAX_DNS_SEARCH_LIST_CHARS && out.length > 0) {
    len -= out[out.length - 1].length + 1;
    out = out.slice(0, -1);
    exceeded = true;
  }
  if (exceeded) warn(`Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${out.join(' ')}`);
  return out;
}

/**
 * The DNS settings for `pod`. `clusterDNS`: the kubelet's clusterDNS IPs (e.g. ['10.96.0.10']);
 * `clusterDomain`: e.g. 'cluster.local'; `host`: the node's resolv.conf (parseResolvConf).
 */
export function podDnsConfig(pod: Pod, clusterDNS: readonly string[], clusterDomain: string, host: HostDnsConfig = { servers: [], searches: [], options: [] }): PodDnsConfig {
  const warnings: PodDnsConfig['warnings'] = [];
  let servers = [...host.servers];
  let searches = [...host.searches];
  let options = [...host.options];
  let type = podDnsType(pod);
  if (type === 'cluster' && clusterDNS.length === 0) {
    warnings.push({
      reason: 'MissingClusterDNS',
      message: `kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.`,
    });
    type = 'host';
  }
  if (type === 'none') {
    servers = [];
    searches = [];
    options = [];
  } else if (type === 'cluster') {
    servers = [...clusterDNS];
    const ns = pod.metadata?.namespace || 'default';
    searches = clusterDomain ? omitDuplicates([`${ns}.svc.${clusterDomain}`, `svc.${clusterDomain}`, clusterDomain, ...searches]) : searches;
    options = ['ndots:5'];
  }

  const extra = pod.spec?.dnsConfig;
  if (extra) {
    servers = omitDuplicates([...servers, ...(extra.nameservers ?? [])]);
    searches = omitDuplicates([...searches, ...(extra.searches ?? [])]);
    options = mergeOptions(options, (extra.options ?? []).filter((o): o is PodDNSConfigOption & { name: string } => !!o.name));
  }

  if (servers.length > MAX_DNS_NAMESERVERS) {
    servers = servers.slice(0, MAX_DNS_NAMESERVERS);
    warnings.push({ reason: 'DNSConfigForming', message: `Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: ${servers.join(' ')}` });
  }
  searches = fitSearches(searches, (message) => warnings.push({ reason: 'DNSConfigForming', message }));
  return { servers, searches, options, warnings };
}

/** The resolv.conf a pod gets for `cfg`. */
export function resolvConfText(cfg: Pick<PodDnsConfig, 'servers' | 'searches' | 'options'>): string {
  const lines: string[] = [];
  if (cfg.searches.length) lines.push(`search ${cfg.searches.join(' ')}`);
  for (const s of cfg.servers) lines.push(`nameserver ${s}`);
  if (cfg.options.length) lines.push(`options ${cfg.options.join(' ')}`);
  return lines.length ? `${lines.join('\n')}\n` : '';
}
