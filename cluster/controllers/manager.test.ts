import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConfigMap } from 'kubernetes-types/core/v1.js';
import type { LeaseSpec } from 'kubernetes-types/coordination/v1.js';
import { CONFIGMAPS, RateLimitingQueue, RestClient, runController } from '../client/index.js';
import { FakeApiServer } from '../client/testing/fake-apiserver.js';
import { until } from '../client/testing/until.js';
import type { ControllerContext, RunningController } from './context.js';
import { CONTROLLERS, renderControllerMetrics, renderLeaderMetrics, selectControllers, startControllerManager } from './manager.js';
import type { ControllerRegistration } from './manager.js';

const server = new FakeApiServer();
let client: RestClient;
before(async () => {
  client = new RestClient({ server: await server.start() });
});
after(async () => {
  client.close();
  await server.stop();
});

const fast = { leaseDurationMs: 400, renewDeadlineMs: 300, retryPeriodMs: 40 };
const quiet = () => {};

/** A loop over ConfigMaps that counts the keys it reconciled (and which manager ran it). */
function countingController(name: string, seen: string[]): ControllerRegistration {
  return {
    name,
    serviceAccount: name,
    start: (ctx: ControllerContext): RunningController => {
      const informer = ctx.informers.informerFor<ConfigMap>(CONFIGMAPS);
      const queue = new RateLimitingQueue<string>();
      informer.addEventHandler({ onAdd: (o) => queue.add(`${o.metadata!.namespace}/${o.metadata!.name}`) });
      const c = runController({ name, queue, workers: 1, waitFor: [informer], reconcile: async (key) => void seen.push(key), log: quiet });
      return { name, health: () => c.health(), stop: () => c.stop() };
    },
  };
}

describe('selectControllers', () => {
  const regs = ['job-controller', 'cronjob-controller', 'namespace-controller'].map((name) => ({ name, serviceAccount: name, start: () => [] }));
  it('takes all by default, single names, and exclusions (upstream --controllers)', () => {
    assert.deepEqual(selectControllers(regs).map((r) => r.name), ['job-controller', 'cronjob-controller', 'namespace-controller']);
    assert.deepEqual(selectControllers(regs, ['job']).map((r) => r.name), ['job-controller']);
    assert.deepEqual(selectControllers(regs, ['*', '-cronjob']).map((r) => r.name), ['job-controller', 'namespace-controller']);
    assert.deepEqual(selectControllers(regs, ['-job-controller']).map((r) => r.name), []);
  });
  it('rejects unknown names', () => {
    assert.throws(() => selectControllers(regs, ['nope']), /unknown controller "nope"/);
  });
  it('the default registry has unique names', () => {
    assert.equal(new Set(CONTROLLERS.map((c) => c.name)).size, CONTROLLERS.length);
  });
});

