/**
 * Node maintenance with the real kubectl v1.34 on hollow nodes (`--hollow-nodes 3`):
 * `kubectl cordon` makes a node unschedulable, `kubectl drain --ignore-daemonsets
 * --delete-emptydir-data` evicts its pods through pods/eviction — one at a time as the
 * PodDisruptionBudget allows, retrying the 429s — and the Deployment's replacements land
 * on the other nodes; the DaemonSet's pod stays. `kubectl uncordon` opens the node again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { launchCluster, type LaunchedCluster } from '../support/cluster.js';
import { runKubectl, type RunResult } from '../support/kubectl.js';
import { eventually } from './helpers.js';

interface PodLite {
  metadata: { name: string; labels?: Record<string, string>; deletionTimestamp?: string; ownerReferences?: { kind: string }[] };
  spec: { nodeName?: string };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}
interface NodeLite {
  metadata: { name: string };
  spec?: { unschedulable?: boolean; taints?: { key: string; effect: string }[] };
  status?: { conditions?: { type: string; status: string }[] };
}

const REPLICAS = 6;
const MANIFESTS = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: default }
spec:
  replicas: ${REPLICAS}
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers: [{ name: web, image: nginx, resources: { requests: { cpu: 100m } }, volumeMounts: [{ name: scratch, mountPath: /scratch }] }]
      volumes: [{ name: scratch, emptyDir: {} }]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: web, namespace: default }
spec:
  maxUnavailable: 1
  selector: { matchLabels: { app: web } }
---
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent, namespace: default }
spec:
  selector: { matchLabels: { app: agent } }
  template:
    metadata: { labels: { app: agent } }
    spec:
      containers: [{ name: agent, image: busybox }]
`;

describe('kubectl cordon, drain and uncordon on hollow nodes', () => {
  let cluster: LaunchedCluster;
  const k = (args: string[], input?: string) => runKubectl(args, { kubeconfig: cluster.kubeconfig, input });
  const ok = (r: RunResult, what: string): RunResult => {
    assert.equal(r.code, 0, `${what} failed (exit ${r.code})\nstdout: ${r.stdout}\nstderr: ${r.stderr}\n${cluster.logs().slice(-3000)}`);
    return r;
  };
  const pods = async (app: string): Promise<PodLite[]> =>
    (JSON.parse(ok(await k(['get', 'pods', '-l', `app=${app}`, '-o', 'json']), 'get pods').stdout) as { items: PodLite[] }).items.filter((p) => !p.metadata.deletionTimestamp);
  const node = async (name: string): Promise<NodeLite> => JSON.parse(ok(await k(['get', 'node', name, '-o', 'json']), 'get node').stdout) as NodeLite;
  const ready = (p: PodLite) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

  let target = '';
  let nodes: string[] = [];

  before(async () => {
    cluster = await launchCluster({ args: ['--hollow-nodes', '3'] });
    nodes = await eventually(async (): Promise<string[] | undefined> => {
      const list = JSON.parse((await k(['get', 'nodes', '-o', 'json'])).stdout || '{"items":[]}') as { items: NodeLite[] };
      const readyNodes = list.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
      return readyNodes.length === 3 ? readyNodes.map((n) => n.metadata.name) : undefined;
    }, '3 Ready hollow nodes', 30_000).then((n) => n!);
    ok(await k(['apply', '-f', '-'], MANIFESTS), 'apply');
    ok(await k(['rollout', 'status', 'deployment/web', '--timeout=60s']), 'rollout status web');
    ok(await k(['rollout', 'status', 'daemonset/agent', '--timeout=60s']), 'rollout status agent');
    await eventually(async () => {
      const r = await k(['get', 'pdb', 'web', '-o', 'jsonpath={.status.disruptionsAllowed}']);
      return r.stdout.trim() === '1';
    }, 'PDB web allowing 1 disruption');
  });
  after(async () => {
    await cluster?.stop();
  });

  it('cordon marks the node unschedulable and new pods avoid it', async () => {
    const web = await pods('web');
    const perNode = new Map<string, number>();
    for (const p of web) perNode.set(p.spec.nodeName!, (perNode.get(p.spec.nodeName!) ?? 0) + 1);
    // The node with the most web pods: draining it needs the budget more than once.
    target = [...perNode.entries()].sort((a, b) => b[1] - a[1])[0][0];
    assert.ok(perNode.get(target)! >= 2, `spread: ${JSON.stringify([...perNode])}`);

    assert.match(ok(await k(['cordon', target]), 'cordon').stdout, new RegExp(`node/${target} cordoned`));
    const n = await node(target);
    assert.equal(n.spec?.unschedulable, true);
    // The node lifecycle controller adds the matching taint (TaintNodesByCondition).
    await eventually(async () => (await node(target)).spec?.taints?.some((t) => t.key === 'node.kubernetes.io/unschedulable' && t.effect === 'NoSchedule'), 'unschedulable taint');
    const table = ok(await k(['get', 'node', target]), 'get node').stdout;
    assert.match(table, /Ready,SchedulingDisabled/);

    ok(await k(['create', 'deployment', 'probe', '--image=nginx', '--replicas=6']), 'create probe');
    ok(await k(['rollout', 'status', 'deployment/probe', '--timeout=60s']), 'rollout status probe');
    const probe = await pods('probe');
    assert.equal(probe.length, 6);
    assert.deepEqual(probe.filter((p) => p.spec.nodeName === target).map((p) => p.metadata.name), [], 'no new pod on the cordoned node');
    ok(await k(['delete', 'deployment', 'probe', '--wait=false']), 'delete probe');
  });

  it('drain evicts through the PodDisruptionBudget; replacements land elsewhere; the DaemonSet pod stays', async () => {
    assert.ok(target, 'cordon test ran');
    const before = (await pods('web')).filter((p) => p.spec.nodeName === target).map((p) => p.metadata.name);
    const r = ok(await k(['drain', target, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=90s']), 'drain');
    const out = `${r.stdout}\n${r.stderr}`;
    assert.match(out, /[Ii]gnoring DaemonSet-managed Pods: default\/agent-/);
    for (const name of before) assert.match(out, new RegExp(`evicting pod default/${name}`));
    // Two web pods on the node and a budget of one: the second eviction is refused (429) until
    // the first one's replacement is Ready, and kubectl retries it.
    assert.match(out, /Cannot evict pod as it would violate the pod's disruption budget/);
    assert.match(out, new RegExp(`node/${target} drained`));

    ok(await k(['rollout', 'status', 'deployment/web', '--timeout=60s']), 'rollout status after drain');
    const web = await eventually(async (): Promise<PodLite[] | undefined> => {
      const ps = await pods('web');
      return ps.length === REPLICAS && ps.every(ready) ? ps : undefined;
    }, `${REPLICAS} ready web pods`);
    assert.ok(web);
    assert.deepEqual(web.filter((p) => p.spec.nodeName === target).map((p) => p.metadata.name), [], 'no web pod left on the drained node');
    for (const p of web) assert.ok(nodes.includes(p.spec.nodeName!) && p.spec.nodeName !== target);
    const agents = await pods('agent');
    assert.equal(agents.filter((p) => p.spec.nodeName === target).length, 1, 'DaemonSet pod stays on the drained node');
    assert.equal((await node(target)).spec?.unschedulable, true, 'still cordoned');
  });

  it('uncordon makes the node schedulable again', async () => {
    assert.ok(target, 'cordon test ran');
    assert.match(ok(await k(['uncordon', target]), 'uncordon').stdout, new RegExp(`node/${target} uncordoned`));
    assert.equal((await node(target)).spec?.unschedulable, undefined);
    await eventually(async () => !(await node(target)).spec?.taints?.some((t) => t.key === 'node.kubernetes.io/unschedulable'), 'unschedulable taint removed');
    // The empty node scores best (least allocated, spreading): scaled-up pods go there.
    ok(await k(['scale', 'deployment/web', `--replicas=${REPLICAS + 3}`]), 'scale');
    ok(await k(['rollout', 'status', 'deployment/web', '--timeout=60s']), 'rollout status after scale');
    const web = await pods('web');
    assert.ok(web.some((p) => p.spec.nodeName === target), `some web pod on ${target}: ${web.map((p) => p.spec.nodeName).join(',')}`);
  });
});
