/**
 * What kube-proxy reports on its `/rules` endpoint (Kubarium's own, see programmed-rules.ts):
 * plain data types with no imports, shared by the proxy that produces them and, through
 * the bridge's types (cluster/ui/explorer-api.ts), the explorer that shows them.
 */

/** One `-A CHAIN ...` line of iptables-save, with the matches this view cares about picked out. */
export interface IptablesRule {
  table: string;
  chain: string;
  /** The line as iptables-save printed it. */
  text: string;
  /** `-j` target (a chain or DNAT, MARK, REJECT…); '' when none. */
  target: string;
  comment?: string;
  /** `-s` / `-d`, with a leading `!` when negated. */
  source?: string;
  destination?: string;
  protocol?: string;
  dport?: number;
  /** `-m statistic --mode random --probability P`. */
  probability?: number;
  /** `-m recent`: `--set` on the endpoint chain, `--rcheck --seconds N` on the service chain (ClientIP affinity). */
  recent?: { name: string; mode: 'set' | 'rcheck'; seconds?: number };
  /** `-j DNAT --to-destination ip:port`. */
  toDestination?: string;
  /** `-m addrtype --dst-type X` / `--src-type X`. */
  dstType?: string;
  srcType?: string;
}

/** One KUBE-SEP- chain: where it DNATs to, and how the service chain picks it. */
export interface ProgrammedEndpoint {
  chain: string;
  /** `ip:port` of the DNAT. */
  destination: string;
  /** The chains jumping here (KUBE-SVC- and/or KUBE-SVL-). */
  from: string[];
  /** The statistic match on the jump from the first of `from`; 1 for the last (unconditional) jump. */
  probability: number;
  /** ClientIP affinity: the `recent` timeout checked before balancing. */
  affinitySeconds?: number;
  /** The endpoint masquerades its own hairpin traffic (`-s <ip>/32 -j KUBE-MARK-MASQ`). */
  hairpinMasquerade: boolean;
}

/** One chain and its rules, as followed from the service's entry rules. */
export interface ProgrammedChain {
  table: string;
  name: string;
  /** SVC, SVL, EXT, FW, SEP, or the name for a fixed chain. */
  kind: string;
  rules: IptablesRule[];
}

/** Which Service port a report is about: the same in both modes. */
export interface ServicePortIdentity {
  /** `ns/name:port` (kube-proxy's ServicePortName). */
  service: string;
  namespace: string;
  name: string;
  portName: string;
  protocol: string;
  clusterIP: string;
  port: number;
  nodePort: number;
  affinitySeconds?: number;
}

/** The rules one Service port has on this node. */
export interface ServicePortRules extends ServicePortIdentity {
  externalIPs: string[];
  /** The rules in KUBE-SERVICES, KUBE-NODEPORTS, KUBE-EXTERNAL-SERVICES that match this port (nat and filter). */
  entry: IptablesRule[];
  /** The per-service chains reached from `entry`, in the order they were reached. */
  chains: ProgrammedChain[];
  endpoints: ProgrammedEndpoint[];
  /** Traffic from outside the pod network (or all of it) gets the masquerade mark. */
  masquerade: IptablesRule[];
  /** REJECT (no endpoints) or DROP (no local endpoints) rules of the filter table. */
  rejects: IptablesRule[];
}

/** The userspace mode's view of one Service port: where it listens and where it forwards. */
export interface UserspacePortRules extends ServicePortIdentity {
  /** `proto/address:port` listeners now open for this port. */
  listeners: string[];
  /** `ip:port` of the endpoints connections are balanced over (round-robin). */
  backends: string[];
}

/** What kube-proxy's /rules answers (Kubarium's own endpoint): the rules each Service port has on this node now. */
export type ProxyRulesReport = { node: string; lastSync: string | null } & (
  | { mode: 'iptables'; servicePorts: ServicePortRules[] }
  | { mode: 'userspace'; servicePorts: UserspacePortRules[] }
);
