// metadata.managedFields bookkeeping and server-side apply (KEP-555), following
// k8s.io/apiserver/pkg/endpoints/handlers/fieldmanager and structured-merge-diff merge.Updater.
import { FieldSet, fieldElement, mergeInPlace, pathToString, subtractInPlace, type FieldPath } from './fieldpath.js';
import { PatchError } from './errors.js';
import { copyJson, isJsonObject, jsonClone, jsonEqual, setKey, type JsonObject, type JsonValue } from './json.js';
import { builtinFieldTypes } from './builtin-schema.js';
import type { FieldTypeLookup } from './schema.js';
import { TypedWalker } from './typed.js';
import { createdFields } from './created-fields.js';
import { isEncodedForm, ownsAnyOf, preferShared, withMembers } from './stored-fields.js';

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: JsonObject;
  subresource?: string;
}

/** A field another manager owns with a different value than the one applied. */
export interface ApplyConflict {
  manager: string;
  /** The owner's operation and apiVersion, for the message ("... using apps/v1"). */
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource?: string;
  /** e.g. '.spec.replicas', '.spec.template.spec.containers[name="nginx"].image' */
  field: string;
}

export interface StatusCause {
  type: 'FieldManagerConflict';
  message: string;
  field: string;
}

interface Owner {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource?: string;
  time?: string;
  /**
   * The owner's fields, decoded on first use (setOf). Until then `stored` holds the entry's
   * FieldsV1 as given: an owner a write leaves alone is never decoded, and its tree is
   * reused as is when it is already in encoded form.
   */
  set?: FieldSet;
  stored?: JsonValue;
  /** `stored` is known to be in encoded form (made so here), no need to check it. */
  encoded?: boolean;
}

function setOf(o: Owner): FieldSet {
  if (!o.set) {
    o.set = FieldSet.fromFieldsV1(o.stored);
    o.set.member = false; // the root is no field; set operations drop it
    o.stored = undefined;
  }
  return o.set;
}

/** Fields nobody owns (fieldmanager/internal/stripmeta.go). */
const STRIPPED: FieldPath[] = [
  ['f:apiVersion'],
  ['f:kind'],
  ['f:metadata'],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map(
    (f) => ['f:metadata', fieldElement(f)],
  ),
];

const STRIPPED_SET = FieldSet.fromPaths(STRIPPED);

function strip(set: FieldSet): FieldSet {
  return set.difference(STRIPPED_SET);
}

/**
 * Non-pointer structs a Go zero object already has, so creating an object does not "add" them
 * (they get no `.` in managedFields upstream): metadata, spec, status, pod templates, strategies.
 */
const POD_TEMPLATE_ZERO: JsonObject = { metadata: {}, spec: {} };
const ZERO_OBJECT: JsonObject = {
  metadata: {},
  spec: {
    template: POD_TEMPLATE_ZERO,
    strategy: {},
    updateStrategy: {},
    jobTemplate: { metadata: {}, spec: { template: POD_TEMPLATE_ZERO } },
  },
  status: {},
};

function ownerKey(o: { manager: string; operation: string; subresource?: string; apiVersion: string }): string {
  // Appliers are one entry whatever version they used; updaters one per version (BuildManagerIdentifier).
  return JSON.stringify([o.manager, o.operation, o.subresource ?? '', o.operation === 'Apply' ? '' : o.apiVersion]);
}

function decodeManagedFields(obj: JsonObject | undefined): Map<string, Owner> {
  const owners = new Map<string, Owner>();
  const meta = obj?.metadata;
  const list = isJsonObject(meta) ? meta.managedFields : undefined;
  if (!Array.isArray(list)) return owners;
  for (const e of list) {
    if (!isJsonObject(e) || typeof e.manager !== 'string') continue;
    const operation = e.operation === 'Apply' ? 'Apply' : 'Update';
    const o: Owner = { manager: e.manager, operation, apiVersion: typeof e.apiVersion === 'string' ? e.apiVersion : '', stored: e.fieldsV1 };
    if (typeof e.subresource === 'string' && e.subresource) o.subresource = e.subresource;
    if (typeof e.time === 'string') o.time = e.time;
    const k = ownerKey(o);
    const prev = owners.get(k);
    if (prev) prev.set = setOf(prev).union(setOf(o));
    else owners.set(k, o);
  }
  return owners;
}

