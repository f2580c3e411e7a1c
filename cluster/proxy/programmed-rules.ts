/**
 * What kube-proxy really programmed for each Service port on this node, read back from
 * the kernel rather than from what it meant to write: `iptables-save` output is parsed
 * into rules, and for each service port the chains reached from its entry points
 * (KUBE-SERVICES for the ClusterIP and external IPs, KUBE-NODEPORTS for the NodePort,
 * the filter table's REJECT/DROP rules) are followed through KUBE-EXT-/KUBE-SVC-/
 * KUBE-SVL-/KUBE-FW- down to each KUBE-SEP- and its DNAT. Served as kube-proxy's
 * `/rules` (Kubarium's own endpoint; the real kube-proxy has none: people run
 * `iptables-save | grep` on the node). Pure: no I/O.
 */
import type { IptablesRule, ProgrammedChain, ProgrammedEndpoint, ServicePortIdentity, ServicePortRules, UserspacePortRules } from './rules-report.js';
import { servicePortName, usableEndpoints } from './service-ports.js';
import type { ServicePortInfo } from './service-ports.js';

export type { IptablesRule, ProgrammedChain, ProgrammedEndpoint, ServicePortIdentity, ServicePortRules, UserspacePortRules } from './rules-report.js';

function identityOf(sp: ServicePortInfo): ServicePortIdentity {
  return {
    service: servicePortName(sp),
    namespace: sp.namespace,
    name: sp.name,
    portName: sp.portName,
    protocol: sp.protocol,
    clusterIP: sp.clusterIP,
    port: sp.port,
    nodePort: sp.nodePort,
    affinitySeconds: sp.affinityTimeoutSeconds,
  };
}

/** Tables by name, each with its chain names (in save order) and rules (in chain order). */
export type SavedTables = Map<string, { chains: string[]; rules: IptablesRule[] }>;

/** Splits an iptables-save line into arguments, honouring its double quotes and backslash escapes. */
export function splitArgs(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '\\' && i + 1 < line.length) cur += line[++i];
      else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') {
      quoted = inWord = true;
    } else if (c === ' ' || c === '\t') {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) out.push(cur);
  return out;
}

/** Parses one `-A` line of `table`. */
export function parseRule(table: string, line: string): IptablesRule {
  const args = splitArgs(line);
  const rule: IptablesRule = { table, chain: args[1] ?? '', text: line, target: '' };
  for (let i = 2; i < args.length; i++) {
    const a = args[i];
    const negated = a === '!';
    const opt = negated ? args[++i] : a;
    const val = args[i + 1];
    const neg = (v: string) => (negated ? `!${v}` : v);
    switch (opt) {
      case '-s':
      case '--source':
        rule.source = neg(val);
        i++;
        break;
      case '-d':
      case '--destination':
        rule.destination = neg(val);
        i++;
        break;
      case '-p':
      case '--protocol':
        rule.protocol = neg(val);
        i++;
        break;
      case '--dport':
        rule.dport = Number(val);
        i++;
        break;
      case '--comment':
        rule.comment = val;
        i++;
        break;
      case '--probability':
        rule.probability = Number(val);
        i++;
        break;
      case '--set':
      case '--rcheck':
        rule.recent = { name: rule.recent?.name ?? '', ...rule.recent, mode: opt === '--set' ? 'set' : 'rcheck' };
        break;
      case '--name':
        rule.recent = { mode: 'set', ...rule.recent, name: val };
        i++;
        break;
      case '--seconds':
        rule.recent = { mode: 'rcheck', name: '', ...rule.recent, seconds: Number(val) };
        i++;
        break;
      case '--dst-type':
        rule.dstType = val;
        i++;
        break;
      case '--src-type':
        rule.srcType = val;
        i++;
        break;
      case '--to-destination':
        rule.toDestination = val;
        i++;
        break;
      case '-j':
      case '--jump':
        rule.target = val;
        i++;
        break;
      default:
        break;
    }
  }
  return rule;
}

/** Parses `iptables-save` output (any tables). */
export function parseIptablesSave(text: string): SavedTables {
  const tables: SavedTables = new Map();
  let current: { chains: string[]; rules: IptablesRule[] } | undefined;
  let name = '';
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (line.startsWith('*')) {
      name = line.slice(1);
      current = { chains: [], rules: [] };
      tables.set(name, current);
    } else if (!current || line.startsWith('#') || line === 'COMMIT') {
      continue;
    } else if (line.startsWith(':')) {
      current.chains.push(line.slice(1).split(' ')[0]);
    } else if (line.startsWith('-A ')) {
      current.rules.push(parseRule(name, line));
    }
  }
  return tables;
}

