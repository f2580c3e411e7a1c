/**
 * Simulated addresses for hollow nodes:
 *  - node InternalIPs come from 198.18.0.0/15, the block RFC 2544 reserves for
 *    benchmark networks (131,072 addresses, never routable, never a real LAN);
 *  - pod IPs come from the node's spec.podCIDR (allocated by the nodeipam controller, as
 *    kube-controller-manager --allocate-node-cidrs does), or, until it has one, from a
 *    per-node fallback /24 in 10.128.0.0/9 (outside the 10.244.0.0/16 cluster CIDR);
 *  - IPs are handed out round-robin after the last one given and released when the pod
 *    goes, like the host-local IPAM plugin (network, .1 gateway and broadcast never).
 */

export function ipv4ToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`not an IPv4 address: ${ip}`);
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

export function intToIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export interface IPv4Cidr {
  base: number;
  prefix: number;
  size: number;
}

export function parseIPv4Cidr(cidr: string): IPv4Cidr {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(cidr.trim());
  if (!m) throw new Error(`not an IPv4 CIDR: ${cidr}`);
  const prefix = Number(m[2]);
  if (prefix < 8 || prefix > 30) throw new Error(`CIDR prefix out of range (8..30): ${cidr}`);
  const size = 2 ** (32 - prefix);
  const base = ipv4ToInt(m[1]) - (ipv4ToInt(m[1]) % size);
  return { base, prefix, size };
}

const NODE_IP_BASE = ipv4ToInt('198.18.0.0');
const NODE_IP_COUNT = 2 ** 17;
const FALLBACK_POD_BASE = ipv4ToInt('10.128.0.0');
const FALLBACK_POD_COUNT = 2 ** 15; // /24s in a /9

/** The InternalIP of the hollow node with this ordinal (skips .0 and .255 of every /24 so each looks like a host). */
export function hollowNodeIP(ordinal: number): string {
  const perBlock = 254;
  const slot = (Math.floor(ordinal / perBlock) * 256 + (ordinal % perBlock) + 1) % NODE_IP_COUNT;
  return intToIPv4(NODE_IP_BASE + slot);
}

/** A pod CIDR for a node nodeipam has not served yet. */
export function fallbackPodCIDR(ordinal: number): string {
  return `${intToIPv4(FALLBACK_POD_BASE + (ordinal % FALLBACK_POD_COUNT) * 256)}/24`;
}

/** Round-robin allocator over one CIDR (host-local's next-after-last-reserved). */
export class PodIPAllocator {
  readonly cidr: string;
  private readonly range: IPv4Cidr;
  private readonly used = new Set<number>();
  private next = 2;

  constructor(cidr: string) {
    this.cidr = cidr;
    this.range = parseIPv4Cidr(cidr);
  }

  get allocated(): number {
    return this.used.size;
  }

  contains(ip: string): boolean {
    try {
      const n = ipv4ToInt(ip);
      return n >= this.range.base && n < this.range.base + this.range.size;
    } catch {
      return false;
    }
  }

  /** Marks an IP as taken (a pod that already had it); false if outside the range. */
  reserve(ip: string): boolean {
    if (!this.contains(ip)) return false;
    this.used.add(ipv4ToInt(ip) - this.range.base);
    return true;
  }

  /** The next free address; undefined when the range is full. Skips network, gateway (.1) and broadcast. */
  allocate(): string | undefined {
    const usable = this.range.size - 3;
    if (this.used.size >= usable) return undefined;
    for (let i = 0; i < this.range.size; i++) {
      const off = ((this.next - 2 + i) % (this.range.size - 3)) + 2;
      if (!this.used.has(off)) {
        this.used.add(off);
        this.next = off + 1;
        return intToIPv4(this.range.base + off);
      }
    }
    return undefined;
  }

  release(ip: string): void {
    if (this.contains(ip)) this.used.delete(ipv4ToInt(ip) - this.range.base);
  }
}