/** The owner's FieldsV1: its stored tree when that is in encoded form; undefined when it owns nothing. */
function fieldsV1Of(o: Owner): JsonObject | undefined {
  if (!o.set && (o.encoded === true || isEncodedForm(o.stored))) return o.stored as JsonObject;
  const set = setOf(o);
  return set.isEmpty() ? undefined : set.toFieldsV1();
}

/** Entries sorted as upstream: operation, time, manager, apiVersion, subresource. */
function encodeManagedFields(owners: Map<string, Owner>): JsonObject[] {
  const fields = new Map<Owner, JsonObject>();
  for (const o of owners.values()) {
    const f = fieldsV1Of(o);
    if (f) fields.set(o, f);
  }
  const list = [...fields.keys()];
  const seconds = (t?: string): number => (t ? Math.floor(Date.parse(t) / 1000) : 0);
  list.sort(
    (p, q) =>
      cmp(p.operation, q.operation) ||
      seconds(p.time) - seconds(q.time) ||
      cmp(p.manager, q.manager) ||
      cmp(p.apiVersion, q.apiVersion) ||
      cmp(p.subresource ?? '', q.subresource ?? ''),
  );
  return list.map((o) => {
    const e: JsonObject = { manager: o.manager, operation: o.operation, apiVersion: o.apiVersion };
    if (o.time) e.time = o.time;
    e.fieldsType = 'FieldsV1';
    e.fieldsV1 = fields.get(o)!;
    if (o.subresource) e.subresource = o.subresource;
    return e;
  });
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

let lastTime = { second: NaN, text: '' };

/** metav1.Time: RFC 3339, whole seconds, UTC. */
export function formatTime(d: Date): string {
  const second = Math.floor(d.getTime() / 1000);
  // Writes come many a second: the last one's text is reused (an invalid date still throws).
  if (second !== lastTime.second) lastTime = { second, text: d.toISOString().replace(/\.\d{3}Z$/, 'Z') };
  return lastTime.text;
}

/** `obj` as the field walk sees it: metadata.managedFields left out (shallow copies only). */
function withoutManagedFields(obj: JsonObject): JsonObject {
  if (!isJsonObject(obj.metadata) || !Object.prototype.hasOwnProperty.call(obj.metadata, 'managedFields')) return obj;
  const metadata = { ...obj.metadata };
  delete metadata.managedFields;
  return { ...obj, metadata };
}

/**
 * A deep copy of `obj` whose metadata.managedFields, which the caller replaces, is not copied:
 * the key stays where it was (as null) so the encoded object keeps its key order.
 */
function copyForManagedFields(obj: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    if (k === 'metadata' && isJsonObject(v)) {
      const meta: JsonObject = {};
      for (const mk of Object.keys(v)) setKey(meta, mk, mk === 'managedFields' ? null : copyJson(v[mk]));
      out.metadata = meta;
    } else setKey(out, k, copyJson(v));
  }
  return out;
}

function setManagedFields(obj: JsonObject, entries: JsonObject[]): JsonObject {
  const meta = isJsonObject(obj.metadata) ? obj.metadata : (obj.metadata = {});
  if (entries.length > 0) meta.managedFields = entries;
  else delete meta.managedFields;
  return obj;
}

function typesFor(obj: JsonObject, given: FieldTypeLookup | undefined): FieldTypeLookup {
  if (given) return given;
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  return builtinFieldTypes(apiVersion, kind);
}

/**
 * Other managers lose what this change modified, added or removed (merge.Updater.update).
 * Their sets are decoded for this call only, so they are cut down in place; one that owns
 * none of those fields is left as it is (not decoded).
 */
function takeOwnership(owners: Map<string, Owner>, selfKey: string, changed: FieldSet, removed: FieldSet): void {
  for (const [k, o] of owners) {
    if (k === selfKey) continue;
    if (!o.set && !ownsAnyOf(o.stored, changed) && !ownsAnyOf(o.stored, removed)) continue;
    const set = setOf(o);
    subtractInPlace(set, changed);
    subtractInPlace(set, removed);
    if (set.isEmpty()) owners.delete(k);
  }
}

