/**
 * The DNS listeners: UDP and TCP on one port (53 in a pod). TCP messages carry a
 * two-byte length prefix (RFC 1035 §4.2.2, RFC 7766); one connection may carry several
 * queries, answered in order, and idles out after a while as CoreDNS's does.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { handleMessage } from './message.js';
import type { Handled, Transport } from './message.js';
import type { LookupConfig } from './lookup.js';
import type { DnsSource } from './source.js';

export interface DnsServerOptions {
  source: DnsSource;
  config: LookupConfig;
  /** Default 53; 0 picks a free port (the same for UDP and TCP). */
  port?: number;
  /** Default 0.0.0.0. */
  host?: string;
  /** Called after every answered query (metrics, logs). */
  onQuery?: (q: Handled, transport: Transport) => void;
  /** TCP idle timeout, ms. Default 10 000. */
  tcpIdleMs?: number;
}

export interface DnsServer {
  readonly port: number;
  close(): Promise<void>;
}

function listenUdp(socket: dgram.Socket, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
}

function listenTcp(server: net.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export async function startDnsServer(opts: DnsServerOptions): Promise<DnsServer> {
  const host = opts.host ?? '0.0.0.0';
  const idle = opts.tcpIdleMs ?? 10_000;
  const answer = (msg: Buffer, transport: Transport) => {
    const handled = handleMessage(msg, transport, opts.source, opts.config);
    if (handled) opts.onQuery?.(handled, transport);
    return handled?.response;
  };

  const tcp = net.createServer((conn) => {
    conn.setTimeout(idle, () => conn.destroy());
    conn.on('error', () => {});
    let pending = Buffer.alloc(0);
    conn.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2) {
        const len = pending.readUInt16BE(0);
        if (pending.length < 2 + len) break;
        const msg = pending.subarray(2, 2 + len);
        pending = pending.subarray(2 + len);
        const response = answer(msg, 'tcp');
        if (!response) {
          conn.destroy();
          return;
        }
        const prefix = Buffer.alloc(2);
        prefix.writeUInt16BE(response.length);
        conn.write(Buffer.concat([prefix, response]));
      }
    });
  });
  const connections = new Set<net.Socket>();
  tcp.on('connection', (c) => {
    connections.add(c);
    c.on('close', () => connections.delete(c));
  });

  // A port picked for TCP may be taken for UDP: bind TCP first, then UDP on its port; retry a few times when port 0 was asked.
  let udp: dgram.Socket | undefined;
  for (let attempt = 0; ; attempt++) {
    await listenTcp(tcp, opts.port ?? 53, host);
    const port = (tcp.address() as AddressInfo).port;
    const socket = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
    try {
      await listenUdp(socket, port, host);
      udp = socket;
      break;
    } catch (err) {
      socket.close();
      await new Promise<void>((r) => tcp.close(() => r()));
      if (opts.port || attempt >= 5) throw err;
    }
  }
  const udpSocket = udp;
  udpSocket.on('message', (msg, rinfo) => {
    const response = answer(msg, 'udp');
    if (response) udpSocket.send(response, rinfo.port, rinfo.address);
  });
  udpSocket.on('error', () => {});

  return {
    port: (tcp.address() as AddressInfo).port,
    async close() {
      await new Promise<void>((r) => udpSocket.close(() => r()));
      for (const c of connections) c.destroy();
      await new Promise<void>((r) => tcp.close(() => r()));
    },
  };
}
