/**
 * The real kubectl v1.34 against a launched Kubarium: apply (client- and server-side),
 * create, get in every output format, watch, describe, edit, patch, label/annotate,
 * replace, delete propagation, wait, explain, discovery, auth, dry-run and raw paths.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { launchCluster, type LaunchedCluster } from '../support/cluster.js';
import { runKubectl, type RunResult } from '../support/kubectl.js';
import { eventually, rawClient, spawnKubectl } from './helpers.js';

interface Obj {
  kind: string;
  apiVersion: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
    deletionTimestamp?: string;
    resourceVersion?: string;
    managedFields?: { manager: string; operation: string }[];
  };
  data?: Record<string, string>;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

describe('kubectl basics', () => {
  let cluster: LaunchedCluster;
  let tmp = '';
  const k = (args: string[], input?: string, env?: Record<string, string>) => runKubectl(args, { kubeconfig: cluster.kubeconfig, input, env });
  const ok = (r: RunResult, what = 'kubectl'): RunResult => {
    assert.equal(r.code, 0, `${what} failed (exit ${r.code})\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    return r;
  };
  const getJson = async (kind: string, name: string, ns = 'default', extra: string[] = []): Promise<Obj> =>
    JSON.parse(ok(await k(['get', kind, name, '-n', ns, '-o', 'json', ...extra])).stdout) as Obj;
  const exists = async (kind: string, name: string, ns = 'default') => {
    const r = await k(['get', kind, name, '-n', ns, '--ignore-not-found', '-o', 'name']);
    ok(r);
    return r.stdout.trim() !== '';
  };
  const cm = (name: string, data: Record<string, string>, extra = '') =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: default\n${extra}data:\n${Object.entries(data)
      .map(([a, b]) => `  ${a}: "${b}"\n`)
      .join('')}`;

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'kubarium-e2e-basics-'));
    cluster = await launchCluster();
  });
  after(async () => {
    await cluster?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  describe('apply', () => {
    it('client-side: created, unchanged, configured, with the last-applied annotation', async () => {
      assert.match(ok(await k(['apply', '-f', '-'], cm('csa', { a: '1' }))).stdout, /^configmap\/csa created$/m);
      assert.match(ok(await k(['apply', '-f', '-'], cm('csa', { a: '1' }))).stdout, /^configmap\/csa unchanged$/m);
      assert.match(ok(await k(['apply', '-f', '-'], cm('csa', { a: '2', b: '3' }))).stdout, /^configmap\/csa configured$/m);
      const obj = await getJson('configmap', 'csa', 'default', ['--show-managed-fields']);
      assert.deepEqual(obj.data, { a: '2', b: '3' });
      const last = JSON.parse(obj.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'] ?? '{}') as Obj;
      assert.deepEqual(last.data, { a: '2', b: '3' });
      assert.ok(obj.metadata.managedFields?.some((f) => f.manager === 'kubectl-client-side-apply' && f.operation === 'Update'));
      // A key dropped from the manifest is removed (three-way merge with last-applied).
      ok(await k(['apply', '-f', '-'], cm('csa', { a: '2' })));
      assert.deepEqual((await getJson('configmap', 'csa')).data, { a: '2' });
    });

    it('server-side: applied, a conflict between managers, then --force-conflicts', async () => {
      const first = ok(await k(['apply', '--server-side', '--field-manager=team-a', '-f', '-'], cm('ssa', { owner: 'a' })));
      assert.match(first.stdout, /^configmap\/ssa serverside-applied$/m);
      const conflict = await k(['apply', '--server-side', '--field-manager=team-b', '-f', '-'], cm('ssa', { owner: 'b' }));
      assert.notEqual(conflict.code, 0);
      assert.match(conflict.stderr, /Apply failed with 1 conflict: conflict with "team-a": \.data\.owner/);
      assert.equal((await getJson('configmap', 'ssa')).data?.owner, 'a');
      ok(await k(['apply', '--server-side', '--field-manager=team-b', '--force-conflicts', '-f', '-'], cm('ssa', { owner: 'b' })));
      const obj = await getJson('configmap', 'ssa', 'default', ['--show-managed-fields']);
      assert.equal(obj.data?.owner, 'b');
      const appliers = (obj.metadata.managedFields ?? []).filter((f) => f.operation === 'Apply').map((f) => f.manager);
      assert.ok(appliers.includes('team-b'), JSON.stringify(obj.metadata.managedFields));
      // team-a lost its only field, so it no longer appears as a manager.
      assert.ok(!appliers.includes('team-a'), JSON.stringify(obj.metadata.managedFields));
    });

    it('server-side: the same apply a second later changes nothing (no new resourceVersion)', async () => {
      // The subject's apiGroup is defaulted on the stored object, so the merge differs from it until defaulting;
      // only the managedFields time would change, and upstream then skips the write.
      const binding = `apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: ssa-same\n  namespace: default\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: r\nsubjects:\n- kind: ServiceAccount\n  name: default\n  namespace: default\n`;
      ok(await k(['apply', '--server-side', '--field-manager=team-a', '-f', '-'], binding));
      const before = await getJson('rolebinding', 'ssa-same');
      await new Promise((r) => setTimeout(r, 1100)); // managedFields times have one-second resolution
      ok(await k(['apply', '--server-side', '--field-manager=team-a', '-f', '-'], binding));
      assert.equal((await getJson('rolebinding', 'ssa-same')).metadata.resourceVersion, before.metadata.resourceVersion);
    });
  });

  it('create -f creates once, then AlreadyExists', async () => {
    const manifest = cm('created', { x: 'y' });
    assert.match(ok(await k(['create', '-f', '-'], manifest)).stdout, /^configmap\/created created$/m);
    const again = await k(['create', '-f', '-'], manifest);
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /AlreadyExists.*configmaps "created" already exists/);
  });

  it('get in yaml, json, wide, jsonpath, custom-columns and name formats', async () => {
    ok(await k(['apply', '-f', '-'], cm('fmt', { k1: 'v1', k2: 'v2' }, '  labels:\n    tier: web\n')));
    const yaml = ok(await k(['get', 'cm', 'fmt', '-o', 'yaml'])).stdout;
    assert.match(yaml, /^kind: ConfigMap$/m);
    assert.match(yaml, /^ {2}k1: v1$/m);
    assert.match(yaml, /^ {4}tier: web$/m);
    const json = JSON.parse(ok(await k(['get', 'cm', 'fmt', '-o', 'json'])).stdout) as Obj;
    assert.equal(json.metadata.name, 'fmt');
    assert.deepEqual(json.data, { k1: 'v1', k2: 'v2' });
    const wide = ok(await k(['get', 'cm', 'fmt', '-o', 'wide'])).stdout.trim().split('\n');
    assert.match(wide[0], /^NAME\s+DATA\s+AGE$/);
    assert.match(wide[1], /^fmt\s+2\s+\d+s$/);
    assert.equal(ok(await k(['get', 'cm', 'fmt', '-o', 'jsonpath={.data.k2}'])).stdout, 'v2');
    assert.equal(ok(await k(['get', 'cm', '-l', 'tier=web', '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\n"}{end}'])).stdout, 'fmt\n');
    const cols = ok(await k(['get', 'cm', 'fmt', '-o', 'custom-columns=NAME:.metadata.name,K1:.data.k1,TIER:.metadata.labels.tier'])).stdout;
    assert.deepEqual(cols.trim().split('\n').map((l) => l.trim().split(/\s+/)), [['NAME', 'K1', 'TIER'], ['fmt', 'v1', 'web']]);
    assert.equal(ok(await k(['get', 'cm', '-l', 'tier=web', '-o', 'name'])).stdout, 'configmap/fmt\n');
    const table = ok(await k(['get', 'namespaces'])).stdout;
    assert.match(table, /^default\s+Active\s+\d+[sm]$/m);
    assert.match(table, /^kube-system\s+Active/m);
  });

  it('get -w streams ADDED, MODIFIED and DELETED as they happen', async () => {
    const watch = spawnKubectl(['get', 'configmaps', '-n', 'default', '-l', 'watched=yes', '-w', '--output-watch-events'], cluster.kubeconfig);
    try {
      // Nothing matches yet: the header comes only with the first event, so wait for the watch via a
      // marker object that is created until it shows up (kubectl lists, then watches).
      await eventually(async () => {
        ok(await k(['apply', '-f', '-'], cm('watch-marker', { n: String(Date.now()) }, '  labels:\n    watched: "yes"\n')));
        return watch.lines().some((l) => /\bwatch-marker\b/.test(l));
      }, 'kubectl get -w to print the marker');
      ok(await k(['apply', '-f', '-'], cm('watched', { v: '1' }, '  labels:\n    watched: "yes"\n')));
      await watch.waitForLine(/^ADDED\s+watched\s+1\s/);
      ok(await k(['patch', 'cm', 'watched', '--type=merge', '-p', '{"data":{"w":"2"}}']));
      await watch.waitForLine(/^MODIFIED\s+watched\s+2\s/);
      ok(await k(['delete', 'cm', 'watched']));
      await watch.waitForLine(/^DELETED\s+watched\s+2\s/);
      // An object outside the selector never shows up.
      ok(await k(['apply', '-f', '-'], cm('unwatched', { v: '1' })));
      ok(await k(['delete', 'cm', 'watch-marker']));
      await watch.waitForLine(/^DELETED\s+watch-marker\s/);
      assert.ok(!watch.lines().some((l) => l.includes('unwatched')), watch.lines().join('\n'));
      assert.match(watch.lines()[0], /^EVENT\s+NAME\s+DATA\s+AGE$/);
    } finally {
      await watch.stop();
    }
  });

  it('describe prints labels, data and events', async () => {
    ok(await k(['apply', '-f', '-'], cm('described', { greeting: 'hello' }, '  labels:\n    app: demo\n')));
    const out = ok(await k(['describe', 'configmap', 'described'])).stdout;
    assert.match(out, /^Name:\s+described$/m);
    assert.match(out, /^Namespace:\s+default$/m);
    assert.match(out, /^Labels:\s+app=demo$/m);
    assert.match(out, /^greeting:\n-+\nhello$/m);
    assert.match(out, /^Events:\s+<none>$/m);
    const ns = ok(await k(['describe', 'namespace', 'default'])).stdout;
    assert.match(ns, /^Status:\s+Active$/m);
  });

  it('edit through KUBE_EDITOR', async () => {
    ok(await k(['apply', '-f', '-'], cm('edited', { mode: 'before' })));
    const editor = join(tmp, 'editor.sh');
    writeFileSync(editor, '#!/bin/sh\nsed -i "s/mode: before/mode: after/" "$1"\n');
    chmodSync(editor, 0o755);
    const r = ok(await k(['edit', 'configmap', 'edited'], undefined, { KUBE_EDITOR: editor, EDITOR: editor }));
    assert.match(r.stdout, /^configmap\/edited edited$/m);
    assert.equal((await getJson('configmap', 'edited')).data?.mode, 'after');
  });

  it('patch with strategic, merge and json patch types', async () => {
    ok(
      await k(['apply', '-f', '-'], [
        'apiVersion: v1',
        'kind: Pod',
        'metadata: {name: patched, namespace: default, labels: {a: "1"}}',
        'spec:',
        '  containers:',
        '  - {name: app, image: nginx:1, env: [{name: A, value: "1"}]}',
        '  - {name: side, image: busybox:1}',
        '',
      ].join('\n')),
    );
    // Strategic merge: containers merge by name, so the side container survives.
    ok(await k(['patch', 'pod', 'patched', '-p', '{"spec":{"containers":[{"name":"app","image":"nginx:2"}]}}']));
    let pod = await getJson('pod', 'patched');
    const containers = (pod.spec?.containers ?? []) as { name: string; image: string; env?: unknown[] }[];
    assert.deepEqual(containers.map((c) => [c.name, c.image]), [['app', 'nginx:2'], ['side', 'busybox:1']]);
    assert.equal(containers[0].env?.length, 1);
    // Merge patch: null deletes a key.
    ok(await k(['patch', 'pod', 'patched', '--type=merge', '-p', '{"metadata":{"labels":{"a":null,"b":"2"}}}']));
    pod = await getJson('pod', 'patched');
    assert.deepEqual(pod.metadata.labels, { b: '2' });
    // JSON patch with a failing test op changes nothing.
    const failed = await k(['patch', 'pod', 'patched', '--type=json', '-p', '[{"op":"test","path":"/metadata/labels/b","value":"9"},{"op":"add","path":"/metadata/labels/c","value":"3"}]']);
    assert.notEqual(failed.code, 0);
    assert.deepEqual((await getJson('pod', 'patched')).metadata.labels, { b: '2' });
    ok(await k(['patch', 'pod', 'patched', '--type=json', '-p', '[{"op":"test","path":"/metadata/labels/b","value":"2"},{"op":"add","path":"/metadata/labels/c","value":"3"}]']));
    assert.deepEqual((await getJson('pod', 'patched')).metadata.labels, { b: '2', c: '3' });
    // Pod spec is mostly immutable: changing a container name is rejected with 422.
    const immutable = await k(['patch', 'pod', 'patched', '--type=json', '-p', '[{"op":"replace","path":"/spec/containers/1/name","value":"renamed"}]']);
    assert.notEqual(immutable.code, 0);
    assert.match(immutable.stderr, /is invalid/);
  });

  it('label and annotate, with and without --overwrite', async () => {
    ok(await k(['apply', '-f', '-'], cm('tagged', { a: '1' })));
    assert.match(ok(await k(['label', 'cm', 'tagged', 'env=dev'])).stdout, /^configmap\/tagged labeled$/m);
    const clash = await k(['label', 'cm', 'tagged', 'env=prod']);
    assert.notEqual(clash.code, 0);
    assert.match(clash.stderr, /'env' already has a value \(dev\), and --overwrite is false/);
    ok(await k(['label', 'cm', 'tagged', 'env=prod', '--overwrite']));
    ok(await k(['annotate', 'cm', 'tagged', 'note=first']));
    const clashA = await k(['annotate', 'cm', 'tagged', 'note=second']);
    assert.notEqual(clashA.code, 0);
    ok(await k(['annotate', 'cm', 'tagged', 'note=second', '--overwrite']));
    let obj = await getJson('cm', 'tagged');
    assert.equal(obj.metadata.labels?.env, 'prod');
    assert.equal(obj.metadata.annotations?.note, 'second');
    ok(await k(['label', 'cm', 'tagged', 'env-']));
    ok(await k(['annotate', 'cm', 'tagged', 'note-']));
    obj = await getJson('cm', 'tagged');
    assert.equal(obj.metadata.labels?.env, undefined);
    assert.equal(obj.metadata.annotations?.note, undefined);
    assert.equal(ok(await k(['get', 'cm', '-l', 'env', '-o', 'name'])).stdout, '');
  });

  it('replace, and a stale resourceVersion conflicts', async () => {
    ok(await k(['apply', '-f', '-'], cm('replaced', { v: 'old' })));
    const current = await getJson('cm', 'replaced');
    const next = { ...current, data: { v: 'new' } };
    assert.match(ok(await k(['replace', '-f', '-'], JSON.stringify(next))).stdout, /^configmap\/replaced replaced$/m);
    assert.deepEqual((await getJson('cm', 'replaced')).data, { v: 'new' });
    // Same body again: its resourceVersion is now stale.
    const stale = await k(['replace', '-f', '-'], JSON.stringify({ ...current, data: { v: 'stale' } }));
    assert.notEqual(stale.code, 0);
    assert.match(stale.stderr, /Conflict|the object has been modified/);
    assert.deepEqual((await getJson('cm', 'replaced')).data, { v: 'new' });
  });

  describe('delete', () => {
    it('deletes a pod (kept while graceful termination runs on a node; pending pods go at once)', async () => {
      ok(await k(['apply', '-f', '-'], 'apiVersion: v1\nkind: Pod\nmetadata: {name: doomed, namespace: default}\nspec:\n  containers: [{name: c, image: busybox}]\n'));
      assert.match(ok(await k(['delete', 'pod', 'doomed', '--wait=true', '--timeout=30s'])).stdout, /^pod "doomed" deleted/m);
      assert.equal(await exists('pod', 'doomed'), false);
      const missing = await k(['delete', 'pod', 'doomed']);
      assert.notEqual(missing.code, 0);
      assert.match(missing.stderr, /NotFound/);
    });

    for (const [cascade, policy, marker] of [
      ['orphan', 'Orphan', 'orphan'],
      ['foreground', 'Foreground', 'foregroundDeletion'],
      ['background', 'Background', undefined],
    ] as const) {
      it(`--cascade=${cascade} on an object with a finalizer`, async () => {
        const name = `held-${cascade}`;
        ok(await k(['apply', '-f', '-'], `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: default, finalizers: [example.com/hold]}\n`));
        // kubectl --cascade=<x> sends DeleteOptions{propagationPolicy}; the answer (202) carries the finalizer it adds.
        const raw = rawClient(cluster.kubeconfig);
        try {
          const res = await raw.request('DELETE', `/api/v1/namespaces/default/configmaps/${name}`, {
            body: JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: policy }),
            headers: { 'Content-Type': 'application/json' },
          });
          assert.equal(res.status, 202);
          const md = (res.json as unknown as Obj).metadata;
          assert.ok(md.deletionTimestamp, 'deletionTimestamp is set');
          assert.deepEqual([...(md.finalizers ?? [])].sort(), ['example.com/hold', ...(marker ? [marker] : [])].sort());
        } finally {
          raw.close();
        }
        ok(await k(['delete', 'cm', name, `--cascade=${cascade}`, '--wait=false']));
        // The garbage collector handles orphan/foregroundDeletion (no dependents here) and drops its finalizer;
        // the object stays, held by its own finalizer, until that one is removed.
        await eventually(async () => {
          const held = await getJson('cm', name);
          return held.metadata.deletionTimestamp && JSON.stringify(held.metadata.finalizers) === '["example.com/hold"]';
        }, `${name} held only by its own finalizer`);
        ok(await k(['patch', 'cm', name, '--type=merge', '-p', '{"metadata":{"finalizers":null}}']));
        await eventually(async () => !(await exists('cm', name)), `${name} to be gone`);
      });
    }

    it('deletes an empty namespace (a namespace with content waits for a namespace controller)', async () => {
      ok(await k(['apply', '-f', '-'], 'apiVersion: v1\nkind: Namespace\nmetadata: {name: empty-ns}\n'));
      ok(await k(['delete', 'namespace', 'empty-ns', '--timeout=30s']));
      await eventually(async () => !(await exists('namespace', 'empty-ns', '')), 'empty-ns to be gone');
    });
  });

  describe('wait', () => {
    it('--for=condition after a status update', async () => {
      ok(await k(['apply', '-f', '-'], 'apiVersion: v1\nkind: Pod\nmetadata: {name: waited, namespace: default}\nspec:\n  containers: [{name: c, image: busybox}]\n'));
      const waiting = k(['wait', '--for=condition=Ready', 'pod/waited', '--timeout=30s']);
      const status = { status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }] } };
      ok(await k(['patch', 'pod', 'waited', '--subresource=status', '--type=merge', '-p', JSON.stringify(status)]));
      const r = ok(await waiting, 'wait --for=condition');
      assert.match(r.stdout, /^pod\/waited condition met$/m);
      const timedOut = await k(['wait', '--for=condition=Initialized', 'pod/waited', '--timeout=1s']);
      assert.notEqual(timedOut.code, 0);
      assert.match(timedOut.stderr, /timed out waiting for the condition/);
    });

    it('--for=delete returns once the finalizer is dropped', async () => {
      ok(await k(['apply', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: waited-delete, namespace: default, finalizers: [example.com/hold]}\n'));
      ok(await k(['delete', 'cm', 'waited-delete', '--wait=false']));
      const waiting = k(['wait', '--for=delete', 'configmap/waited-delete', '--timeout=30s']);
      ok(await k(['patch', 'cm', 'waited-delete', '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']));
      ok(await waiting, 'wait --for=delete');
      assert.equal(await exists('cm', 'waited-delete'), false);
    });

    it('--for=jsonpath', async () => {
      ok(await k(['apply', '-f', '-'], cm('waited-jp', { phase: 'one' })));
      const waiting = k(['wait', '--for=jsonpath={.data.phase}=two', 'configmap/waited-jp', '--timeout=30s']);
      ok(await k(['patch', 'cm', 'waited-jp', '--type=merge', '-p', '{"data":{"phase":"two"}}']));
      assert.match(ok(await waiting).stdout, /condition met/);
    });
  });

  describe('explain', () => {
    it('from OpenAPI v3', async () => {
      const out = ok(await k(['explain', 'pods.spec.containers.image'])).stdout;
      assert.match(out, /^KIND:\s+Pod$/m);
      assert.match(out, /^VERSION:\s+v1$/m);
      assert.match(out, /^FIELD:\s+image <string>$/m);
      const deploy = ok(await k(['explain', 'deployment.spec', '--api-version=apps/v1'])).stdout;
      assert.match(deploy, /^GROUP:\s+apps$/m);
      assert.match(deploy, /^\s+replicas\s+<integer>$/m);
      assert.match(deploy, /^\s+selector\s+<LabelSelector> -required-$/m);
      const recursive = ok(await k(['explain', 'configmap', '--recursive'])).stdout;
      assert.match(recursive, /^\s+binaryData\s+<map\[string\]string>$/m);
    });

    it('from OpenAPI v2 (--output plaintext-openapiv2)', async () => {
      const out = ok(await k(['explain', 'deployments.spec.replicas', '--output', 'plaintext-openapiv2'])).stdout;
      assert.match(out, /^KIND:\s+Deployment$/m);
      assert.match(out, /^VERSION:\s+apps\/v1$/m);
      assert.match(out, /^FIELD:\s+replicas <integer>$/m);
    });

    it('an unknown field is an error', async () => {
      const r = await k(['explain', 'pods.spec.nope']);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /field "nope" does not exist/);
    });
  });

  it('api-resources and api-versions', async () => {
    const all = ok(await k(['api-resources'])).stdout;
    assert.match(all, /^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND$/m);
    assert.match(all, /^pods\s+po\s+v1\s+true\s+Pod$/m);
    assert.match(all, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    assert.match(all, /^customresourcedefinitions\s+crd,crds\s+apiextensions\.k8s\.io\/v1\s+false\s+CustomResourceDefinition$/m);
    const apps = ok(await k(['api-resources', '--api-group=apps', '-o', 'name'])).stdout.trim().split('\n').sort();
    assert.deepEqual(apps, ['controllerrevisions.apps', 'daemonsets.apps', 'deployments.apps', 'replicasets.apps', 'statefulsets.apps']);
    const namespaced = ok(await k(['api-resources', '--namespaced=false', '--api-group=', '-o', 'name'])).stdout.trim().split('\n');
    assert.ok(namespaced.includes('namespaces') && namespaced.includes('nodes') && !namespaced.includes('pods'), namespaced.join(','));
    const versions = ok(await k(['api-versions'])).stdout.trim().split('\n');
    for (const v of ['v1', 'apps/v1', 'batch/v1', 'rbac.authorization.k8s.io/v1', 'apiextensions.k8s.io/v1']) assert.ok(versions.includes(v), `${v} in ${versions.join(',')}`);
  });

  describe('auth', () => {
    it('can-i answers yes for the admin (protobuf SelfSubjectAccessReview)', async () => {
      const r = await k(['auth', 'can-i', 'create', 'pods']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), 'yes');
      const all = await k(['auth', 'can-i', '*', '*', '--all-namespaces']);
      assert.equal(all.stdout.trim(), 'yes', all.stderr);
    });

    it('can-i answers no for a ServiceAccount without bindings (impersonation)', async () => {
      const r = await k(['auth', 'can-i', 'list', 'secrets', '-n', 'default', '--as=system:serviceaccount:default:nobody']);
      if (/impersonat/i.test(r.stderr) && /not supported|unknown|forbidden/i.test(r.stderr)) {
        // Without impersonation support there is no way to ask on someone else's behalf from kubectl.
        return;
      }
      assert.equal(r.stdout.trim(), 'no', r.stderr);
      assert.equal(r.code, 1);
    });

    it('whoami names the admin user and its groups', async () => {
      const r = await k(['auth', 'whoami', '-o', 'json']);
      assert.equal(r.code, 0, r.stderr);
      const review = JSON.parse(r.stdout) as { kind: string; status: { userInfo: { username: string; groups: string[] } } };
      assert.equal(review.kind, 'SelfSubjectReview');
      assert.ok(review.status.userInfo.username.length > 0);
      assert.ok(review.status.userInfo.groups.includes('system:authenticated'), JSON.stringify(review.status.userInfo));
    });
  });

  it('--dry-run=server validates and answers but stores nothing', async () => {
    const r = ok(await k(['apply', '--dry-run=server', '-f', '-', '-o', 'json'], cm('dry', { a: '1' })));
    const answered = JSON.parse(r.stdout) as Obj;
    assert.equal(answered.metadata.name, 'dry');
    assert.equal(await exists('cm', 'dry'), false);
    const created = ok(await k(['create', '--dry-run=server', '-f', '-'], cm('dry2', { a: '1' })));
    assert.match(created.stdout, /configmap\/dry2 created \(server dry run\)/);
    assert.equal(await exists('cm', 'dry2'), false);
    // Server-side validation still runs in a dry run.
    const invalid = await k(['create', '--dry-run=server', '-f', '-'], cm('Not_Valid', { a: '1' }));
    assert.notEqual(invalid.code, 0);
    assert.match(invalid.stderr, /is invalid: metadata\.name/);
    // Dry-run delete keeps the object.
    ok(await k(['apply', '-f', '-'], cm('dry-delete', { a: '1' })));
    ok(await k(['delete', 'cm', 'dry-delete', '--dry-run=server']));
    assert.equal(await exists('cm', 'dry-delete'), true);
  });

  it('typed create commands (protobuf request bodies)', async () => {
    const ns = await k(['create', 'namespace', 'typed-ns']);
    assert.equal(ns.code, 0, ns.stderr);
    const cmr = await k(['create', 'configmap', 'typed-cm', '-n', 'typed-ns', '--from-literal=k=v']);
    assert.equal(cmr.code, 0, cmr.stderr);
    assert.deepEqual((await getJson('cm', 'typed-cm', 'typed-ns')).data, { k: 'v' });
    const dep = await k(['create', 'deployment', 'web', '-n', 'typed-ns', '--image=nginx:1.27', '--replicas=2']);
    assert.equal(dep.code, 0, dep.stderr);
    const d = await getJson('deployment', 'web', 'typed-ns');
    assert.equal(d.spec?.replicas, 2);
    assert.deepEqual((d.spec?.selector as { matchLabels: Record<string, string> }).matchLabels, { app: 'web' });
  });

  it('get --raw /version /healthz /readyz?verbose /metrics', async () => {
    const version = JSON.parse(ok(await k(['get', '--raw', '/version'])).stdout) as { major: string; minor: string; gitVersion: string };
    assert.equal(version.major, '1');
    assert.equal(version.minor, '34');
    assert.match(version.gitVersion, /^v1\.34\./);
    assert.equal(ok(await k(['get', '--raw', '/healthz'])).stdout, 'ok');
    const ready = ok(await k(['get', '--raw', '/readyz?verbose'])).stdout;
    assert.match(ready, /^\[\+\]\S+ ok$/m);
    assert.match(ready, /readyz check passed/);
    const metrics = ok(await k(['get', '--raw', '/metrics'])).stdout;
    assert.match(metrics, /^# TYPE apiserver_request_total counter$/m);
    assert.match(metrics, /^apiserver_request_total\{.*verb="LIST".*\} \d+$/m);
    const version2 = ok(await k(['version', '-o', 'json'])).stdout;
    assert.equal((JSON.parse(version2) as { serverVersion: { minor: string } }).serverVersion.minor, '34');
  });
});
