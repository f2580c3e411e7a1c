import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ServedResource } from '../../resources/registry.js';
import type { KubeObject } from '../../storage/object.js';
import type { AdmissionAttributes } from '../types.js';
import { serviceAccountAdmission } from './service-account.js';

const pods = { info: { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true } } as unknown as ServedResource;
const accounts = (names: string[]) => ({
  get: async (_ns: string | undefined, name: string) => (names.includes(name) ? ({ metadata: { name } } as KubeObject) : undefined),
  list: async () => [],
});

function attrs(object: KubeObject): AdmissionAttributes {
  return { operation: 'CREATE', resource: pods, namespace: 'default', name: object.metadata?.name, subresource: undefined, user: { name: 'u', groups: [] }, dryRun: false, object, oldObject: undefined };
}
const pod = (spec: Record<string, unknown>, annotations?: Record<string, string>): KubeObject =>
  ({ metadata: { name: 'p', annotations }, spec: { containers: [{ name: 'c', image: 'i' }], ...spec } }) as KubeObject;

describe('ServiceAccount admission', () => {
  const plugin = serviceAccountAdmission(accounts(['default']));
  const admit = async (object: KubeObject) => plugin.admit!(attrs(object));

  it('gives a pod the default account and mounts its token', async () => {
    const p = pod({});
    await admit(p);
    const spec = p.spec as { serviceAccountName: string; volumes: { name: string }[]; containers: { volumeMounts: { mountPath: string }[] }[] };
    assert.equal(spec.serviceAccountName, 'default');
    assert.match(spec.volumes[0].name, /^kube-api-access-/);
    assert.equal(spec.containers[0].volumeMounts[0].mountPath, '/var/run/secrets/kubernetes.io/serviceaccount');
  });

  it('refuses a named account that does not exist', async () => {
    await assert.rejects(admit(pod({ serviceAccountName: 'missing' })), /serviceaccount "missing" not found/);
  });

  it('leaves a mirror pod without account and token', async () => {
    const p = pod({}, { 'kubernetes.io/config.mirror': 'abc' });
    await admit(p);
    assert.equal((p.spec as { serviceAccountName?: string }).serviceAccountName, undefined);
    assert.equal((p.spec as { volumes?: unknown[] }).volumes, undefined);
  });

  it('refuses a mirror pod referencing accounts, secrets or configmaps', async () => {
    const mirror = { 'kubernetes.io/config.mirror': 'abc' };
    await assert.rejects(admit(pod({ serviceAccountName: 'default' }, mirror)), /may not reference service accounts/);
    await assert.rejects(admit(pod({ volumes: [{ name: 's', secret: { secretName: 'x' } }] }, mirror)), /may not reference secrets/);
    await assert.rejects(admit(pod({ volumes: [{ name: 'c', projected: { sources: [{ configMap: { name: 'x' } }] } }] }, mirror)), /may not reference configmaps/);
  });
});