function conflictsOf(owners: Map<string, Owner>, selfKey: string, changed: FieldSet): ApplyConflict[] {
  const out: ApplyConflict[] = [];
  const sorted = [...owners.entries()].filter(([k]) => k !== selfKey).sort(([a], [b]) => cmp(a, b));
  for (const [, o] of sorted) {
    for (const p of setOf(o).intersection(changed).paths()) {
      const c: ApplyConflict = { manager: o.manager, operation: o.operation, apiVersion: o.apiVersion, field: pathToString(p) };
      if (o.subresource) c.subresource = o.subresource;
      out.push(c);
    }
  }
  return out;
}

export interface RecordUpdateOptions {
  /** The stored object before the write; undefined for a create. */
  before: JsonObject | undefined;
  /** The object about to be stored (after defaulting); its managedFields, if the client changed them, are taken as given. */
  after: JsonObject;
  /** fieldManager query parameter, or upstream's default derived from the User-Agent (e.g. 'kubectl-edit'). */
  manager: string;
  operation?: 'Update';
  apiVersion: string;
  subresource?: string;
  fieldTypes?: FieldTypeLookup;
  now?: Date;
}

/**
 * Updates metadata.managedFields for an ordinary create/update/patch (operation Update): the
 * manager gains every field the write added or changed, other managers lose them.
 * Returns a new object; `after` is not modified. The FieldsV1 trees of entries the write
 * leaves alone are taken from the input as they are (not copied).
 */
export function recordUpdate(opts: RecordUpdateOptions): JsonObject {
  return setManagedFields(copyForManagedFields(opts.after), updatedManagedFields(opts));
}

/**
 * The metadata.managedFields recordUpdate gives `after` (empty: none), for a caller that
 * writes them into `after` itself and needs no copy of the rest.
 */
export function updatedManagedFields(opts: RecordUpdateOptions): JsonObject[] {
  const afterMF = isJsonObject(opts.after.metadata) ? opts.after.metadata.managedFields : undefined;
  // A client that sends `managedFields: []` resets them (fieldmanager isResetManagedFields).
  if (Array.isArray(afterMF) && afterMF.length === 0) return [];
  // managedFields the client changed are taken as given; unchanged ones decode the same from
  // either object, so there is no need to compare them.
  const owners = decodeManagedFields(afterMF !== undefined ? opts.after : opts.before);
  if (afterMF !== undefined && opts.before) shareStoredTrees(owners, decodeManagedFields(opts.before));
  const walker = new TypedWalker(typesFor(opts.after, opts.fieldTypes));
  if (!opts.before && owners.size === 0) {
    const created = createdEntry(opts, walker);
    if (created !== null) return created;
  }
  const { changed, removed } = walker.diff(
    opts.before ? withoutManagedFields(opts.before) : undefined,
    withoutManagedFields(opts.after),
    opts.before ? undefined : ZERO_OBJECT,
  );
  const self: Owner = { manager: opts.manager, operation: 'Update', apiVersion: opts.apiVersion };
  if (opts.subresource) self.subresource = opts.subresource;
  const selfKey = ownerKey(self);
  const existing = owners.get(selfKey);
  const touched = !changed.isEmpty() || !removed.isEmpty();
  takeOwnership(owners, selfKey, changed, removed);
  if (existing && keepsFieldsOf(existing, removed)) {
    // Its tree as stored, grown by the changed fields it did not own yet (none, mostly: then the same tree).
    self.stored = withMembers(existing.stored, changed, STRIPPED_SET);
    self.encoded = true;
  } else {
    // The manager's set: what it had, less what was removed, plus what changed (then stripped).
    const set = existing ? setOf(existing) : new FieldSet();
    subtractInPlace(set, removed);
    mergeInPlace(set, changed);
    subtractInPlace(set, STRIPPED_SET);
    self.set = set;
  }
  if (self.set?.isEmpty() !== true) {
    self.time = touched || !existing?.time ? formatTime(opts.now ?? new Date()) : existing.time;
    owners.set(selfKey, self);
  } else owners.delete(selfKey);
  return encodeManagedFields(owners);
}