const ENTRY_CHAINS = new Set(['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-EXTERNAL-SERVICES']);
const SERVICE_CHAIN = /^KUBE-(SVC|SVL|EXT|FW|SEP)-/;

/** Whether an entry rule is about this service port (by its destination and port, or by its comment). */
function entryMatches(r: IptablesRule, sp: ServicePortInfo): boolean {
  if (!ENTRY_CHAINS.has(r.chain)) return false;
  const proto = sp.protocol.toLowerCase();
  if (r.protocol && r.protocol !== proto) return false;
  if (r.dport === undefined) return false;
  if (sp.nodePort && r.dport === sp.nodePort && (r.chain === 'KUBE-NODEPORTS' || r.dstType === 'LOCAL')) return true;
  const dests = [sp.clusterIP, ...sp.externalIPs].map((ip) => `${ip}/32`);
  return r.dport === sp.port && !!r.destination && dests.includes(r.destination);
}

/** Assembles each service port's programmed rules from parsed `iptables-save` output. */
export function programmedRules(saved: SavedTables, servicePorts: ServicePortInfo[]): ServicePortRules[] {
  const byChain = new Map<string, IptablesRule[]>();
  for (const [table, t] of saved) {
    for (const r of t.rules) {
      const k = `${table}/${r.chain}`;
      byChain.set(k, [...(byChain.get(k) ?? []), r]);
    }
  }
  const all = [...saved.values()].flatMap((t) => t.rules);
  return servicePorts.map((sp) => {
    const entry = all.filter((r) => entryMatches(r, sp));
    const chains: ProgrammedChain[] = [];
    const seen = new Set<string>();
    const queue = entry.filter((r) => SERVICE_CHAIN.test(r.target)).map((r) => `${r.table}/${r.target}`);
    while (queue.length > 0) {
      const k = queue.shift()!;
      if (seen.has(k)) continue;
      seen.add(k);
      const [table, name] = [k.slice(0, k.indexOf('/')), k.slice(k.indexOf('/') + 1)];
      const rules = byChain.get(k) ?? [];
      chains.push({ table, name, kind: SERVICE_CHAIN.exec(name)?.[1] ?? name, rules });
      for (const r of rules) if (SERVICE_CHAIN.test(r.target)) queue.push(`${table}/${r.target}`);
    }
    const endpoints: ProgrammedEndpoint[] = [];
    for (const c of chains.filter((c) => c.kind === 'SEP')) {
      const dnat = c.rules.find((r) => r.target === 'DNAT');
      const jumps = chains.filter((x) => x.kind === 'SVC' || x.kind === 'SVL').flatMap((x) => x.rules.filter((r) => r.target === c.name));
      const balanced = jumps.find((r) => r.recent?.mode !== 'rcheck');
      const affinity = jumps.find((r) => r.recent?.mode === 'rcheck');
      endpoints.push({
        chain: c.name,
        destination: dnat?.toDestination ?? '',
        from: [...new Set(jumps.map((r) => r.chain))],
        probability: balanced?.probability ?? 1,
        affinitySeconds: affinity?.recent?.seconds,
        hairpinMasquerade: c.rules.some((r) => r.target === 'KUBE-MARK-MASQ' && !!r.source),
      });
    }
    const masquerade = chains.filter((c) => c.kind !== 'SEP').flatMap((c) => c.rules.filter((r) => r.target === 'KUBE-MARK-MASQ'));
    return {
      ...identityOf(sp),
      externalIPs: sp.externalIPs,
      entry,
      chains,
      endpoints,
      masquerade,
      rejects: entry.filter((r) => r.target === 'REJECT' || r.target === 'DROP'),
    };
  });
}

/** Matches the userspace proxier's open listeners (`proto/address:port`) to service ports. */
export function userspaceRules(servicePorts: ServicePortInfo[], listening: string[], nodePortAddress = '0.0.0.0'): UserspacePortRules[] {
  const open = new Set(listening);
  return servicePorts.map((sp) => {
    const proto = sp.protocol.toLowerCase();
    const wanted = [...[sp.clusterIP, ...sp.externalIPs].map((ip) => `${proto}/${ip}:${sp.port}`), ...(sp.nodePort ? [`${proto}/${nodePortAddress}:${sp.nodePort}`] : [])];
    return {
      ...identityOf(sp),
      listeners: wanted.filter((k) => open.has(k)),
      backends: usableEndpoints(sp.endpoints).map((e) => `${e.ip}:${e.port}`),
    };
  });
}
