/**
 * Managed-fields benchmark: µs per recordUpdate / serverSideApply on realistic objects
 * (a Deployment-created Pod with two containers, env, volumes, probes, resources and a
 * kubelet-shaped status; a server-side applied Deployment), called as the API server calls them.
 *
 *   npx tsx scripts/bench-managed-fields.ts [--patch <dir with managed-fields.ts>] [--ms 1500]
 *
 * `--patch` points at another copy of cluster/apiserver/patch (e.g. the previous code): both are
 * timed, and their outputs on every benchmark input must be identical.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { JsonObject } from '../cluster/apiserver/patch/json.js';
import { appliedDeployment, createdPod, runningPod, scheduledPod } from '../cluster/apiserver/patch/testdata/objects.js';

type Impl = typeof import('../cluster/apiserver/patch/index.js');

const { values: args } = parseArgs({ options: { patch: { type: 'string' }, ms: { type: 'string', default: '1500' } } });
const MS = Number(args.ms);
const DISTINCT = 64;
const now = new Date('2025-01-02T03:05:00Z');

async function load(dir: string): Promise<Impl> {
  return (await import(pathToFileURL(path.resolve(dir, 'index.ts')).href)) as Impl;
}

interface Case {
  name: string;
  run: (impl: Impl, i: number) => JsonObject;
}

/** Inputs built once with the code under test so stored managedFields look as they would. */
function cases(impl: Impl): Case[] {
  const podTypes = () => impl.builtinFieldTypes('v1', 'Pod');
  const update = (before: JsonObject | undefined, after: JsonObject, manager: string, subresource?: string) =>
    impl.recordUpdate({ before, after, manager, operation: 'Update', apiVersion: 'v1', subresource, fieldTypes: podTypes(), now });
  const created = Array.from({ length: DISTINCT }, (_, i) => createdPod(i));
  const stored = created.map((p) => {
    const c = update(undefined, p, 'kube-controller-manager');
    const s = update(c, scheduledPod(c), 'kube-scheduler', 'status');
    return update(s, runningPod(s, false), 'kubelet', 'status');
  });
  const ready = stored.map((p) => runningPod(p, true));
  const edited = stored.map((p) => {
    const e = structuredClone(p);
    const spec = e.spec as { containers: JsonObject[] };
    spec.containers[0].image = 'registry.local/web:1.4.3';
    ((e.metadata as JsonObject).labels as JsonObject).tier = 'edge';
    return e;
  });
  const live = Array.from({ length: DISTINCT }, () => {
    const first = impl.serverSideApply({ live: undefined, applied: appliedDeployment(), manager: 'kubectl', force: false, now }).object;
    const withStatus = structuredClone(first);
    withStatus.status = { observedGeneration: 1, replicas: 3, readyReplicas: 3, availableReplicas: 3, updatedReplicas: 3 };
    return impl.recordUpdate({ before: first, after: withStatus, manager: 'kube-controller-manager', apiVersion: 'apps/v1', subresource: 'status', fieldTypes: impl.builtinFieldTypes('apps/v1', 'Deployment'), now });
  });
  const applied = Array.from({ length: DISTINCT }, (_, i) => appliedDeployment(`registry.local/web:1.5.${i}`, 4));
  return [
    { name: '(a) create pod', run: (_, i) => update(undefined, created[i], 'kube-controller-manager') },
    { name: '(b) kubelet status update', run: (_, i) => update(stored[i], ready[i], 'kubelet', 'status') },
    { name: '(c) spec update, same manager', run: (_, i) => update(stored[i], edited[i], 'kube-controller-manager') },
    {
      name: '(d) server-side apply Deployment',
      run: (m, i) =>
        m.serverSideApply({ live: live[i], applied: applied[i], manager: 'kubectl', force: false, listTypes: m.builtinFieldTypes('apps/v1', 'Deployment'), apiVersion: 'apps/v1', now }).object,
    },
  ];
}

function time(impl: Impl, c: Case): number {
  for (let i = 0; i < 200; i++) c.run(impl, i % DISTINCT);
  let n = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(MS) * 1_000_000n;
  let t = start;
  while (t < deadline) {
    for (let i = 0; i < DISTINCT; i++) c.run(impl, i);
    n += DISTINCT;
    t = process.hrtime.bigint();
  }
  return Number(t - start) / 1000 / n;
}

const current = await load(path.resolve(import.meta.dirname, '../cluster/apiserver/patch'));
const reference = args.patch ? await load(args.patch) : undefined;
const currentCases = cases(current);
const referenceCases = reference ? cases(reference) : undefined;

if (reference && referenceCases) {
  for (const [k, c] of currentCases.entries()) {
    for (let i = 0; i < DISTINCT; i++) assert.deepEqual(JSON.stringify(c.run(current, i)), JSON.stringify(referenceCases[k].run(reference, i)), `${c.name} #${i}`);
  }
  console.log('outputs identical to --patch on all inputs');
}

console.log(`${'case'.padEnd(36)} ${'µs/op'.padStart(9)}${reference ? `${'--patch'.padStart(10)}   speed-up` : ''}`);
for (const [k, c] of currentCases.entries()) {
  const us = time(current, c);
  let line = `${c.name.padEnd(36)} ${us.toFixed(1).padStart(9)}`;
  if (reference && referenceCases) {
    const ref = time(reference, referenceCases[k]);
    line += `${ref.toFixed(1).padStart(10)}   ${(ref / us).toFixed(1)}×`;
  }
  console.log(line);
}
