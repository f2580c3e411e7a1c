/**
 * Like namespace/testing's startHarness, but the launched control plane runs only the
 * namespace controller, so no workload controller of the cluster (ReplicaSet,
 * Deployment, ...) creates or adopts pods behind a test's back. Test support only.
 */
import { EventRecorder, RestClient, SharedInformerFactory } from '../../../client/index.js';
import { loadKubeconfig } from '../../../client/kubeconfig.js';
import { launchCluster } from '../../../../test/support/cluster.js';
import type { ControllerContext, RunningController } from '../../context.js';
import type { Harness } from '../../namespace/testing/harness.js';

export async function startQuietHarness(): Promise<Harness & { logLines: string[] }> {
  const cluster = await launchCluster({ args: ['--controllers', 'namespace-controller'] });
  const client = RestClient.fromKubeconfig(cluster.kubeconfig, { userAgent: 'kube-controller-manager-test' });
  const informers = new SharedInformerFactory(client, { log: () => {} });
  const abort = new AbortController();
  const recorders: EventRecorder[] = [];
  const logLines: string[] = [];
  const ctx: ControllerContext = {
    client,
    informers,
    recorder(component) {
      const r = new EventRecorder({ client, component, log: () => {} });
      recorders.push(r);
      return r;
    },
    log: (line) => {
      logLines.push(line);
      if (process.env.KUBARIUM_TEST_VERBOSE) process.stderr.write(`[controllers] ${line}\n`);
    },
    signal: abort.signal,
  };
  const running: RunningController[] = [];
  return {
    cluster,
    client,
    informers,
    ctx,
    logLines,
    caCert: loadKubeconfig(cluster.kubeconfig).ca ?? '',
    start(...starters) {
      const started = starters.flatMap((s) => {
        const r = s(ctx);
        return Array.isArray(r) ? r : [r];
      });
      running.push(...started);
      informers.start();
      return started;
    },
    async stop() {
      abort.abort();
      await Promise.all(running.map((r) => r.stop()));
      await informers.shutdown();
      await Promise.all(recorders.map((r) => r.flush()));
      client.close();
      await cluster.stop();
    },
  };
}
