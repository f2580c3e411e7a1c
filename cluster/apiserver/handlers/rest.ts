/**
 * The REST verbs of a stored resource, as k8s.io/apiserver's handlers implement them:
 * get, list, create, update (PUT), patch, delete, deletecollection, and the status
 * and scale subresources. Each write runs: decode → field validation → admission
 * (mutating) → strategy (prepare, validate) → admission (validating) → storage.
 */
import { parseFieldSelector, checkFieldSelector } from '../../api/fields.js';
import { parseSelector } from '../../api/labels.js';
import { badRequest, invalid, methodNotAllowed, notFound, StatusError, type StatusCause } from '../../api/status.js';
import type { AdmissionAttributes, Operation } from '../admission/types.js';
import { decodeObjectBody, mediaType, readBody } from '../http/body.js';
import { duplicateFields } from '../http/duplicate-fields.js';
import { addWarning, successStatus, writeJSON, writeJSONList, writeText } from '../http/respond.js';
import { apiVersionOf } from '../resources/catalog.js';
import type { ServedResource } from '../resources/registry.js';
import { isPlainObject, meta, sharedJSON, type KubeObject } from '../storage/object.js';
import { fillSystemFields, parseRV, randomSuffix, type DeleteOptions, type ListOptions, type ResourceStore } from '../storage/resource-store.js';
import type { HandlerContext } from './context.js';
import { defaultFieldManager, intParam, type ApiRequest } from './request.js';

export function storeOf(r: Pick<ApiRequest, 'served' | 'info'>): ResourceStore {
  if (!r.served.store) throw methodNotAllowed(`${r.info.verb} is not supported on resources of kind ${r.served.info.kind}`);
  return r.served.store;
}

/** Stored → served version (shares nothing with the input when converted). */
export function toServed(served: ServedResource, obj: KubeObject): KubeObject {
  return served.conversion ? served.conversion.toServed(obj) : obj;
}

export function respondObject(ctx: HandlerContext, r: ApiRequest, code: number, obj: KubeObject): void {
  const out = toServed(r.served, obj);
  if (r.negotiated.representation === 'Table') {
    writeJSON(r.res, code, ctx.printer.print(r.served, [out], { includeObject: includeObject(r.url), withColumns: true, resourceVersion: obj.metadata?.resourceVersion }), r.negotiated.yaml);
    return;
  }
  if (r.negotiated.representation === 'PartialObjectMetadata') {
    writeJSON(r.res, code, partialMetadata(out), r.negotiated.yaml);
    return;
  }
  // The stored object's JSON is encoded once for this answer and every watcher of its event.
  if (!r.negotiated.yaml && out === obj) writeText(r.res, code, sharedJSON(obj));
  else writeJSON(r.res, code, out, r.negotiated.yaml);
}