describe('controller manager', () => {
  it('runs its loops only while leading; a second manager takes over when the first stops', async () => {
    server.put('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'default' } });
    const seenA: string[] = [];
    const seenB: string[] = [];
    const a = startControllerManager({ client, log: quiet, caCert: 'x', registry: [countingController('demo-controller', seenA)], identity: 'a', ...fast });
    await until(() => seenA.includes('default/a'), 'manager a to reconcile');
    const b = startControllerManager({ client, log: quiet, caCert: 'x', registry: [countingController('demo-controller', seenB)], identity: 'b', ...fast });
    // b campaigns for several retry periods without ever starting its loops.
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(seenB.length, 0);
    assert.equal(b.status().leading, false);
    assert.equal(b.status().leader, 'a');
    assert.deepEqual(b.health(), []);
    const ha = a.health();
    assert.equal(ha.length, 1);
    assert.equal(ha[0].name, 'demo-controller');
    assert.match(a.renderPrometheus(), /leader_election_master_status\{name="kube-controller-manager"\} 1/);
    assert.match(b.renderPrometheus(), /leader_election_master_status\{name="kube-controller-manager"\} 0/);

    await a.stop();
    assert.equal((server.getObject('leases.coordination.k8s.io', 'kube-system', 'kube-controller-manager')?.spec as LeaseSpec).holderIdentity !== 'a', true);
    await until(() => seenB.includes('default/a'), 'manager b to take over');
    assert.equal(b.status().leading, true);
    await b.stop();
  });

  it('reports a starter that throws as a failed loop and keeps the others', async () => {
    const seen: string[] = [];
    const broken: ControllerRegistration = {
      name: 'broken-controller',
      serviceAccount: 'broken-controller',
      start: () => {
        throw new Error('boom');
      },
    };
    const m = startControllerManager({ client, log: quiet, caCert: 'x', registry: [broken, countingController('ok-controller', seen)], leaderElection: false });
    await until(() => m.health().some((h) => h.name === 'ok-controller' && h.running), 'ok loop running');
    const bad = m.health().find((h) => h.name === 'broken-controller')!;
    assert.equal(bad.running, false);
    assert.match(bad.lastError!.message, /boom/);
    await m.stop();
  });
  it('gives each controller the client of its service account, one client per account, closed on stop', async () => {
    const asked: string[] = [];
    const byAccount = new Map<string, RestClient>();
    const got = new Map<string, RestClient>();
    const probe = (name: string, serviceAccount: string): ControllerRegistration => ({
      name,
      serviceAccount,
      start: (ctx) => {
        got.set(name, ctx.client);
        return { name, health: () => ({ name, running: true, workers: 0, queueDepth: 0, inFlight: 0, reconciles: 0, failures: 0, dropped: 0 }), stop: async () => {} };
      },
    });
    const m = startControllerManager({
      client,
      log: quiet,
      caCert: 'x',
      leaderElection: false,
      registry: [probe('a-controller', 'shared-sa'), probe('b-controller', 'shared-sa'), probe('c-controller', 'own-sa')],
      controllerClient: (sa) => {
        asked.push(sa);
        const c = new RestClient({ server: client.server.href });
        byAccount.set(sa, c);
        return c;
      },
    });
    await until(() => m.health().length === 3, 'three loops');
    assert.deepEqual(asked.sort(), ['own-sa', 'shared-sa']);
    assert.equal(got.get('a-controller'), byAccount.get('shared-sa'));
    assert.equal(got.get('b-controller'), byAccount.get('shared-sa'));
    assert.equal(got.get('c-controller'), byAccount.get('own-sa'));
    assert.notEqual(got.get('c-controller'), client);
    await m.stop();
  });
});

describe('renderControllerMetrics', () => {
  it('writes workqueue families per loop', () => {
    const text = renderControllerMetrics([
      { name: 'job', running: true, workers: 5, queueDepth: 3, inFlight: 1, reconciles: 10, failures: 2, dropped: 0 },
    ]);
    assert.match(text, /^# TYPE workqueue_depth gauge$/m);
    assert.match(text, /^workqueue_depth\{name="job"\} 3$/m);
    assert.match(text, /^workqueue_adds_total\{name="job"\} 14$/m);
    assert.match(text, /^workqueue_retries_total\{name="job"\} 2$/m);
    assert.match(text, /^kubarium_controller_reconcile_errors_total\{name="job"\} 2$/m);
    assert.ok(text.endsWith('\n'));
    assert.equal(renderControllerMetrics([]), '');
  });
  it('writes one leader family for several leases', () => {
    const text = renderLeaderMetrics([{ name: 'kube-scheduler', leading: true }, { name: 'kube-controller-manager', leading: false }]);
    assert.equal(text.match(/^# TYPE/gm)!.length, 1);
    assert.match(text, /^leader_election_master_status\{name="kube-scheduler"\} 1$/m);
    assert.match(text, /^leader_election_master_status\{name="kube-controller-manager"\} 0$/m);
  });
});
