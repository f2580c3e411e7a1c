/**
 * The userspace proxy mode (kube-proxy's original, removed upstream in 1.26, kept here
 * as the fallback for nodes where iptables does not work): a TCP or UDP listener per
 * service port on its ClusterIP, external IPs and NodePort, forwarding each
 * connection (UDP: each client address) to an endpoint chosen round-robin, with
 * ClientIP affinity as pkg/proxy/userspace's LoadBalancerRR kept it. ClusterIPs are
 * made local addresses on a dummy interface (as the IPVS mode's kube-ipvs0) when an
 * address runner is given, so pods reach them through their default route.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import type { CommandRunner } from './runner.js';
import { servicePortName, usableEndpoints } from './service-ports.js';
import type { EndpointInfo, ServicePortInfo } from './service-ports.js';

export interface UserspaceProxierOptions {
  /** Runs `ip` to add ClusterIPs/external IPs to `interfaceName`; without it they must already be local. */
  addressRunner?: CommandRunner;
  interfaceName?: string;
  /** Where NodePorts listen (default all addresses). */
  nodePortAddress?: string;
  /** A UDP client's session ends after this much silence (default 60 s). */
  udpIdleTimeoutMs?: number;
  log?: (line: string) => void;
}

interface Affinity {
  endpoint: string;
  lastUsed: number;
}

/** One service port's balancing state, shared by its listeners. */
class Balancer {
  endpoints: EndpointInfo[] = [];
  private next = 0;
  private readonly affinity = new Map<string, Affinity>();

  constructor(public info: ServicePortInfo) {}

  update(info: ServicePortInfo): void {
    this.info = info;
    this.endpoints = usableEndpoints(info.endpoints);
    const live = new Set(this.endpoints.map(key));
    for (const [ip, a] of this.affinity) if (!live.has(a.endpoint)) this.affinity.delete(ip);
  }

  /** The endpoint for a new connection from `clientIP`; `skip` are endpoints that just failed. */
  pick(clientIP: string, skip: Set<string> = new Set()): EndpointInfo | undefined {
    const candidates = this.endpoints.filter((e) => !skip.has(key(e)));
    if (candidates.length === 0) return undefined;
    const timeoutMs = this.info.affinityTimeoutSeconds !== undefined ? this.info.affinityTimeoutSeconds * 1000 : undefined;
    const now = Date.now();
    if (timeoutMs !== undefined) {
      const a = this.affinity.get(clientIP);
      const ep = a && now - a.lastUsed < timeoutMs ? candidates.find((e) => key(e) === a.endpoint) : undefined;
      if (ep && a) {
        a.lastUsed = now;
        return ep;
      }
    }
    const ep = candidates[this.next++ % candidates.length];
    if (timeoutMs !== undefined) this.affinity.set(clientIP, { endpoint: key(ep), lastUsed: now });
    return ep;
  }
}

const key = (e: Pick<EndpointInfo, 'ip' | 'port'>) => `${e.ip}:${e.port}`;
const stripV4Mapped = (ip: string | undefined) => (ip ?? '').replace(/^::ffff:/, '');

interface Listener {
  address: string;
  port: number;
  close(): Promise<void>;
}

export class UserspaceProxier {
  private readonly balancers = new Map<string, Balancer>();
  private readonly listeners = new Map<string, Listener>();
  private readonly addresses = new Set<string>();
  private readonly log: (line: string) => void;
  /** The interface holding service addresses, once set up. */
  private device?: string;

  constructor(private readonly opts: UserspaceProxierOptions = {}) {
    this.log = opts.log ?? (() => undefined);
  }

  /** Where listeners are now bound (`proto/address:port`), for tests and status. */
  listening(): string[] {
    return [...this.listeners.keys()].sort();
  }

  async sync(servicePorts: ServicePortInfo[], _full = false): Promise<void> {
    const wanted = new Map<string, { bal: Balancer; address: string; port: number; protocol: string }>();
    const liveBalancers = new Set<string>();
    for (const sp of servicePorts) {
      if (sp.protocol === 'SCTP') continue; // Node has no SCTP sockets
      const id = `${servicePortName(sp)}/${sp.protocol}`;
      liveBalancers.add(id);
      let bal = this.balancers.get(id);
      if (!bal) this.balancers.set(id, (bal = new Balancer(sp)));
      bal.update(sp);
      const targets: Array<[string, number]> = [[sp.clusterIP, sp.port], ...sp.externalIPs.map((ip): [string, number] => [ip, sp.port])];
      if (sp.nodePort) targets.push([this.opts.nodePortAddress ?? '0.0.0.0', sp.nodePort]);
      for (const [address, port] of targets) wanted.set(`${sp.protocol.toLowerCase()}/${address}:${port}`, { bal, address, port, protocol: sp.protocol });
    }
    for (const id of [...this.balancers.keys()]) if (!liveBalancers.has(id)) this.balancers.delete(id);

    for (const [k, l] of [...this.listeners]) {
      if (!wanted.has(k)) {
        this.listeners.delete(k);
        await l.close();
      }
    }
    await this.syncAddresses(new Set([...wanted.values()].map((w) => w.address).filter((a) => a !== '0.0.0.0' && a !== this.opts.nodePortAddress)));
    for (const [k, w] of wanted) {
      if (this.listeners.has(k)) continue;
      try {
        const l = w.protocol === 'UDP' ? await this.listenUdp(w.bal, w.address, w.port) : await this.listenTcp(w.bal, w.address, w.port);
        this.listeners.set(k, l);
      } catch (err) {
        // Retried on the next sync (a full resync at the latest).
        this.log(`userspace proxy: cannot listen on ${k} for ${servicePortName(w.bal.info)}: ${(err as Error).message}`);
      }
    }
  }