export function partialMetadata(obj: KubeObject): KubeObject {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

export function includeObject(url: URL): 'Object' | 'Metadata' | 'None' {
  const v = url.searchParams.get('includeObject');
  return v === 'Object' || v === 'None' ? v : 'Metadata';
}

export function listOptions(r: Pick<ApiRequest, 'served' | 'url'>): ListOptions {
  const q = r.url.searchParams;
  const fieldSelector = parseFieldSelector(q.get('fieldSelector'));
  checkFieldSelector(r.served.info.resource, fieldSelector);
  const limit = intParam(r.url, 'limit');
  if (limit !== undefined && limit < 0) throw badRequest(`limit: Invalid value: ${limit}: must be greater than or equal to 0`);
  // A malformed resourceVersion is the client's error: 400 for lists and watches alike, before
  // any response starts (kube-apiserver answers 500 today; kubernetes/kubernetes#139485 makes it 400).
  const rv = q.get('resourceVersion');
  if (rv) parseRV(rv);
  return {
    labelSelector: parseSelector(q.get('labelSelector')),
    fieldSelector,
    limit,
    continue: q.get('continue') || undefined,
    resourceVersion: q.get('resourceVersion') ?? undefined,
    resourceVersionMatch: q.get('resourceVersionMatch') || undefined,
  };
}

function requireName(r: ApiRequest): string {
  if (!r.info.name) throw methodNotAllowed(`the server does not allow this method on the requested resource`);
  return r.info.name;
}

/** Namespaced resources need a namespace for item requests, cluster-scoped ones must not have one. */
export function scopeNamespace(r: Pick<ApiRequest, 'served' | 'info'>): string | undefined {
  const ns = r.served.info.namespaced ? r.info.namespace : undefined;
  if (r.served.info.namespaced && !ns && (r.info.name || r.info.verb === 'create')) {
    throw notFound(r.served.info.group, r.served.info.resource, r.info.name ?? '');
  }
  return ns;
}

export async function handleGet(ctx: HandlerContext, r: ApiRequest): Promise<void> {
  const ns = scopeNamespace(r);
  const obj = await storeOf(r).get(ns, requireName(r), r.url.searchParams.get('resourceVersion') ?? undefined);
  respondObject(ctx, r, 200, obj);
}

export async function handleList(ctx: HandlerContext, r: ApiRequest): Promise<void> {
  const ns = scopeNamespace(r);
  const res = await storeOf(r).list(ns, listOptions(r));
  const items = res.items.map((o) => toServed(r.served, o));
  if (r.negotiated.representation === 'Table') {
    const embed = includeObject(r.url);
    // A shared item's JSON carries its metadata's bytes (sharedJSON): made once, a row's embedded metadata is a view of it, not a second copy.
    if (embed === 'Metadata' && !r.negotiated.yaml) for (let i = 0; i < items.length; i++) if (items[i] === res.items[i]) sharedJSON(items[i]);
    const table = ctx.printer.print(r.served, items, {
      includeObject: embed,
      withColumns: true,
      resourceVersion: res.resourceVersion,
      continueToken: res.continue,
      remainingItemCount: res.remainingItemCount,
    });
    if (r.negotiated.yaml) {
      writeJSON(r.res, 200, table, true);
      return;
    }
    // Streamed row by row; an embedded object's (or its metadata's) JSON is the shared one lists and watches reuse.
    const { rows, ...rest } = table as unknown as { rows: TableRowOut[] };
    const head = JSON.stringify(rest);
    await writeJSONList(r.res, 200, `${head.slice(0, -1)}${head.length > 2 ? ',' : ''}"rows":[`, rows.map(encodeRow), ']}');
    return;
  }
  const listMeta: Record<string, unknown> = { resourceVersion: res.resourceVersion };
  if (res.continue) listMeta.continue = res.continue;
  if (res.remainingItemCount !== undefined) listMeta.remainingItemCount = res.remainingItemCount;
  if (r.negotiated.representation === 'PartialObjectMetadataList' || r.negotiated.representation === 'PartialObjectMetadata') {
    writeJSON(r.res, 200, { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: listMeta, items: items.map(partialMetadata) }, r.negotiated.yaml);
    return;
  }
  if (r.negotiated.yaml) {
    writeJSON(r.res, 200, { kind: r.served.info.listKind, apiVersion: apiVersionOf(r.served.info), metadata: listMeta, items }, true);
    return;
  }
  // Items are shared objects: their JSON is made once and reused across lists and watchers.
  const head = `{"kind":${JSON.stringify(r.served.info.listKind)},"apiVersion":${JSON.stringify(apiVersionOf(r.served.info))},"metadata":${JSON.stringify(listMeta)},"items":[`;
  await writeJSONList(r.res, 200, head, items.map(sharedJSON), ']}');
}

interface TableRowOut {
  cells: unknown[];
  conditions?: unknown[];
  object?: KubeObject;
}

const ROW_END = Buffer.from('}');
const PARTIAL_END = Buffer.from('}}');

/** One Table row as JSON, reusing the shared encoding of its object or that object's metadata. */
function encodeRow(row: TableRowOut): Buffer {
  let text = `{"cells":${JSON.stringify(row.cells)}`;
  if (row.conditions !== undefined) text += `,"conditions":${JSON.stringify(row.conditions)}`;
  const o = row.object;
  if (o === undefined) return Buffer.from(text + '}');
  const keys = Object.keys(o);
  if (o.kind === 'PartialObjectMetadata' && o.metadata && keys.length === 3 && keys[0] === 'kind' && keys[1] === 'apiVersion' && keys[2] === 'metadata') {
    text += `,"object":{"kind":"PartialObjectMetadata","apiVersion":${JSON.stringify(o.apiVersion)},"metadata":`;
    return Buffer.concat([Buffer.from(text), sharedJSON(o.metadata as KubeObject), PARTIAL_END]);
  }
  return Buffer.concat([Buffer.from(text + ',"object":'), sharedJSON(o), ROW_END]);
}

/** Decodes a body and checks its apiVersion/kind against the endpoint; absent ones default to it, as upstream's decoder. */
export function decodeForResource(r: ApiRequest, body: Buffer, expectKind = r.served.info.kind, expectApiVersion = apiVersionOf(r.served.info)): KubeObject {
  const obj = decodeObjectBody(body, r.req.headers['content-type']) as KubeObject;
  if (obj.apiVersion === undefined || obj.apiVersion === '') obj.apiVersion = expectApiVersion;
  if (obj.kind === undefined || obj.kind === '') obj.kind = expectKind;
  if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') throw badRequest('apiVersion and kind must be strings');
  if (obj.kind !== expectKind) {
    throw badRequest(`the object provided is unrecognized (must be of type ${expectKind}): ${obj.kind} in version "${obj.apiVersion}" cannot be handled as a ${expectKind}`);
  }
  if (obj.apiVersion !== expectApiVersion) {
    throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${expectApiVersion})`);
  }
  if (obj.metadata !== undefined && !isPlainObject(obj.metadata)) throw badRequest('metadata: must be an object');
  return obj;
}

/** Strict/Warn field validation against the kind's schema (kubectl sends fieldValidation=Strict). */
export function checkFields(ctx: HandlerContext, r: ApiRequest, obj: KubeObject, duplicates: readonly string[] = []): void {
  // Custom resources lose the fields their structural schema does not specify once the
  // mode has had its say (apiextensions-apiserver prunes while decoding; Warn and Ignore
  // store the pruned object).
  if (r.fieldValidation === 'Ignore') return ctx.schema.prune(r.served, obj);
  const { causes, unknownFields } = ctx.schema.check(r.served, obj, r.fieldValidation);
  if (causes.length) throw invalid(r.served.info.group, r.served.info.kind, obj.metadata?.name ?? '', causes);
  const problems = [...unknownFields.map((f) => ({ field: f, message: `unknown field "${f}"` })), ...duplicates.map((f) => ({ field: f, message: `duplicate field "${f}"` }))];
  if (problems.length && r.fieldValidation === 'Strict') {
    throw badRequest(`strict decoding error: ${problems.map((p) => p.message).join(', ')}`, problems.map((p) => ({ type: 'FieldValueInvalid', ...p })));
  }
  for (const p of problems) addWarning(r.res, p.message);
  // A built-in object the check found no unknown field in has nothing to drop; a custom resource's schema may still prune.
  if (unknownFields.length || r.served.custom) ctx.schema.prune(r.served, obj);
}

/** The body decoded again and pruned as checkFields did the first time (whose warnings and errors it already gave). */
function reread(ctx: HandlerContext, r: ApiRequest, body: Buffer): KubeObject {
  const obj = decodeForResource(r, body);
  ctx.schema.prune(r.served, obj);
  return obj;
}

/** Duplicate keys of a JSON body, which JSON.parse would silently collapse; only looked for when they matter. */
function duplicatesIn(r: ApiRequest, body: Buffer): string[] {
  if (r.fieldValidation === 'Ignore' || mediaType(r.req.headers['content-type']) !== 'application/json') return [];
  return duplicateFields(body.toString('utf8'));
}

function attrs(r: ApiRequest, operation: Operation, object: KubeObject | undefined, oldObject: KubeObject | undefined, name: string | undefined): AdmissionAttributes {
  return {
    operation,
    resource: r.served,
    namespace: r.served.info.namespaced ? r.info.namespace : undefined,
    name,
    subresource: r.info.subresource,
    user: r.user,
    dryRun: r.dryRun,
    object,
    oldObject,
  };
}

function reject(r: ApiRequest, obj: KubeObject, causes: StatusCause[]): void {
  if (causes.length) throw invalid(r.served.info.group, r.served.info.kind, obj.metadata?.name || obj.metadata?.generateName || '', causes);
}

function toStored(r: ApiRequest, obj: KubeObject): KubeObject {
  return r.served.conversion ? r.served.conversion.toStored(obj) : obj;
}

/**
 * Server-side apply already recorded its managedFields (an Apply entry); recording an
 * Update on top would turn the applier into an Update manager. Upstream's applyPatcher
 * calls only fieldManager.Apply, never UpdateNoErrors (endpoints/handlers/patch.go).
 */
export function isApplyPatch(r: ApiRequest): boolean {
  return r.req.method === 'PATCH' && mediaType(r.req.headers['content-type']) === 'application/apply-patch+yaml';
}

/** The create pipeline shared by POST and create-on-update/apply. */
export async function admitCreate(ctx: HandlerContext, r: ApiRequest, obj: KubeObject): Promise<KubeObject> {
  const md = meta(obj);
  const ns = scopeNamespace(r);
  if (r.served.info.namespaced) {
    if (md.namespace && md.namespace !== ns) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    md.namespace = ns;
  } else {
    delete md.namespace;
  }
  fillSystemFields(obj);
  // As upstream's BeforeCreate: the name is generated before validation (base cut to 58 characters).
  if (!md.name && typeof md.generateName === 'string' && md.generateName) md.name = md.generateName.slice(0, 58) + randomSuffix();
  ctx.strategy.defaults(r.served, obj);
  const a = attrs(r, 'CREATE', obj, undefined, md.name);
  await ctx.admission.admit(a);
  ctx.strategy.prepareForCreate(r.served, obj);
  reject(r, obj, ctx.strategy.validateCreate(r.served, obj));
  await ctx.admission.validate(a);
  if (!isApplyPatch(r)) ctx.managedFields.recordUpdate(r.served, undefined, obj, r.fieldManager ?? defaultFieldManager(r.req), undefined);
  return toStored(r, obj);
}

export async function handleCreate(ctx: HandlerContext, r: ApiRequest): Promise<void> {
  const body = await readBody(r.req);
  const obj = decodeForResource(r, body);
  checkFields(ctx, r, obj, duplicatesIn(r, body));
  const stored = await admitCreate(ctx, r, obj);
  const created = await storeOf(r).create(stored, { dryRun: r.dryRun });
  respondObject(ctx, r, 201, created);
}

/**
 * Runs an update of an existing object through admission and the strategy.
 * `subresource` 'status' keeps everything but status; the main resource keeps status.
 */
async function admitUpdate(ctx: HandlerContext, r: ApiRequest, next: KubeObject, current: KubeObject): Promise<KubeObject> {
  const servedCurrent = toServed(r.served, current);
  const nmd = meta(next);
  if (nmd.name !== undefined && nmd.name !== r.info.name) {
    throw badRequest(`the name of the object (${nmd.name}) does not match the name on the URL (${r.info.name})`);
  }
  if (r.served.info.namespaced && nmd.namespace && nmd.namespace !== r.info.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  // rest.EnsureObjectNamespaceMatchesRequestNamespace: an empty namespace takes the URL's (helm's
  // release Secrets are PUT without one); cluster-scoped objects lose theirs.
  if (r.served.info.namespaced) nmd.namespace = r.info.namespace;
  else delete nmd.namespace;
  nmd.name = r.info.name;
  ctx.strategy.defaults(r.served, next);
  ctx.strategy.prepareForUpdate(r.served, next, servedCurrent, r.info.subresource);
  const a = attrs(r, 'UPDATE', next, servedCurrent, r.info.name);
  await ctx.admission.admit(a);
  reject(r, next, ctx.strategy.validateUpdate(r.served, next, servedCurrent));
  await ctx.admission.validate(a);
  if (!isApplyPatch(r)) ctx.managedFields.recordUpdate(r.served, servedCurrent, next, r.fieldManager ?? defaultFieldManager(r.req), r.info.subresource);
  return toStored(r, next);
}

/** Resources that PUT may create, as upstream's AllowCreateOnUpdate. */
const CREATE_ON_UPDATE = new Set(['endpoints', 'leases', 'roles', 'rolebindings', 'clusterroles', 'clusterrolebindings', 'nodes', 'events']);

export async function handleUpdate(ctx: HandlerContext, r: ApiRequest): Promise<void> {
  const name = requireName(r);
  const ns = scopeNamespace(r);
  const body = await readBody(r.req);
  const incoming = decodeForResource(r, body);
  checkFields(ctx, r, incoming, duplicatesIn(r, body));
  const canCreate = !r.info.subresource && CREATE_ON_UPDATE.has(r.served.info.resource);
  // Admission changes the object it is given, so only the first attempt may have `incoming`;
  // a retry after a lost race (or a create after a delete) starts again from the body.
  let fresh: KubeObject | undefined = incoming;
  const take = (): KubeObject => {
    const obj = fresh ?? reread(ctx, r, body);
    fresh = undefined;
    return obj;
  };
  const { object, created } = await storeOf(r).update(
    ns,
    name,
    async (current) => admitUpdate(ctx, r, take(), current),
    {
      dryRun: r.dryRun,
      readsCurrentOnly: true,
      allowCreate: canCreate
        ? async () => {
            const obj = take();
            if (obj.metadata) delete obj.metadata.resourceVersion;
            return admitCreate(ctx, r, obj);
          }
        : undefined,
    },
  );
  respondObject(ctx, r, created ? 201 : 200, object);
}

const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];

export async function handlePatch(ctx: HandlerContext, r: ApiRequest): Promise<void> {
  const name = requireName(r);
  const ns = scopeNamespace(r);
  const contentType = mediaType(r.req.headers['content-type']);
  if (!PATCH_TYPES.includes(contentType)) {
    throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(', ')}`);
  }
  const isApply = contentType === 'application/apply-patch+yaml';
  if (isApply && !r.fieldManager) throw badRequest('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
  if (!isApply && r.force) throw badRequest('PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch');
  const body = await readBody(r.req);
  const manager = r.fieldManager ?? defaultFieldManager(r.req);
  const { object, created } = await storeOf(r).update(
    ns,
    name,
    async (current) => {
      const servedCurrent = toServed(r.served, current);
      const patched = ctx.patch(r.served, servedCurrent, body, contentType, { manager, force: r.force, subresource: r.info.subresource });
      checkFields(ctx, r, patched);
      const pmd = meta(patched);
      // A patch that sets another resourceVersion is a precondition (409 when stale); one that
      // leaves it alone applies to the latest object and is retried on a lost race, as upstream.
      if (pmd.resourceVersion === current.metadata?.resourceVersion) delete pmd.resourceVersion;
      return admitUpdate(ctx, r, patched, current);
    },
    {
      dryRun: r.dryRun,
      allowCreate:
        isApply && !r.info.subresource
          ? async () => {
              const obj = ctx.patch(r.served, undefined, body, contentType, { manager, force: r.force, subresource: undefined });
              const md = meta(obj);
              if (md.name !== undefined && md.name !== name) throw badRequest(`the name of the object (${md.name}) does not match the name on the URL (${name})`);
              md.name = name;
              checkFields(ctx, r, obj);
              return admitCreate(ctx, r, obj);
            }
          : undefined,
    },
  );
  respondObject(ctx, r, created ? 201 : 200, object);
}

