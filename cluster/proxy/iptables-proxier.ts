/**
 * Applies the rendered rules to a node: one `iptables-restore --noflush` per sync
 * (atomic per table; chains not declared, such as Docker's, are left alone), then the
 * jumps from the built-in chains into ours, checked with `-C` and inserted first when
 * missing, as kube-proxy's ensureChain/ensureRule do.
 */
import { KUBE_EXTERNAL_SERVICES, KUBE_FORWARD, KUBE_POSTROUTING, KUBE_SERVICES, parseSavedChains, renderIptablesRules } from './iptables-rules.js';
import { mustRun } from './runner.js';
import type { CommandRunner } from './runner.js';
import type { ServicePortInfo } from './service-ports.js';

interface Jump {
  table: 'filter' | 'nat';
  chain: string;
  args: string[];
}

const newConn = ['-m', 'conntrack', '--ctstate', 'NEW'];
const note = (text: string) => ['-m', 'comment', '--comment', text];

/** kube-proxy's iptablesJumpChains. */
export const KUBE_JUMPS: Jump[] = [
  { table: 'filter', chain: 'INPUT', args: [...newConn, ...note('kubernetes externally-visible service portals'), '-j', KUBE_EXTERNAL_SERVICES] },
  { table: 'filter', chain: 'FORWARD', args: [...newConn, ...note('kubernetes externally-visible service portals'), '-j', KUBE_EXTERNAL_SERVICES] },
  { table: 'filter', chain: 'FORWARD', args: [...note('kubernetes forwarding rules'), '-j', KUBE_FORWARD] },
  { table: 'filter', chain: 'FORWARD', args: [...newConn, ...note('kubernetes service portals'), '-j', KUBE_SERVICES] },
  { table: 'filter', chain: 'OUTPUT', args: [...newConn, ...note('kubernetes service portals'), '-j', KUBE_SERVICES] },
  { table: 'nat', chain: 'PREROUTING', args: [...note('kubernetes service portals'), '-j', KUBE_SERVICES] },
  { table: 'nat', chain: 'OUTPUT', args: [...note('kubernetes service portals'), '-j', KUBE_SERVICES] },
  { table: 'nat', chain: 'POSTROUTING', args: [...note('kubernetes postrouting rules'), '-j', KUBE_POSTROUTING] },
];

/** Inserts each jump at the head of its chain unless an identical rule is there. */
export async function ensureJumps(run: CommandRunner, jumps: Jump[]): Promise<void> {
  for (const j of jumps) {
    const check = await run('iptables', ['-w', '-t', j.table, '-C', j.chain, ...j.args]);
    if (check.code !== 0) await mustRun(run, 'iptables', ['-w', '-t', j.table, '-I', j.chain, '1', ...j.args]);
  }
}

/** Removes the jumps (every copy), ignoring ones already gone. */
export async function removeJumps(run: CommandRunner, jumps: Jump[]): Promise<void> {
  for (const j of jumps) {
    for (let i = 0; i < 10; i++) {
      if ((await run('iptables', ['-w', '-t', j.table, '-D', j.chain, ...j.args])).code !== 0) break;
    }
  }
}

/** True when iptables and iptables-restore work here (kube-proxy's mode auto-detection). */
export async function iptablesUsable(run: CommandRunner): Promise<boolean> {
  const list = await run('iptables', ['-w', '-t', 'nat', '-S', 'POSTROUTING']);
  if (list.code !== 0) return false;
  return (await run('iptables-restore', ['--version'])).code === 0;
}

export interface IptablesProxierOptions {
  run: CommandRunner;
  clusterCIDR?: string;
  masqueradeAll?: boolean;
}

export class IptablesProxier {
  /** Service chains written by the last sync; stale ones are found from these between full syncs. */
  private written?: Set<string>;
  /** The last iptables-restore input, for /debug-style inspection and tests. */
  lastRules = '';

  constructor(private readonly opts: IptablesProxierOptions) {}

  async sync(servicePorts: ServicePortInfo[], full: boolean): Promise<void> {
    const { run } = this.opts;
    let existing: Iterable<string> | undefined = this.written;
    // A full sync reads what the table really holds (chains left by an earlier run included).
    if (full || !existing) existing = parseSavedChains(await mustRun(run, 'iptables-save', ['-t', 'nat']));
    const rendered = renderIptablesRules(servicePorts, { clusterCIDR: this.opts.clusterCIDR, masqueradeAll: this.opts.masqueradeAll, existingNatChains: existing });
    try {
      await mustRun(run, 'iptables-restore', ['-w', '--noflush'], rendered.text);
    } catch (err) {
      this.written = undefined; // next time, look at the table again
      throw err;
    }
    this.written = rendered.serviceChains;
    this.lastRules = rendered.text;
    if (full) await ensureJumps(run, KUBE_JUMPS);
  }

  /** kube-proxy --cleanup: removes the jumps and every KUBE- chain this mode writes. */
  async cleanup(): Promise<void> {
    const { run } = this.opts;
    await removeJumps(run, KUBE_JUMPS);
    for (const table of ['nat', 'filter'] as const) {
      const chains = parseSavedChains((await run('iptables-save', ['-t', table])).stdout).filter((c) => c.startsWith('KUBE-'));
      if (chains.length === 0) continue;
      const text = [`*${table}`, ...chains.map((c) => `:${c} - [0:0]`), ...chains.map((c) => `-X ${c}`), 'COMMIT', ''].join('\n');
      await run('iptables-restore', ['-w', '--noflush'], text);
    }
    this.written = undefined;
  }
}
