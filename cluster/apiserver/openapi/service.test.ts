import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTIN_RESOURCES, groupVersionKey } from '../resources/catalog.js';
import { createOpenAPIService, V2_PROTOBUF_ACCEPT, V2_PROTOBUF_CONTENT_TYPE } from './service.js';
import { documentType } from './gnostic-proto.js';
import type { CustomResourceSchema } from './definitions.js';

type Json = Record<string, unknown>;
interface Decoded {
  swagger: string;
  definitions: { additional_properties: { name: string; value: Json }[] };
  paths: { path: { name: string; value: Json }[] };
}

const widget: CustomResourceSchema = {
  group: 'example.com',
  version: 'v1',
  kind: 'Widget',
  plural: 'widgets',
  namespaced: true,
  subresources: { status: true },
  openAPIV3Schema: {
    type: 'object',
    properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } },
  },
};

function collectRefs(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x) => collectRefs(x, out));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string') out.push(x);
      else collectRefs(x, out);
    }
  }
  return out;
}

test('v2 protobuf decodes back to the JSON document definitions', () => {
  const svc = createOpenAPIService(BUILTIN_RESOURCES);
  const proto = svc.v2(V2_PROTOBUF_ACCEPT);
  assert.equal(proto.contentType, V2_PROTOBUF_CONTENT_TYPE);
  const json = JSON.parse(svc.v2('application/json').body.toString()) as { definitions: Json; paths: Json };
  const decoded = documentType().toObject(documentType().decode(proto.body), { defaults: false }) as Decoded;
  assert.equal(decoded.swagger, '2.0');
  assert.equal(decoded.definitions.additional_properties.length, Object.keys(json.definitions).length);
  assert.equal(decoded.paths.path.length, Object.keys(json.paths).length);

  const container = decoded.definitions.additional_properties.find((d) => d.name === 'io.k8s.api.core.v1.Container');
  assert.ok(container);
  const props = (container.value.properties as { additional_properties: { name: string; value: Json }[] }).additional_properties;
  const ports = props.find((p) => p.name === 'ports')!.value;
  assert.deepEqual((ports.type as { value: string[] }).value, ['array']);
  const ext = (ports.vendor_extension as { name: string; value: { yaml: string } }[]).find((e) => e.name === 'x-kubernetes-patch-merge-key');
  assert.equal(JSON.parse(ext!.value.yaml), 'containerPort');
  const image = props.find((p) => p.name === 'image')!.value;
  assert.deepEqual((image.type as { value: string[] }).value, ['string']);

  const pod = decoded.definitions.additional_properties.find((d) => d.name === 'io.k8s.api.core.v1.Pod')!.value;
  const gvk = (pod.vendor_extension as { name: string; value: { yaml: string } }[]).find((e) => e.name === 'x-kubernetes-group-version-kind');
  assert.deepEqual(JSON.parse(gvk!.value.yaml), [{ group: '', version: 'v1', kind: 'Pod' }]);
});

test('v2 JSON is served otherwise, cached, with every $ref resolvable', () => {
  const svc = createOpenAPIService(BUILTIN_RESOURCES);
  const a = svc.v2('application/json');
  assert.equal(a.contentType, 'application/json');
  assert.equal(svc.v2('*/*'), a);
  const doc = JSON.parse(a.body.toString()) as { definitions: Json; paths: Record<string, Json> };
  for (const ref of collectRefs(doc)) {
    assert.ok(ref.startsWith('#/definitions/') && ref.slice(14) in doc.definitions, `dangling ${ref}`);
  }
  const patch = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch as Json;
  assert.equal(patch.operationId, 'patchAppsV1NamespacedDeployment');
});

test('v3 index lists every group-version of the catalog with hashed URLs', () => {
  const svc = createOpenAPIService(BUILTIN_RESOURCES);
  const index = svc.v3Index();
  const expected = new Set(BUILTIN_RESOURCES.map((r) => (r.group ? `apis/${groupVersionKey(r.group, r.version)}` : `api/${r.version}`)));
  assert.deepEqual(new Set(Object.keys(index.paths)), expected);
  const core = index.paths['api/v1'];
  const doc = svc.v3GroupVersion('api/v1')!;
  assert.equal(core.serverRelativeURL, `/openapi/v3/api/v1?hash=${doc.etag.slice(1, -1)}`);
  assert.equal(svc.v3GroupVersion('apis/nope/v1'), undefined);
});

