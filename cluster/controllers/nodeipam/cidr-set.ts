/**
 * An IPv4 CIDR set (upstream pkg/controller/nodeipam/ipam/cidrset): the cluster CIDR cut
 * into equal subnets (a /16 into 256 /24s), allocated lowest-free-first after the last
 * one handed out, and released on node deletion.
 */
export class CidrSet {
  private readonly base: number;
  private readonly count: number;
  private readonly used = new Set<number>();
  private next = 0;

  constructor(readonly clusterCIDR: string, readonly subnetMaskSize: number) {
    const { ip, bits } = parseCidr(clusterCIDR);
    if (subnetMaskSize < bits || subnetMaskSize > 32) throw new Error(`subnet mask /${subnetMaskSize} does not fit in ${clusterCIDR}`);
    this.base = ip;
    this.count = 2 ** (subnetMaskSize - bits);
  }

  get size(): number {
    return this.count;
  }

  get allocated(): number {
    return this.used.size;
  }

  /** The next free subnet, or undefined when the range is exhausted. */
  allocateNext(): string | undefined {
    for (let i = 0; i < this.count; i++) {
      const idx = (this.next + i) % this.count;
      if (this.used.has(idx)) continue;
      this.used.add(idx);
      this.next = (idx + 1) % this.count;
      return this.cidrAt(idx);
    }
    return undefined;
  }

  /** Marks a subnet taken (a node that already has it); false if it is not one of ours. */
  occupy(cidr: string): boolean {
    const idx = this.indexOf(cidr);
    if (idx === undefined) return false;
    this.used.add(idx);
    return true;
  }

  release(cidr: string): void {
    const idx = this.indexOf(cidr);
    if (idx !== undefined) this.used.delete(idx);
  }

  private cidrAt(idx: number): string {
    return `${formatIPv4(this.base + idx * 2 ** (32 - this.subnetMaskSize))}/${this.subnetMaskSize}`;
  }

  private indexOf(cidr: string): number | undefined {
    let p: { ip: number; bits: number };
    try {
      p = parseCidr(cidr);
    } catch {
      return undefined;
    }
    if (p.bits !== this.subnetMaskSize) return undefined;
    const idx = (p.ip - this.base) / 2 ** (32 - this.subnetMaskSize);
    return Number.isInteger(idx) && idx >= 0 && idx < this.count ? idx : undefined;
  }
}

export function parseCidr(cidr: string): { ip: number; bits: number } {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) throw new Error(`invalid IPv4 CIDR ${cidr}`);
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits > 32) throw new Error(`invalid IPv4 CIDR ${cidr}`);
  const ip = octets.reduce((a, o) => a * 256 + o, 0);
  const block = 2 ** (32 - bits);
  return { ip: Math.floor(ip / block) * block, bits };
}

export function formatIPv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}
