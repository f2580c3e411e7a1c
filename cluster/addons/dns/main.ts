/**
 * Entry point of the kubarium/dns image (bundled by esbuild into /dns/server.mjs):
 *   node /dns/server.mjs [--port 53] [--zone cluster.local] [--pods verified|insecure|disabled]
 *        [--ttl 5] [--health-port 8080] [--ready-port 8181] [--metrics-port 9153]
 *        [--nameserver-ip 10.96.0.10] [--kubeconfig PATH]
 * Exits on SIGTERM/SIGINT after closing its listeners.
 */
import { parseArgs } from 'node:util';
import { startClusterDns } from './cluster-dns.js';
import type { PodsMode } from './lookup.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '53' },
    zone: { type: 'string', default: 'cluster.local' },
    pods: { type: 'string', default: 'verified' },
    ttl: { type: 'string', default: '5' },
    'health-port': { type: 'string', default: '8080' },
    'ready-port': { type: 'string', default: '8181' },
    'metrics-port': { type: 'string', default: '9153' },
    'nameserver-ip': { type: 'string', multiple: true },
    kubeconfig: { type: 'string' },
  },
});

const pods = values.pods as PodsMode;
if (!['verified', 'insecure', 'disabled'].includes(pods)) throw new Error(`--pods: expected verified, insecure or disabled, got ${pods}`);

const dns = await startClusterDns({
  dnsPort: Number(values.port),
  zone: values.zone,
  pods,
  ttl: Number(values.ttl),
  healthPort: Number(values['health-port']),
  readyPort: Number(values['ready-port']),
  metricsPort: Number(values['metrics-port']),
  nameserverIPs: values['nameserver-ip'],
  kubeconfig: values.kubeconfig,
});

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`cluster DNS: ${signal}, shutting down`);
  void dns.close().then(() => process.exit(0));
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