/** DeleteOptions from the body (kubectl sends them there) and the query. */
export async function deleteOptions(r: ApiRequest): Promise<DeleteOptions> {
  const body = await readBody(r.req);
  const opts: DeleteOptions = { dryRun: r.dryRun };
  if (body.length && body.toString('utf8').trim()) {
    const o = decodeObjectBody(body, r.req.headers['content-type'] || 'application/json') as Record<string, unknown>;
    if (o.gracePeriodSeconds !== undefined) opts.gracePeriodSeconds = Number(o.gracePeriodSeconds);
    if (typeof o.propagationPolicy === 'string') opts.propagationPolicy = o.propagationPolicy as DeleteOptions['propagationPolicy'];
    if (o.orphanDependents === true) opts.propagationPolicy = 'Orphan';
    if (isPlainObject(o.preconditions)) opts.preconditions = o.preconditions as DeleteOptions['preconditions'];
    if (Array.isArray(o.dryRun) && o.dryRun.includes('All')) opts.dryRun = true;
  }
  const grace = intParam(r.url, 'gracePeriodSeconds');
  if (grace !== undefined) opts.gracePeriodSeconds = grace;
  const pp = r.url.searchParams.get('propagationPolicy');
  if (pp) opts.propagationPolicy = pp as DeleteOptions['propagationPolicy'];
  if (r.url.searchParams.get('orphanDependents') === 'true') opts.propagationPolicy = 'Orphan';
  if (opts.propagationPolicy && !['Orphan', 'Background', 'Foreground'].includes(opts.propagationPolicy)) {
    throw badRequest(`DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${opts.propagationPolicy}": supported values: "Foreground", "Background", "Orphan", "nil"`);
  }
  if (opts.gracePeriodSeconds !== undefined && !(Number.isInteger(opts.gracePeriodSeconds) && opts.gracePeriodSeconds >= 0)) {
    throw badRequest(`DeleteOptions.meta.k8s.io "" is invalid: gracePeriodSeconds: Invalid value: ${opts.gracePeriodSeconds}: must be greater than or equal to 0`);
  }
  return opts;
}