  async stop(): Promise<void> {
    for (const l of this.listeners.values()) await l.close();
    this.listeners.clear();
    await this.syncAddresses(new Set());
  }

  private async syncAddresses(wanted: Set<string>): Promise<void> {
    const run = this.opts.addressRunner;
    if (!run) return;
    if (!this.device && wanted.size > 0) {
      const dev = this.opts.interfaceName ?? 'kube-proxy0';
      await run('ip', ['link', 'add', dev, 'type', 'dummy']); // fails harmlessly when it exists
      // Kernels without dummy links: loopback holds the addresses just as well for local delivery.
      this.device = (await run('ip', ['link', 'set', dev, 'up'])).code === 0 ? dev : 'lo';
    }
    const dev = this.device ?? 'lo';
    for (const ip of wanted) {
      if (this.addresses.has(ip)) continue;
      const r = await run('ip', ['addr', 'replace', `${ip}/32`, 'dev', dev]);
      if (r.code === 0) this.addresses.add(ip);
      else this.log(`userspace proxy: cannot add ${ip} to ${dev}: ${r.stderr.trim()}`);
    }
    for (const ip of [...this.addresses]) {
      if (wanted.has(ip)) continue;
      await run('ip', ['addr', 'del', `${ip}/32`, 'dev', dev]);
      this.addresses.delete(ip);
    }
  }

  private listenTcp(bal: Balancer, address: string, port: number): Promise<Listener> {
    const sockets = new Set<net.Socket>();
    const server = net.createServer({ pauseOnConnect: true }, (client) => {
      sockets.add(client);
      client.on('close', () => sockets.delete(client));
      client.on('error', () => undefined);
      this.forwardTcp(bal, client, sockets, new Set());
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: address, port }, () => {
        server.off('error', reject);
        server.on('error', (err) => this.log(`userspace proxy: tcp ${address}:${port}: ${err.message}`));
        resolve({
          address,
          port,
          close: () =>
            new Promise<void>((done) => {
              for (const s of sockets) s.destroy();
              server.close(() => done());
            }),
        });
      });
    });
  }

  /** Connects to an endpoint, trying the others when one refuses (the old proxier's retry). */
  private forwardTcp(bal: Balancer, client: net.Socket, sockets: Set<net.Socket>, failed: Set<string>): void {
    const ep = bal.pick(stripV4Mapped(client.remoteAddress), failed);
    if (!ep) {
      // No endpoints: refuse the connection as the iptables mode's REJECT does.
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect({ host: ep.ip, port: ep.port });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    const onConnectError = () => {
      failed.add(key(ep));
      upstream.destroy();
      if (!client.destroyed) this.forwardTcp(bal, client, sockets, failed);
    };
    upstream.once('error', onConnectError);
    upstream.once('connect', () => {
      upstream.off('error', onConnectError);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
  }

  private listenUdp(bal: Balancer, address: string, port: number): Promise<Listener> {
    const server = dgram.createSocket('udp4');
    const sessions = new Map<string, { socket: dgram.Socket; timer: NodeJS.Timeout }>();
    const idleMs = this.opts.udpIdleTimeoutMs ?? 60_000;
    const endSession = (client: string) => {
      const s = sessions.get(client);
      if (!s) return;
      clearTimeout(s.timer);
      s.socket.close();
      sessions.delete(client);
    };
    server.on('message', (msg, rinfo) => {
      const client = `${rinfo.address}:${rinfo.port}`;
      let s = sessions.get(client);
      if (!s) {
        const ep = bal.pick(rinfo.address);
        if (!ep) return; // no endpoints: dropped
        const socket = dgram.createSocket('udp4');
        socket.on('message', (reply) => {
          server.send(reply, rinfo.port, rinfo.address);
          const cur = sessions.get(client);
          if (cur) cur.timer.refresh();
        });
        socket.on('error', () => endSession(client));
        socket.connect(ep.port, ep.ip);
        s = { socket, timer: setTimeout(() => endSession(client), idleMs) };
        sessions.set(client, s);
      }
      s.timer.refresh();
      const sock = s.socket;
      const send = () => sock.send(msg);
      try {
        send();
      } catch {
        sock.once('connect', send); // not connected yet
      }
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.bind({ address, port }, () => {
        server.off('error', reject);
        server.on('error', (err) => this.log(`userspace proxy: udp ${address}:${port}: ${err.message}`));
        resolve({
          address,
          port,
          close: () =>
            new Promise<void>((done) => {
              for (const c of [...sessions.keys()]) endSession(c);
              server.close(() => done());
            }),
        });
      });
    });
  }
}
