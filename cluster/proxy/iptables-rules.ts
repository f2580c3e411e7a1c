/**
 * kube-proxy's iptables mode as a pure function: the `iptables-restore` input that
 * pkg/proxy/iptables/proxier.go's syncProxyRules writes, for the filter and nat
 * tables, chain names and comments included (KUBE-SVC-/KUBE-SEP-/KUBE-EXT-/KUBE-SVL-
 * hashes are computed the same way, so they match a real node's). Applied with
 * `iptables-restore --noflush`: only the chains declared here are replaced.
 */
import { createHash } from 'node:crypto';
import { categorizeEndpoints, servicePortName } from './service-ports.js';
import type { EndpointInfo, ServicePortInfo } from './service-ports.js';

export const KUBE_SERVICES = 'KUBE-SERVICES';
export const KUBE_EXTERNAL_SERVICES = 'KUBE-EXTERNAL-SERVICES';
export const KUBE_NODEPORTS = 'KUBE-NODEPORTS';
export const KUBE_POSTROUTING = 'KUBE-POSTROUTING';
export const KUBE_MARK_MASQ = 'KUBE-MARK-MASQ';
export const KUBE_FORWARD = 'KUBE-FORWARD';
/** kube-proxy's --iptables-masquerade-bit default: 14. */
export const MASQ_MARK = '0x4000';

/** Per-service chains that a sync owns and deletes when their service goes away. */
const SERVICE_CHAIN_PREFIXES = ['KUBE-SVC-', 'KUBE-SVL-', 'KUBE-EXT-', 'KUBE-FW-', 'KUBE-SEP-'];

export interface IptablesRenderOptions {
  /** The cluster's pod range (kube-proxy --cluster-cidr): its pods' traffic to a ClusterIP is not masqueraded. */
  clusterCIDR?: string;
  /** kube-proxy --masquerade-all: SNAT every packet sent to a ClusterIP. */
  masqueradeAll?: boolean;
  /** Chains now in the nat table (from iptables-save); stale per-service ones are deleted. */
  existingNatChains?: Iterable<string>;
}

export interface RenderedRules {
  /** The full iptables-restore input (filter then nat). */
  text: string;
  /** The per-service nat chains this rendering uses. */
  serviceChains: Set<string>;
}

/** RFC 4648 base32 (Go's base32.StdEncoding) of a sha256, cut to 16 characters, as kube-proxy names chains. */
function hash16(text: string): string {
  const bytes = createHash('sha256').update(text).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5 && out.length < 16) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= 0xff;
    if (out.length >= 16) break;
  }
  return out;
}

const protoOf = (sp: ServicePortInfo) => sp.protocol.toLowerCase();
const baseName = (sp: ServicePortInfo) => hash16(servicePortName(sp) + protoOf(sp));
export const serviceChain = (sp: ServicePortInfo) => `KUBE-SVC-${baseName(sp)}`;
export const localServiceChain = (sp: ServicePortInfo) => `KUBE-SVL-${baseName(sp)}`;
export const externalChain = (sp: ServicePortInfo) => `KUBE-EXT-${baseName(sp)}`;
export const endpointChain = (sp: ServicePortInfo, ep: Pick<EndpointInfo, 'ip' | 'port'>) =>
  `KUBE-SEP-${hash16(servicePortName(sp) + protoOf(sp) + `${ep.ip}:${ep.port}`)}`;

/** `-m comment --comment X`, quoted when it has spaces (iptables-restore splits on them). */
const comment = (text: string) => `-m comment --comment ${/\s/.test(text) ? `"${text}"` : text}`;

/** kube-proxy's probability: 1/n with ten decimals. */
export const probability = (n: number) => (1 / n).toFixed(10);

