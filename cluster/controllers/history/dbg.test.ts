import { test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { EventRecorder, JOBS, PODS, RestClient, SharedInformerFactory } from '../../client/index.js';
import { launchCluster } from '../../../test/support/cluster.js';
import { startJobController } from '../job/index.js';
test('dbg', async () => {
  const cluster = await launchCluster({ args: ['--controllers', '*,-job-controller,-ttl-after-finished-controller'] });
  const client = RestClient.fromKubeconfig(cluster.kubeconfig);
  const informers = new SharedInformerFactory(client, { log: (l) => console.log('INF', l) });
  const ctx = { client, informers, recorder: (c: string) => new EventRecorder({ client, component: c }), log: (l: string) => console.log('LOG', l), signal: new AbortController().signal };
  const ctrl = startJobController(ctx);
  informers.informerFor<Pod>(PODS).addEventHandler({ onAdd: (p) => console.log('EV add', p.metadata?.name, p.status?.phase, p.metadata?.resourceVersion), onUpdate: (_o, p) => console.log('EV upd', p.metadata?.name, p.status?.phase, p.metadata?.resourceVersion, JSON.stringify(p.metadata?.managedFields?.map((m) => [m.manager, m.operation, m.subresource, m.time]))), onDelete: (p) => console.log('EV del', p.metadata?.name) });
  informers.start();
  await client.create(JOBS, { metadata: { name: 'pi', namespace: 'default' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } });
  await new Promise((r) => setTimeout(r, 1000));
  for (let i = 0; i < 10; i++) {
    try {
      const pl = (await client.list<Pod>(PODS, { namespace: 'default' })).items[0];
      pl.status = { ...pl.status, phase: 'Succeeded' };
      const res = await client.updateStatus(PODS, pl); console.log('RES', JSON.stringify(res.status));
      console.log('UPDATED');
      break;
    } catch (e) {
      console.log('ERR', (e as Error).message);
    }
  }
  await new Promise((r) => setTimeout(r, 3000));
  console.log('JOBST', JSON.stringify((await client.get(JOBS, 'pi', { namespace: 'default' }) as { status?: unknown }).status));
  console.log('PODS', JSON.stringify((await client.list<Pod>(PODS, { namespace: 'default' })).items.map((p) => [p.metadata?.finalizers, p.metadata?.deletionTimestamp, p.status?.phase])));
  await ctrl.stop(); await informers.shutdown(); client.close(); await cluster.stop();
});
