/**
 * helm v4 against Kubarium: a small chart (ConfigMap, Secret, Service, and a CRD in
 * crds/) installed, listed, upgraded and uninstalled, with the objects and helm's
 * release Secrets checked through kubectl after each step.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { launchCluster, type LaunchedCluster } from '../support/cluster.js';
import { runHelm, runKubectl, type RunResult } from '../support/kubectl.js';
import { eventually } from './helpers.js';

const CHART = {
  'Chart.yaml': 'apiVersion: v2\nname: demo\ndescription: Kubarium e2e chart\ntype: application\nversion: 0.1.0\nappVersion: "1.0"\n',
  'values.yaml': 'greeting: hello\nport: 8080\n',
  'crds/gadgets.yaml': `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.demo.example.com
spec:
  group: demo.example.com
  scope: Namespaced
  names: {plural: gadgets, singular: gadget, kind: Gadget}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, properties: {colour: {type: string}}}
`,
  'templates/configmap.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-config
  labels:
    app.kubernetes.io/instance: {{ .Release.Name }}
data:
  greeting: {{ .Values.greeting | quote }}
`,
  'templates/secret.yaml': `apiVersion: v1
kind: Secret
metadata:
  name: {{ .Release.Name }}-secret
type: Opaque
stringData:
  password: {{ printf "%s-pw" .Values.greeting | quote }}
`,
  'templates/service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}-svc
spec:
  selector:
    app.kubernetes.io/instance: {{ .Release.Name }}
  ports:
  - name: http
    port: {{ .Values.port }}
    targetPort: 80
`,
};

describe('helm', () => {
  let cluster: LaunchedCluster;
  let dir = '';
  let chart = '';
  const ns = 'helm-e2e';
  const helmEnv = () => ({
    HELM_CACHE_HOME: join(dir, 'cache'),
    HELM_CONFIG_HOME: join(dir, 'config'),
    HELM_DATA_HOME: join(dir, 'data'),
  });
  const helm = (args: string[]) => runHelm(args, { kubeconfig: cluster.kubeconfig, env: helmEnv(), timeoutMs: 120_000 });
  const k = (args: string[], input?: string) => runKubectl(args, { kubeconfig: cluster.kubeconfig, input });
  const ok = (r: RunResult, what: string): RunResult => {
    assert.equal(r.code, 0, `${what} failed (exit ${r.code})\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    return r;
  };
  const names = async (kind: string): Promise<string[]> => {
    const r = ok(await k(['get', kind, '-n', ns, '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\n"}{end}']), `get ${kind}`);
    return r.stdout.split('\n').filter(Boolean).sort();
  };
  const releaseSecrets = async (): Promise<string[]> => {
    const r = ok(await k(['get', 'secrets', '-n', ns, '-l', 'owner=helm', '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\n"}{end}']), 'get release secrets');
    return r.stdout.split('\n').filter(Boolean).sort();
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubarium-e2e-helm-'));
    for (const d of ['cache', 'config', 'data']) mkdirSync(join(dir, d), { recursive: true });
    chart = join(dir, 'demo');
    for (const [file, text] of Object.entries(CHART)) {
      mkdirSync(join(chart, file, '..'), { recursive: true });
      writeFileSync(join(chart, file), text);
    }
    cluster = await launchCluster();
    // A namespace with content cannot be deleted without a namespace controller: keep one for the test.
    ok(await k(['apply', '-f', '-'], `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}\n`), 'create namespace');
  });
  after(async () => {
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('helm is v4 and the chart lints', async () => {
    const version = ok(await helm(['version', '--short']), 'helm version');
    assert.match(version.stdout, /^v4\./);
    ok(await helm(['lint', chart]), 'helm lint');
  });

  it('install creates the CRD, the objects and a release Secret', async () => {
    const r = ok(await helm(['install', 'rel', chart, '-n', ns, '--wait', '--timeout', '60s']), 'helm install');
    assert.match(r.stdout, /STATUS: deployed/);
    assert.match(r.stdout, /REVISION: 1/);
    assert.ok((await names('configmaps')).includes('rel-config'));
    assert.ok((await names('secrets')).includes('rel-secret'));
    assert.deepEqual(await names('services'), ['rel-svc']);
    const cm = JSON.parse(ok(await k(['get', 'cm', 'rel-config', '-n', ns, '-o', 'json']), 'get cm').stdout) as {
      data: Record<string, string>;
      metadata: { labels: Record<string, string>; annotations: Record<string, string> };
    };
    assert.deepEqual(cm.data, { greeting: 'hello' });
    assert.equal(cm.metadata.labels['app.kubernetes.io/managed-by'], 'Helm');
    assert.equal(cm.metadata.annotations['meta.helm.sh/release-name'], 'rel');
    const secret = ok(await k(['get', 'secret', 'rel-secret', '-n', ns, '-o', 'jsonpath={.data.password}']), 'get secret').stdout;
    assert.equal(Buffer.from(secret, 'base64').toString(), 'hello-pw');
    const svc = ok(await k(['get', 'svc', 'rel-svc', '-n', ns, '-o', 'jsonpath={.spec.ports[0].port} {.spec.type} {.spec.clusterIP}']), 'get svc').stdout;
    assert.match(svc, /^8080 ClusterIP \d+\.\d+\.\d+\.\d+$/);
    ok(await k(['get', 'crd', 'gadgets.demo.example.com']), 'get crd');
    ok(await k(['apply', '-n', ns, '-f', '-'], 'apiVersion: demo.example.com/v1\nkind: Gadget\nmetadata: {name: g1}\nspec: {colour: red}\n'), 'apply gadget');
    assert.deepEqual(await releaseSecrets(), ['sh.helm.release.v1.rel.v1']);
    // helm PUTs the release Secret (without a namespace in the body) from pending-install to deployed.
    const status = ok(await k(['get', 'secret', 'sh.helm.release.v1.rel.v1', '-n', ns, '-o', 'jsonpath={.metadata.labels.status}']), 'get release').stdout;
    assert.equal(status, 'deployed');
  });

  it('list shows the deployed release', async () => {
    const r = ok(await helm(['list', '-n', ns, '-o', 'json']), 'helm list');
    const releases = JSON.parse(r.stdout) as { name: string; namespace: string; revision: string; status: string; chart: string }[];
    assert.equal(releases.length, 1);
    assert.equal(releases[0].name, 'rel');
    assert.equal(releases[0].namespace, ns);
    assert.equal(String(releases[0].revision), '1');
    assert.equal(releases[0].status, 'deployed');
    assert.equal(releases[0].chart, 'demo-0.1.0');
    const all = ok(await helm(['list', '-A']), 'helm list -A').stdout;
    assert.match(all, /^rel\s+helm-e2e\s+1\s/m);
  });

  it('upgrade changes the objects and adds revision 2', async () => {
    const r = ok(await helm(['upgrade', 'rel', chart, '-n', ns, '--set', 'greeting=bonjour', '--set', 'port=9090', '--wait', '--timeout', '60s']), 'helm upgrade');
    assert.match(r.stdout, /REVISION: 2/);
    assert.equal(ok(await k(['get', 'cm', 'rel-config', '-n', ns, '-o', 'jsonpath={.data.greeting}']), 'get cm').stdout, 'bonjour');
    const pw = ok(await k(['get', 'secret', 'rel-secret', '-n', ns, '-o', 'jsonpath={.data.password}']), 'get secret').stdout;
    assert.equal(Buffer.from(pw, 'base64').toString(), 'bonjour-pw');
    assert.equal(ok(await k(['get', 'svc', 'rel-svc', '-n', ns, '-o', 'jsonpath={.spec.ports[0].port}']), 'get svc').stdout, '9090');
    assert.deepEqual(await releaseSecrets(), ['sh.helm.release.v1.rel.v1', 'sh.helm.release.v1.rel.v2']);
    const history = JSON.parse(ok(await helm(['history', 'rel', '-n', ns, '-o', 'json']), 'helm history').stdout) as { revision: number; status: string }[];
    assert.deepEqual(
      history.map((h) => [h.revision, h.status]),
      [
        [1, 'superseded'],
        [2, 'deployed'],
      ],
    );
    const values = ok(await helm(['get', 'values', 'rel', '-n', ns, '-o', 'json']), 'helm get values').stdout;
    assert.deepEqual(JSON.parse(values), { greeting: 'bonjour', port: 9090 });
  });

  it('rollback returns to revision 1 values', async () => {
    ok(await helm(['rollback', 'rel', '1', '-n', ns, '--wait', '--timeout', '60s']), 'helm rollback');
    assert.equal(ok(await k(['get', 'cm', 'rel-config', '-n', ns, '-o', 'jsonpath={.data.greeting}']), 'get cm').stdout, 'hello');
    assert.equal(ok(await k(['get', 'svc', 'rel-svc', '-n', ns, '-o', 'jsonpath={.spec.ports[0].port}']), 'get svc').stdout, '8080');
  });

  it('uninstall removes the objects and the release Secrets, and keeps the CRD', async () => {
    const r = ok(await helm(['uninstall', 'rel', '-n', ns, '--wait', '--timeout', '60s']), 'helm uninstall');
    assert.match(r.stdout, /release "rel" uninstalled/);
    await eventually(async () => (await names('configmaps')).every((n) => n !== 'rel-config'), 'rel-config to be gone');
    assert.ok(!(await names('secrets')).includes('rel-secret'));
    assert.deepEqual(await names('services'), []);
    assert.deepEqual(await releaseSecrets(), []);
    assert.equal(ok(await helm(['list', '-n', ns, '-q']), 'helm list').stdout.trim(), '');
    // helm never deletes CRDs from crds/ (nor their objects).
    ok(await k(['get', 'crd', 'gadgets.demo.example.com']), 'get crd');
    ok(await k(['get', 'gadget', 'g1', '-n', ns]), 'get gadget');
  });
});
