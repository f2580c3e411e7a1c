/**
 * CustomResourceDefinitions through the real kubectl: Established condition, custom
 * resources with printer columns and short names, structural-schema validation (422
 * with field causes) and strict field validation, the status and scale subresources,
 * and removal of the CRD taking its objects and discovery entries with it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { launchCluster, type LaunchedCluster } from '../support/cluster.js';
import { runKubectl, type RunResult } from '../support/kubectl.js';
import { eventually, rawClient, type RawClient } from './helpers.js';

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, listKind: WidgetList, shortNames: [wd]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources:
      status: {}
      scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas, labelSelectorPath: .status.selector}
    additionalPrinterColumns:
    - {name: Size, type: string, jsonPath: .spec.size}
    - {name: Replicas, type: integer, jsonPath: .spec.replicas}
    - {name: Phase, type: string, jsonPath: .status.phase}
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [size]
            properties:
              size: {type: string, enum: [small, big]}
              replicas: {type: integer, minimum: 0, default: 1}
          status:
            type: object
            properties:
              replicas: {type: integer}
              phase: {type: string}
              selector: {type: string}
`;

const widget = (name: string, spec: string) => `apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: ${name}, namespace: default}\nspec: ${spec}\n`;

interface Widget {
  metadata: { name: string; generation?: number; resourceVersion?: string };
  spec?: { size?: string; replicas?: number };
  status?: { replicas?: number; phase?: string };
}

describe('kubectl with CustomResourceDefinitions', () => {
  let cluster: LaunchedCluster;
  let raw: RawClient;
  const k = (args: string[], input?: string) => runKubectl(args, { kubeconfig: cluster.kubeconfig, input });
  const ok = (r: RunResult, what = 'kubectl'): RunResult => {
    assert.equal(r.code, 0, `${what} failed (exit ${r.code})\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    return r;
  };
  const getWidget = async (name: string): Promise<Widget> => JSON.parse(ok(await k(['get', 'widget', name, '-o', 'json'])).stdout) as Widget;

  before(async () => {
    cluster = await launchCluster();
    raw = rawClient(cluster.kubeconfig);
    ok(await k(['apply', '-f', '-'], CRD));
    const established = ok(await k(['wait', '--for=condition=Established', 'crd/widgets.example.com', '--timeout=30s']));
    assert.match(established.stdout, /condition met/);
  });
  after(async () => {
    raw?.close();
    await cluster?.stop();
  });

  it('the CRD reports NamesAccepted and Established and is in discovery', async () => {
    const crd = JSON.parse(ok(await k(['get', 'crd', 'widgets.example.com', '-o', 'json'])).stdout) as {
      status: { conditions: { type: string; status: string }[]; acceptedNames: { kind: string; shortNames?: string[] } };
    };
    const conditions = Object.fromEntries(crd.status.conditions.map((c) => [c.type, c.status]));
    assert.equal(conditions.Established, 'True');
    assert.equal(conditions.NamesAccepted, 'True');
    assert.equal(crd.status.acceptedNames.kind, 'Widget');
    assert.deepEqual(crd.status.acceptedNames.shortNames, ['wd']);
    const resources = ok(await k(['api-resources', '--api-group=example.com'])).stdout;
    assert.match(resources, /^widgets\s+wd\s+example\.com\/v1\s+true\s+Widget$/m);
    assert.ok(ok(await k(['api-versions'])).stdout.split('\n').includes('example.com/v1'));
    const explain = ok(await k(['explain', 'widgets.spec'])).stdout;
    assert.match(explain, /^\s+size\s+<string> -required-$/m);
  });

  it('custom resources: apply, get with printer columns and short name', async () => {
    assert.match(ok(await k(['apply', '-f', '-'], widget('alpha', '{size: big, replicas: 2}'))).stdout, /^widget\.example\.com\/alpha created$/m);
    ok(await k(['apply', '-f', '-'], widget('beta', '{size: small, replicas: 0}')));
    const table = ok(await k(['get', 'wd'])).stdout.trim().split('\n');
    assert.match(table[0], /^NAME\s+SIZE\s+REPLICAS\s+PHASE\s+AGE$/);
    assert.match(table[1], /^alpha\s+big\s+2\s+\d+s$/);
    assert.match(table[2], /^beta\s+small\s+0\s+\d+s$/);
    const wide = ok(await k(['get', 'widget', 'alpha', '-o', 'custom-columns=N:.metadata.name,S:.spec.size'])).stdout;
    assert.match(wide, /^alpha\s+big$/m);
    assert.equal(ok(await k(['get', 'widgets.example.com', '-o', 'name'])).stdout, 'widget.example.com/alpha\nwidget.example.com/beta\n');
    assert.match(ok(await k(['apply', '-f', '-'], widget('alpha', '{size: big, replicas: 2}'))).stdout, /unchanged/);
  });

  it('schema defaults fill missing fields (structural defaulting)', async () => {
    ok(await k(['apply', '-f', '-'], widget('defaulted', '{size: small}')));
    assert.equal((await getWidget('defaulted')).spec?.replicas, 1);
  });

  it('a wrong type is 422 Invalid with field causes', async () => {
    const r = await k(['apply', '-f', '-'], widget('bad-type', '{size: 5, replicas: "many"}'));
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /The Widget "bad-type" is invalid/);
    assert.match(r.stderr, /spec\.replicas: Invalid value: .*spec\.replicas in body must be of type integer/);
    const raw422 = await raw.request('POST', '/apis/example.com/v1/namespaces/default/widgets', {
      body: JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'bad-raw' }, spec: { size: 'huge', replicas: -1 } }),
    });
    assert.equal(raw422.status, 422, raw422.text);
    const details = raw422.json?.details as { causes: { type: string; field: string }[] };
    const fields = details.causes.map((c) => `${c.type} ${c.field}`).sort();
    assert.deepEqual(fields, ['FieldValueInvalid spec.replicas', 'FieldValueNotSupported spec.size']);
    const missing = await k(['apply', '-f', '-'], widget('no-size', '{replicas: 1}'));
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /spec\.size: Required value/);
    assert.equal(ok(await k(['get', 'widgets', 'bad-type', 'bad-raw', 'no-size', '--ignore-not-found', '-o', 'name'])).stdout, '');
  });

  it('an unknown field fails kubectl\'s default (strict) validation; --validate=false prunes it', async () => {
    const r = await k(['apply', '-f', '-'], widget('unknown', '{size: big, colour: red}'));
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /strict decoding error: unknown field "spec\.colour"/);
    ok(await k(['apply', '--validate=false', '-f', '-'], widget('unknown', '{size: big, colour: red}')));
    const stored = (await getWidget('unknown')) as Widget & { spec: Record<string, unknown> };
    assert.equal(stored.spec.colour, undefined);
    assert.equal(stored.spec.size, 'big');
  });

  it('status subresource: the main resource ignores status, /status ignores spec', async () => {
    ok(await k(['apply', '-f', '-'], widget('gamma', '{size: small, replicas: 1}')));
    const before1 = await getWidget('gamma');
    ok(await k(['patch', 'widget', 'gamma', '--type=merge', '-p', '{"status":{"phase":"Ignored"}}']));
    const after1 = await getWidget('gamma');
    assert.equal(after1.status?.phase, undefined);
    ok(await k(['patch', 'widget', 'gamma', '--subresource=status', '--type=merge', '-p', '{"status":{"phase":"Running","replicas":1},"spec":{"size":"big"}}']));
    const after2 = await getWidget('gamma');
    assert.deepEqual(after2.status, { phase: 'Running', replicas: 1 });
    assert.equal(after2.spec?.size, 'small');
    // Status writes do not bump generation; spec writes do.
    assert.equal(after2.metadata.generation, before1.metadata.generation);
    ok(await k(['patch', 'widget', 'gamma', '--type=merge', '-p', '{"spec":{"size":"big"}}']));
    assert.equal((await getWidget('gamma')).metadata.generation, (before1.metadata.generation ?? 0) + 1);
    const table = ok(await k(['get', 'widget', 'gamma', '--no-headers'])).stdout;
    assert.match(table, /^gamma\s+big\s+1\s+Running\s+\d+s$/m);
  });

  it('scale subresource: kubectl scale and the autoscaling/v1 Scale', async () => {
    ok(await k(['apply', '-f', '-'], widget('scaled', '{size: small, replicas: 1}')));
    assert.match(ok(await k(['scale', 'widget', 'scaled', '--replicas=4'])).stdout, /^widget\.example\.com\/scaled scaled$/m);
    assert.equal((await getWidget('scaled')).spec?.replicas, 4);
    const guarded = await k(['scale', 'widget', 'scaled', '--current-replicas=2', '--replicas=5']);
    assert.notEqual(guarded.code, 0);
    assert.equal((await getWidget('scaled')).spec?.replicas, 4);
    ok(await k(['patch', 'widget', 'scaled', '--subresource=status', '--type=merge', '-p', '{"status":{"replicas":3,"selector":"app=scaled"}}']));
    const scale = await raw.request('GET', '/apis/example.com/v1/namespaces/default/widgets/scaled/scale');
    assert.equal(scale.status, 200, scale.text);
    assert.equal(scale.json?.kind, 'Scale');
    assert.equal(scale.json?.apiVersion, 'autoscaling/v1');
    assert.deepEqual(scale.json?.spec, { replicas: 4 });
    assert.deepEqual(scale.json?.status, { replicas: 3, selector: 'app=scaled' });
    const negative = await k(['scale', 'widget', 'scaled', '--replicas=-1']);
    assert.notEqual(negative.code, 0);
  });

  it('strategic merge patch is refused for custom resources (415)', async () => {
    const r = await raw.request('PATCH', '/apis/example.com/v1/namespaces/default/widgets/alpha', {
      body: '{"spec":{"size":"small"}}',
      headers: { 'Content-Type': 'application/strategic-merge-patch+json' },
    });
    assert.equal(r.status, 415, r.text);
  });

  it('deleting the CRD deletes its objects and removes it from discovery', async () => {
    assert.ok(ok(await k(['get', 'widgets', '-o', 'name'])).stdout.trim().split('\n').length >= 3);
    ok(await k(['delete', 'crd', 'widgets.example.com', '--timeout=60s']));
    await eventually(async () => (await k(['get', 'crd', 'widgets.example.com', '--ignore-not-found', '-o', 'name'])).stdout.trim() === '', 'the CRD to be gone');
    await eventually(async () => (await raw.request('GET', '/apis/example.com/v1/namespaces/default/widgets')).status === 404, 'the widgets endpoint to 404');
    const groups = await raw.request('GET', '/apis');
    assert.ok(!groups.text.includes('example.com'), groups.text);
    const resources = await k(['api-resources', '--api-group=example.com', '-o', 'name']);
    assert.equal(resources.stdout.trim(), '');
    const get = await k(['get', 'widgets']);
    assert.notEqual(get.code, 0);
    assert.match(get.stderr, /the server doesn't have a resource type "widgets"/);
    // Re-creating the CRD finds no leftover objects.
    ok(await k(['apply', '-f', '-'], CRD));
    ok(await k(['wait', '--for=condition=Established', 'crd/widgets.example.com', '--timeout=30s']));
    const list = await raw.request('GET', '/apis/example.com/v1/widgets');
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.json?.items, []);
  });
});