export function renderIptablesRules(servicePorts: ServicePortInfo[], opts: IptablesRenderOptions = {}): RenderedRules {
  const filterRules: string[] = [];
  const natChains: string[] = [];
  const natRules: string[] = [];
  const active = new Set<string>();
  const localDetector = opts.clusterCIDR;

  for (const sp of servicePorts) {
    const name = servicePortName(sp);
    const proto = protoOf(sp);
    const match = `-m ${proto} -p ${proto}`;
    const { cluster, local } = categorizeEndpoints(sp);
    const externallyAccessible = sp.nodePort !== 0 || sp.externalIPs.length > 0;
    const usesClusterEndpoints = !sp.internalPolicyLocal || externallyAccessible;
    const usesLocalEndpoints = sp.internalPolicyLocal || sp.externalPolicyLocal;
    const clusterEps = usesClusterEndpoints ? cluster : [];
    const localEps = usesLocalEndpoints ? local : [];
    const reachable = [...new Map([...clusterEps, ...localEps].map((e) => [`${e.ip}:${e.port}`, e])).values()];
    const hasEndpoints = reachable.length > 0;

    const svcChain = serviceChain(sp);
    const svlChain = localServiceChain(sp);
    const extChain = externalChain(sp);
    const usesClusterChain = clusterEps.length > 0;
    const usesLocalChain = localEps.length > 0;
    const internalChain = sp.internalPolicyLocal ? svlChain : svcChain;
    const hasInternalEndpoints = hasEndpoints && (!sp.internalPolicyLocal || localEps.length > 0);
    const externalPolicyChain = sp.externalPolicyLocal ? svlChain : svcChain;
    const hasExternalEndpoints = hasEndpoints && (!sp.externalPolicyLocal || localEps.length > 0);
    const usesExternalChain = hasEndpoints && externallyAccessible;

    // No endpoints: REJECT (connection refused, as a closed port would say). Endpoints,
    // but none local under a Local policy: DROP what the short-circuits do not catch.
    const internalFilter = !hasEndpoints ? ['REJECT', `${name} has no endpoints`] : ['DROP', `${name} has no local endpoints`];
    const externalFilter = internalFilter;
    const dst = `-d ${sp.clusterIP}/32 --dport ${sp.port}`;

    if (hasInternalEndpoints) {
      natRules.push(`-A ${KUBE_SERVICES} ${comment(`${name} cluster IP`)} ${match} ${dst} -j ${internalChain}`);
    } else {
      filterRules.push(`-A ${KUBE_SERVICES} ${comment(internalFilter[1])} ${match} ${dst} -j ${internalFilter[0]}`);
    }
    for (const ip of sp.externalIPs) {
      const extDst = `-d ${ip}/32 --dport ${sp.port}`;
      if (hasEndpoints) natRules.push(`-A ${KUBE_SERVICES} ${comment(`${name} external IP`)} ${match} ${extDst} -j ${extChain}`);
      if (!hasExternalEndpoints) filterRules.push(`-A ${KUBE_EXTERNAL_SERVICES} ${comment(externalFilter[1])} ${match} ${extDst} -j ${externalFilter[0]}`);
    }
    if (sp.nodePort) {
      if (hasEndpoints) natRules.push(`-A ${KUBE_NODEPORTS} ${comment(name)} ${match} --dport ${sp.nodePort} -j ${extChain}`);
      if (!hasExternalEndpoints) {
        filterRules.push(
          `-A ${KUBE_EXTERNAL_SERVICES} ${comment(externalFilter[1])} -m addrtype --dst-type LOCAL ${match} --dport ${sp.nodePort} -j ${externalFilter[0]}`,
        );
      }
    }

    // Traffic to the cluster IP from outside the pod network (the node itself, or a
    // route into the service range) is masqueraded so that replies come back here.
    if (hasInternalEndpoints) {
      const args = `${comment(`${name} cluster IP`)} ${match} ${dst}`;
      if (opts.masqueradeAll) natRules.push(`-A ${internalChain} ${args} -j ${KUBE_MARK_MASQ}`);
      else if (localDetector) natRules.push(`-A ${internalChain} ${args} ! -s ${localDetector} -j ${KUBE_MARK_MASQ}`);
    }

    if (usesExternalChain) {
      natChains.push(extChain);
      if (!sp.externalPolicyLocal) {
        // Cluster policy may send it to another node: masquerade so the reply comes back through us.
        natRules.push(`-A ${extChain} ${comment(`masquerade traffic for ${name} external destinations`)} -j ${KUBE_MARK_MASQ}`);
      } else {
        // Local policy keeps the client's source address; pods and the node itself
        // are short-circuited to the cluster-wide chain.
        if (localDetector && usesClusterChain) {
          natRules.push(`-A ${extChain} ${comment(`pod traffic for ${name} external destinations`)} -s ${localDetector} -j ${svcChain}`);
        }
        natRules.push(`-A ${extChain} ${comment(`masquerade LOCAL traffic for ${name} external destinations`)} -m addrtype --src-type LOCAL -j ${KUBE_MARK_MASQ}`);
        if (usesClusterChain) {
          natRules.push(`-A ${extChain} ${comment(`route LOCAL traffic for ${name} external destinations`)} -m addrtype --src-type LOCAL -j ${svcChain}`);
        }
      }
      if (hasExternalEndpoints) natRules.push(`-A ${extChain} -j ${externalPolicyChain}`);
    }

    if (usesClusterChain) {
      natChains.push(svcChain);
      natRules.push(...endpointRules(sp, svcChain, clusterEps));
    }
    if (usesLocalChain) {
      natChains.push(svlChain);
      natRules.push(...endpointRules(sp, svlChain, localEps));
    }
    for (const ep of reachable) {
      const sep = endpointChain(sp, ep);
      natChains.push(sep);
      // Hairpin: a pod reaching itself through the service is masqueraded, or its reply would bypass the DNAT.
      natRules.push(`-A ${sep} ${comment(name)} -s ${ep.ip}/32 -j ${KUBE_MARK_MASQ}`);
      const affinity = sp.affinityTimeoutSeconds !== undefined ? ` -m recent --name ${sep} --set` : '';
      natRules.push(`-A ${sep} ${comment(name)}${affinity} ${match} -j DNAT --to-destination ${ep.ip}:${ep.port}`);
    }
  }
  for (const c of natChains) active.add(c);

  // NodePorts are matched last, on any local address, after every cluster IP.
  natRules.push(
    `-A ${KUBE_SERVICES} ${comment('kubernetes service nodeports; NOTE: this must be the last rule in this chain')} -m addrtype --dst-type LOCAL -j ${KUBE_NODEPORTS}`,
  );

  const stale = [...new Set(opts.existingNatChains ?? [])].filter((c) => SERVICE_CHAIN_PREFIXES.some((p) => c.startsWith(p)) && !active.has(c)).sort();

  const lines: string[] = [];
  lines.push('*filter');
  for (const c of [KUBE_NODEPORTS, KUBE_SERVICES, KUBE_EXTERNAL_SERVICES, KUBE_FORWARD]) lines.push(`:${c} - [0:0]`);
  lines.push(
    `-A ${KUBE_FORWARD} -m conntrack --ctstate INVALID -j DROP`,
    `-A ${KUBE_FORWARD} ${comment('kubernetes forwarding rules')} -m mark --mark ${MASQ_MARK}/${MASQ_MARK} -j ACCEPT`,
    `-A ${KUBE_FORWARD} ${comment('kubernetes forwarding conntrack rule')} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
  );
  lines.push(...filterRules, 'COMMIT');
  lines.push('*nat');
  for (const c of [KUBE_SERVICES, KUBE_NODEPORTS, KUBE_POSTROUTING, KUBE_MARK_MASQ, ...natChains, ...stale]) lines.push(`:${c} - [0:0]`);
  // Marked packets are masqueraded once on the way out; the mark is cleared so a
  // re-entering packet (e.g. through a tunnel) is not masqueraded twice.
  lines.push(
    `-A ${KUBE_POSTROUTING} -m mark ! --mark ${MASQ_MARK}/${MASQ_MARK} -j RETURN`,
    `-A ${KUBE_POSTROUTING} -j MARK --xor-mark ${MASQ_MARK}`,
    `-A ${KUBE_POSTROUTING} ${comment('kubernetes service traffic requiring SNAT')} -j MASQUERADE --random-fully`,
    `-A ${KUBE_MARK_MASQ} -j MARK --or-mark ${MASQ_MARK}`,
  );
  lines.push(...natRules);
  for (const c of stale) lines.push(`-X ${c}`);
  lines.push('COMMIT', '');
  return { text: lines.join('\n'), serviceChains: active };
}

/**
 * The jumps from a service chain to its endpoints: with ClientIP affinity first a
 * `recent` check per endpoint (a client seen within the timeout goes back to the
 * same one), then random balancing — endpoint i of n taken with probability
 * 1/(n-i), so each gets 1/n overall (writeServiceToEndpointRules).
 */
function endpointRules(sp: ServicePortInfo, chain: string, eps: EndpointInfo[]): string[] {
  const name = servicePortName(sp);
  const rules: string[] = [];
  if (sp.affinityTimeoutSeconds !== undefined) {
    for (const ep of eps) {
      const sep = endpointChain(sp, ep);
      rules.push(
        `-A ${chain} ${comment(`${name} -> ${ep.ip}:${ep.port}`)} -m recent --name ${sep} --rcheck --seconds ${sp.affinityTimeoutSeconds} --reap -j ${sep}`,
      );
    }
  }
  eps.forEach((ep, i) => {
    const stat = i < eps.length - 1 ? ` -m statistic --mode random --probability ${probability(eps.length - i)}` : '';
    rules.push(`-A ${chain} ${comment(`${name} -> ${ep.ip}:${ep.port}`)}${stat} -j ${endpointChain(sp, ep)}`);
  });
  return rules;
}

/** Chain names in `iptables-save` output (`:NAME POLICY [p:b]` lines). */
export function parseSavedChains(save: string): string[] {
  return save
    .split('\n')
    .filter((l) => l.startsWith(':'))
    .map((l) => l.slice(1).split(' ')[0]);
}