/** Resources whose DELETE answers with the object rather than a Status, as upstream's ReturnDeletedObject. */
const RETURNS_DELETED_OBJECT = new Set(['pods', 'namespaces', 'services', 'customresourcedefinitions', 'persistentvolumeclaims', 'persistentvolumes']);

export async function handleDelete(ctx: HandlerContext, r: ApiRequest): Promise<void> {
  const name = requireName(r);
  const ns = scopeNamespace(r);
  const opts = await deleteOptions(r);
  const st = storeOf(r);
  const current = await st.get(ns, name);
  const a = attrs(r, 'DELETE', undefined, toServed(r.served, current), name);
  await ctx.admission.admit(a);
  await ctx.admission.validate(a);
  const { object, deleted } = await st.delete(ns, name, opts);
  if (!deleted) {
    // Still there (finalizers or a grace period): 202 Accepted with the object, as upstream.
    respondObject(ctx, r, 202, object);
    return;
  }
  if (RETURNS_DELETED_OBJECT.has(r.served.info.resource) || r.served.custom) {
    respondObject(ctx, r, 200, object);
    return;
  }
  writeJSON(r.res, 200, successStatus({ name, group: r.served.info.group || undefined, kind: r.served.info.resource, uid: object.metadata?.uid }), r.negotiated.yaml);
}

export async function handleDeleteCollection(ctx: HandlerContext, r: ApiRequest): Promise<void> {
  const ns = scopeNamespace(r);
  const opts = await deleteOptions(r);
  const st = storeOf(r);
  const listed = await st.list(ns, { ...listOptions(r), limit: undefined, continue: undefined });
  const items: KubeObject[] = [];
  for (const obj of listed.items) {
    const name = obj.metadata!.name!;
    const objNs = obj.metadata!.namespace;
    const a = attrs(r, 'DELETE', undefined, toServed(r.served, obj), name);
    await ctx.admission.admit(a);
    await ctx.admission.validate(a);
    try {
      const { object } = await st.delete(objNs, name, opts);
      items.push(toServed(r.served, object));
    } catch (err) {
      if (err instanceof StatusError && err.code === 404) continue;
      throw err;
    }
  }
  writeJSON(r.res, 200, { kind: r.served.info.listKind, apiVersion: apiVersionOf(r.served.info), metadata: { resourceVersion: listed.resourceVersion }, items }, r.negotiated.yaml);
}