/**
 * A create whose body carries no managedFields: its manager owns every field it set (less
 * the stripped ones), the tree made in one walk (created-fields.ts). null: take the general path.
 */
function createdEntry(opts: RecordUpdateOptions, walker: TypedWalker): JsonObject[] | null {
  const fields = createdFields(withoutManagedFields(opts.after), walker, ZERO_OBJECT, STRIPPED_SET);
  if (fields === null) return null;
  if (fields === undefined) return [];
  const self: Owner = { manager: opts.manager, operation: 'Update', apiVersion: opts.apiVersion, time: formatTime(opts.now ?? new Date()), stored: fields, encoded: true };
  if (opts.subresource) self.subresource = opts.subresource;
  return encodeManagedFields(new Map([[ownerKey(self), self]]));
}

/**
 * A client sends back the managedFields it read: where an owner's tree equals the stored
 * object's (the watch cache's, frozen and interned), that one is used, so an unchanged entry
 * needs no check of its form and the stored result shares the cached tree.
 */
function shareStoredTrees(owners: Map<string, Owner>, previous: Map<string, Owner>): void {
  for (const [k, o] of owners) {
    const p = previous.get(k);
    if (!o.set && p && !p.set) o.stored = preferShared(o.stored, p.stored);
  }
}

/**
 * Whether the updater's set can be worked on as its stored tree: in encoded form, none of
 * the fields the write removed, nothing stripped. Then the set after the write is that tree
 * plus the changed fields (but those nobody owns), made without decoding it.
 */
function keepsFieldsOf(o: Owner, removed: FieldSet): o is Owner & { stored: JsonObject } {
  return !o.set && isEncodedForm(o.stored) && !ownsAnyOf(o.stored, removed) && !ownsAnyOf(o.stored, STRIPPED_SET);
}

export interface ServerSideApplyOptions {
  /** The stored object; undefined when the apply creates it. */
  live: JsonObject | undefined;
  /** The applied configuration (the decoded YAML body). */
  applied: JsonObject;
  /** fieldManager query parameter (required for apply upstream). */
  manager: string;
  force: boolean;
  /** List/map types by field path; defaults to the built-in table for the object's kind. */
  listTypes?: FieldTypeLookup;
  /** Version the manager applies with; defaults to applied.apiVersion. */
  apiVersion?: string;
  subresource?: string;
  now?: Date;
}

export interface ServerSideApplyResult {
  /** The merged object with managedFields updated; the live object unchanged when there are conflicts. */
  object: JsonObject;
  /** Non-empty when the apply was refused (answer 409 with applyConflictStatus). */
  conflicts: ApplyConflict[];
}

/**
 * Server-side apply (`application/apply-patch+yaml`): merge the applied configuration into the
 * live object, record the manager as owner of exactly the fields it applied, remove fields it
 * applied before and no longer applies unless someone else owns them, and report conflicts
 * with other owners of changed fields unless `force`.
 */
export function serverSideApply(opts: ServerSideApplyOptions): ServerSideApplyResult {
  const appliedMeta = opts.applied.metadata;
  if (isJsonObject(appliedMeta) && appliedMeta.managedFields !== undefined && appliedMeta.managedFields !== null) {
    throw new PatchError('metadata.managedFields must be nil', 400);
  }
  const apiVersion = opts.apiVersion ?? (typeof opts.applied.apiVersion === 'string' ? opts.applied.apiVersion : '');
  const walker = new TypedWalker(typesFor(opts.applied, opts.listTypes));
  const live = opts.live ? withoutManagedFields(opts.live) : {};
  const applied = withoutManagedFields(opts.applied);
  const owners = decodeManagedFields(opts.live);

  // An object that predates managed fields is owned by "before-first-apply" (fieldmanager/internal/skipnonapplied).
  if (opts.live && owners.size === 0) {
    const liveVersion = typeof live.apiVersion === 'string' ? live.apiVersion : apiVersion;
    const set = strip(walker.diff(undefined, live, ZERO_OBJECT).changed);
    if (!set.isEmpty()) {
      const o: Owner = { manager: 'before-first-apply', operation: 'Update', apiVersion: liveVersion, set };
      owners.set(ownerKey(o), o);
    }
  }

  const self: Owner = { manager: opts.manager, operation: 'Apply', apiVersion, set: strip(walker.toFieldSet(applied)) };
  if (opts.subresource) self.subresource = opts.subresource;
  const selfKey = ownerKey(self);
  const last = owners.get(selfKey);
  owners.set(selfKey, self);

  let merged = walker.merge(live, applied) as JsonObject;
  if (last && !setOf(last).isEmpty()) merged = prune(walker, merged, setOf(last), owners);

  const { changed, removed } = walker.diff(live, merged);
  const conflicts = conflictsOf(owners, selfKey, changed);
  if (conflicts.length > 0 && !opts.force) {
    return { object: opts.live ? jsonClone(opts.live) : {}, conflicts };
  }
  takeOwnership(owners, selfKey, changed, removed);
  const objectChanged = !jsonEqual(live, merged);
  self.time = objectChanged || !last?.time || !setOf(last).equals(self.set!) ? formatTime(opts.now ?? new Date()) : last.time;
  return { object: setManagedFields(merged, encodeManagedFields(owners)), conflicts: [] };
}

