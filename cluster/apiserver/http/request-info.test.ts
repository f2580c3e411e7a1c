import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequestInfo, type ResourceRequestInfo } from './request-info.js';

const info = (method: string, path: string) => parseRequestInfo(method, new URL(path, 'https://x'));

test('resource requests as kube-apiserver parses them', () => {
  const r = info('GET', '/api/v1/namespaces/default/pods/web/log') as ResourceRequestInfo;
  assert.deepEqual([r.group, r.version, r.namespace, r.resource, r.name, r.subresource, r.verb], ['', 'v1', 'default', 'pods', 'web', 'log', 'get']);
  const d = info('GET', '/apis/apps/v1/namespaces/ns1/deployments?watch=true') as ResourceRequestInfo;
  assert.deepEqual([d.group, d.resource, d.verb, d.namespace], ['apps', 'deployments', 'watch', 'ns1']);
  assert.equal((info('GET', '/api/v1/pods') as ResourceRequestInfo).verb, 'list');
  assert.equal((info('DELETE', '/api/v1/namespaces/a/configmaps') as ResourceRequestInfo).verb, 'deletecollection');
  assert.equal((info('PATCH', '/api/v1/nodes/n1/status') as ResourceRequestInfo).subresource, 'status');
  const w = info('GET', '/api/v1/watch/namespaces/a/pods') as ResourceRequestInfo;
  assert.deepEqual([w.verb, w.namespace, w.resource], ['watch', 'a', 'pods']);
});

test('the namespace object itself and its subresources', () => {
  const ns = info('GET', '/api/v1/namespaces/team') as ResourceRequestInfo;
  assert.deepEqual([ns.resource, ns.name, ns.namespace], ['namespaces', 'team', 'team']);
  const fin = info('PUT', '/api/v1/namespaces/team/finalize') as ResourceRequestInfo;
  assert.deepEqual([fin.resource, fin.name, fin.subresource], ['namespaces', 'team', 'finalize']);
  assert.equal((info('GET', '/api/v1/namespaces') as ResourceRequestInfo).verb, 'list');
});

test('non-resource and discovery paths', () => {
  assert.equal(info('GET', '/healthz').isResourceRequest, false);
  const d = info('GET', '/apis/apps/v1');
  assert.ok(!d.isResourceRequest && d.discovery?.group === 'apps' && d.discovery.version === 'v1');
  const api = info('GET', '/api');
  assert.ok(!api.isResourceRequest && api.discovery?.apiPrefix === 'api');
});
