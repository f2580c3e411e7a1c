import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LeaseSpec } from 'kubernetes-types/coordination/v1.js';
import { LeaderElector, microTime } from './leader-election.js';
import type { LeaderElectionOptions } from './leader-election.js';
import { RestClient } from './rest-client.js';
import { FakeApiServer } from './testing/fake-apiserver.js';
import { until } from './testing/until.js';

const server = new FakeApiServer();
let client: RestClient;
before(async () => {
  client = new RestClient({ server: await server.start() });
});
after(async () => {
  client.close();
  await server.stop();
});

// Short periods so the test runs quickly; assertions depend only on order, not on timing.
const fast = { leaseDurationMs: 400, renewDeadlineMs: 300, retryPeriodMs: 40, log: () => {} };
const leaseSpec = (name: string) => server.getObject('leases.coordination.k8s.io', 'kube-system', name)?.spec as LeaseSpec | undefined;

/** Tracks who leads, and fails if two candidates ever lead at once. */
function candidates(leaseName: string) {
  const leaders = new Set<string>();
  const history: string[] = [];
  const overlaps: string[] = [];
  const make = (identity: string, extra: Partial<LeaderElectionOptions> = {}) =>
    new LeaderElector({
      client,
      name: leaseName,
      identity,
      ...fast,
      onStartedLeading: () => {
        if (leaders.size > 0) overlaps.push(`${identity} started leading while ${[...leaders].join()} leads`);
        leaders.add(identity);
        history.push(`+${identity}`);
      },
      onStoppedLeading: () => {
        leaders.delete(identity);
        history.push(`-${identity}`);
      },
      ...extra,
    });
  return { make, leaders, history, overlaps };
}

test('microTime has six fractional digits', () => {
  assert.equal(microTime(Date.UTC(2024, 0, 2, 3, 4, 5, 678)), '2024-01-02T03:04:05.678000Z');
});

test('two candidates: one leads, the other takes over only after the lease expires', async () => {
  const { make, history, overlaps } = candidates('sched');
  const a = make('a');
  const b = make('b');
  const aRun = a.run();
  await until(() => a.isLeader(), 'a leads');
  const first = leaseSpec('sched')!;
  assert.equal(first.holderIdentity, 'a');
  assert.equal(first.leaseTransitions, 0);
  assert.equal(first.leaseDurationSeconds, 1);
  assert.match(first.renewTime ?? '', /\.\d{6}Z$/);

  const bRun = b.run();
  // While a keeps renewing, b only observes.
  const renewTime = first.renewTime;
  await until(() => leaseSpec('sched')!.renewTime !== renewTime, 'a renews');
  const renews = server.requests.filter((r) => r.method === 'PUT').length;
  await until(() => server.requests.filter((r) => r.method === 'PUT').length >= renews + 5, 'more renewals');
  assert.equal(b.isLeader(), false);
  assert.equal(b.getLeader(), 'a');
  assert.equal(leaseSpec('sched')!.acquireTime, first.acquireTime, 'renewals keep acquireTime');

  // a stops without releasing: b waits for expiry, then takes over.
  await a.stop();
  await aRun;
  await until(() => b.isLeader(), 'b takes over');
  const second = leaseSpec('sched')!;
  assert.equal(second.holderIdentity, 'b');
  assert.equal(second.leaseTransitions, 1);
  assert.notEqual(second.acquireTime, first.acquireTime);
  await b.stop();
  await bRun;
  assert.deepEqual(history, ['+a', '-a', '+b', '-b']);
  assert.deepEqual(overlaps, []);
});

test('releaseOnCancel hands over at once; a leader that cannot renew steps down', async () => {
  const { make, history } = candidates('cm');
  let lostSignal: AbortSignal | undefined;
  const a = make('a', { releaseOnCancel: true });
  void a.run();
  await until(() => a.isLeader(), 'a leads');
  await a.stop();
  assert.equal(leaseSpec('cm')!.holderIdentity, '', 'released');

  const b = make('b', {
    onStartedLeading: (signal) => {
      lostSignal = signal;
      history.push('+b');
    },
  });
  const bRun = b.run();
  await until(() => b.isLeader(), 'b leads after release');
  assert.equal(leaseSpec('cm')!.leaseTransitions, 1);

  // The API server refuses every renewal: b must give up within renewDeadline.
  server.failNext('PUT', /leases\/cm$/, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 500, reason: 'InternalError', message: 'etcd down' }, 1000);
  await bRun;
  assert.equal(b.isLeader(), false);
  assert.equal(lostSignal?.aborted, true);
  assert.deepEqual(history, ['+a', '-a', '+b', '-b']);
});

test('racing candidates: optimistic concurrency lets exactly one win', async () => {
  const { make, leaders, overlaps } = candidates('race');
  const all = ['x', 'y', 'z'].map((id) => make(id));
  const runs = all.map((c) => c.run());
  await until(() => leaders.size === 1, 'one leader');
  const rest = server.requests.filter((r) => r.path.endsWith('/leases/race')).length;
  await until(() => server.requests.filter((r) => r.path.endsWith('/leases/race')).length > rest + 10, 'several rounds');
  assert.equal(all.filter((c) => c.isLeader()).length, 1);
  await Promise.all(all.map((c) => c.stop()));
  await Promise.all(runs);
  assert.deepEqual(overlaps, []);
});