test('v3 group-version document: operations, fieldValidation, schemas', () => {
  const svc = createOpenAPIService(BUILTIN_RESOURCES);
  const doc = JSON.parse(svc.v3GroupVersion('api/v1')!.body.toString()) as { paths: Record<string, Record<string, Json>>; components: { schemas: Record<string, Json> } };
  const item = doc.paths['/api/v1/namespaces/{namespace}/pods/{name}'];
  assert.equal(item.get.operationId, 'readCoreV1NamespacedPod');
  assert.equal(item.patch.operationId, 'patchCoreV1NamespacedPod');
  assert.deepEqual(item.patch['x-kubernetes-group-version-kind'], { group: '', version: 'v1', kind: 'Pod' });
  const params = (item.patch.parameters as { name: string; in: string }[]).map((p) => `${p.in}:${p.name}`);
  for (const p of ['query:fieldValidation', 'query:dryRun', 'query:fieldManager', 'query:force']) assert.ok(params.includes(p), p);
  assert.equal(doc.paths['/api/v1/namespaces/{namespace}/pods'].get.operationId, 'listCoreV1NamespacedPod');
  assert.equal(doc.paths['/api/v1/namespaces/{namespace}/pods'].delete.operationId, 'deleteCoreV1CollectionNamespacedPod');
  assert.equal(doc.paths['/api/v1/pods'].get.operationId, 'listCoreV1PodForAllNamespaces');
  assert.equal(doc.paths['/api/v1/namespaces/{namespace}/pods/{name}/status'].put.operationId, 'replaceCoreV1NamespacedPodStatus');
  assert.ok(doc.paths['/api/v1/namespaces/{name}']);
  assert.deepEqual(doc.components.schemas['io.k8s.api.core.v1.Pod']['x-kubernetes-group-version-kind'], [{ group: '', version: 'v1', kind: 'Pod' }]);
  for (const ref of collectRefs(doc)) {
    assert.ok(ref.startsWith('#/components/schemas/') && ref.slice(21) in doc.components.schemas, `dangling ${ref}`);
  }
  const scale = JSON.parse(svc.v3GroupVersion('apis/apps/v1')!.body.toString()) as { paths: Record<string, Record<string, Json>> };
  assert.deepEqual(scale.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'].put['x-kubernetes-group-version-kind'], { group: 'autoscaling', version: 'v1', kind: 'Scale' });
});

test('custom resources appear and disappear, bumping etags', () => {
  const svc = createOpenAPIService(BUILTIN_RESOURCES);
  const before = svc.v2(V2_PROTOBUF_ACCEPT).etag;
  svc.setCustomResources([widget]);
  const after = svc.v2(V2_PROTOBUF_ACCEPT);
  assert.notEqual(after.etag, before);
  assert.ok(svc.v3Index().paths['apis/example.com/v1']);
  const doc = JSON.parse(svc.v3GroupVersion('apis/example.com/v1')!.body.toString()) as { paths: Record<string, Record<string, Json>>; components: { schemas: Record<string, Json> } };
  assert.equal(doc.paths['/apis/example.com/v1/namespaces/{namespace}/widgets/{name}'].patch.operationId, 'patchExampleComV1NamespacedWidget');
  assert.ok(doc.paths['/apis/example.com/v1/namespaces/{namespace}/widgets/{name}/status']);
  assert.deepEqual(doc.components.schemas['com.example.v1.Widget']['x-kubernetes-group-version-kind'], [{ group: 'example.com', version: 'v1', kind: 'Widget' }]);
  const decoded = documentType().toObject(documentType().decode(after.body)) as Decoded;
  assert.ok(decoded.definitions.additional_properties.some((d) => d.name === 'com.example.v1.WidgetList'));
  for (const ref of collectRefs(doc)) {
    assert.ok(ref.startsWith('#/components/schemas/') && ref.slice(21) in doc.components.schemas, `dangling ${ref}`);
  }
  svc.setCustomResources([]);
  assert.equal(svc.v3Index().paths['apis/example.com/v1'], undefined);
  assert.equal(svc.v2(V2_PROTOBUF_ACCEPT).etag, before);
});

test('every catalog kind has a generated definition tagged with its GVK', async () => {
  const { builtinDefinitions, indexByGVK, gvkKey } = await import('./definitions.js');
  const byGVK = indexByGVK(builtinDefinitions());
  for (const r of BUILTIN_RESOURCES) {
    assert.ok(byGVK.has(gvkKey({ group: r.group, version: r.version, kind: r.kind })), `${r.group}/${r.version} ${r.kind}`);
  }
});
