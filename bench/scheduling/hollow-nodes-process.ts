/**
 * A pool of hollow nodes in a process of its own (as kubemark runs hollow nodes apart from
 * the control plane), so the load generator's timings do not share its event loop.
 * `node --import tsx bench/scheduling/hollow-nodes-process.ts <kubeconfig> <count> <prefix>`:
 * prints `ready` once every node is registered, `rss <bytes>` on SIGUSR2, and stops on SIGTERM.
 */
import { RestClient } from '../../cluster/client/index.js';
import { startHollowNodes } from '../../cluster/nodes/hollow/index.js';

const [kubeconfig, countText, prefix] = process.argv.slice(2);
const client = RestClient.fromKubeconfig(kubeconfig, { userAgent: 'bench-hollow-nodes' });
const pool = await startHollowNodes({
  client,
  count: Number(countText),
  namePrefix: prefix,
  log: (line) => process.stderr.write(`${line}\n`),
  podStartDelayMs: 0,
  workers: 64,
  registerConcurrency: 64,
});
process.stdout.write('ready\n');
process.on('SIGUSR2', () => process.stdout.write(`rss ${process.memoryUsage().rss}\n`));
process.on('SIGTERM', () => {
  void pool.stop().finally(() => {
    client.close();
    process.exit(0);
  });
});