/**
 * Fields the manager applied last time and not now are removed when no manager (including its
 * new apply) still owns them (merge.Updater.prune). A struct field nobody owns anything under
 * any more goes as a whole (EnsureNamedFieldsAreMembers).
 */
function prune(walker: TypedWalker, merged: JsonObject, lastSet: FieldSet, owners: Map<string, Owner>): JsonObject {
  let managed = new FieldSet();
  for (const o of owners.values()) managed = managed.union(setOf(o));
  const present = walker.toFieldSet(merged);
  const remove = new FieldSet();
  // Walks lastSet with the matching nodes of managed and present alongside (undefined once absent).
  const visit = (node: FieldSet, ownedParent: FieldSet | undefined, presentParent: FieldSet | undefined, path: FieldPath): void => {
    for (const [pe, child] of node.children) {
      const ownedNode = ownedParent?.children.get(pe);
      const presentNode = presentParent?.children.get(pe);
      const namedField = pe.startsWith('f:') && child.children.size > 0;
      if (child.member || namedField) {
        const owned = ownedNode?.member === true || (namedField && ownedNode !== undefined && !ownedNode.isEmpty());
        const exists = presentNode !== undefined;
        if (!owned && exists && !(path.length === 0 && STRIPPED.some((s) => s.length === 1 && s[0] === pe))) {
          remove.insert([...path, pe]);
          continue;
        }
      }
      path.push(pe);
      visit(child, ownedNode, presentNode, path);
      path.pop();
    }
  };
  visit(lastSet, managed, present, []);
  return remove.isEmpty() ? merged : walker.removeItems(merged, remove);
}

function printManager(c: ApplyConflict): string {
  let s = JSON.stringify(c.manager);
  if (c.subresource) s += ` with subresource ${JSON.stringify(c.subresource)}`;
  if (c.operation === 'Update') s += ` using ${c.apiVersion}`;
  return s;
}

/**
 * The 409 Status upstream answers a conflicting apply with (fieldmanager NewConflictError):
 * reason Conflict, this message, and one FieldManagerConflict cause per field.
 */
export function applyConflictStatus(conflicts: ApplyConflict[]): { message: string; causes: StatusCause[] } {
  const causes: StatusCause[] = conflicts.map((c) => ({
    type: 'FieldManagerConflict',
    message: `conflict with ${printManager(c)}`,
    field: c.field,
  }));
  if (conflicts.length === 1) {
    return { message: `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0])}: ${conflicts[0].field}`, causes };
  }
  const byManager = new Map<string, { label: string; fields: string[] }>();
  for (const c of conflicts) {
    const id = ownerKey(c);
    const e = byManager.get(id) ?? { label: printManager(c), fields: [] };
    e.fields.push(c.field);
    byManager.set(id, e);
  }
  const lines: string[] = [];
  for (const { label, fields } of [...byManager.values()].sort((a, b) => cmp(a.label, b.label))) {
    lines.push(`conflicts with ${label}:`);
    for (const f of fields) lines.push(`- ${f}`);
  }
  return { message: `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`, causes };
}

