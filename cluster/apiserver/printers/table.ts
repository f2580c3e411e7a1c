/**
 * The meta.k8s.io Table shape and its assembly, following kube-apiserver:
 * - the TableConvertor fills columnDefinitions unless TableOptions.noHeaders (the watch encoder sets
 *   that after the first event, so later watch events carry `columnDefinitions: null`);
 * - `handlers/response.go asTable` then replaces each row's object per `includeObject`:
 *   Object → the full object, Metadata (the default) → PartialObjectMetadata, None → no object.
 * Server-side printing always generates the wide cells; kubectl hides priority > 0 columns itself.
 */
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import { badRequest } from '../../api/status.js';

export type ColumnType = 'string' | 'integer' | 'number' | 'boolean' | 'date' | (string & {});

export interface TableColumnDefinition {
  name: string;
  type: ColumnType;
  format: string;
  description: string;
  priority: number;
}

/** A cell is whatever JSON scalar the column type implies; null when a custom column found nothing. */
export type Cell = string | number | boolean | null | Readonly<Record<string, unknown>> | readonly unknown[];

export interface TableRowCondition {
  type: 'Completed';
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

export interface PartialObjectMetadata {
  kind: 'PartialObjectMetadata';
  apiVersion: TableGroupVersion;
  metadata: ObjectMeta;
}

export interface TableRow {
  cells: Cell[];
  conditions?: TableRowCondition[];
  object?: object;
}

export type TableGroupVersion = 'meta.k8s.io/v1' | 'meta.k8s.io/v1beta1';

export interface Table {
  kind: 'Table';
  apiVersion: TableGroupVersion;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  /** null when headers are suppressed (watch events after the first), as Go encodes a nil slice. */
  columnDefinitions: TableColumnDefinition[] | null;
  rows: TableRow[];
}

export type IncludeObject = 'Object' | 'Metadata' | 'None';

export interface PrintOptions {
  /** From the `includeObject` query parameter; upstream treats absent as Metadata. */
  includeObject: IncludeObject;
  /** false for watch events after the first (TableOptions.noHeaders). */
  withColumns: boolean;
  /** Clock for AGE and other relative times; defaults to the current time. */
  now?: Date;
  /** List RV for list calls, the object's RV for get and for each watch event. */
  resourceVersion?: string;
  continueToken?: string;
  remainingItemCount?: number;
  /** Which Table version the Accept header negotiated; v1 unless the client asked for v1beta1 only. */
  groupVersion?: TableGroupVersion;
}

/** A row before includeObject is applied: the printed cells plus the source object. */
export interface PrintedRow {
  cells: Cell[];
  conditions?: TableRowCondition[];
  object: object;
}

/** Fills in the defaults every column definition carries on the wire (format "", priority 0). */
export function column(name: string, type: ColumnType, description: string, extra?: { format?: string; priority?: number }): TableColumnDefinition {
  return { name, type, format: extra?.format ?? '', description, priority: extra?.priority ?? 0 };
}

export function assembleTable(columns: readonly TableColumnDefinition[], rows: readonly PrintedRow[], opts: PrintOptions): Table {
  const groupVersion = opts.groupVersion ?? 'meta.k8s.io/v1';
  const metadata: Table['metadata'] = {};
  if (opts.resourceVersion) metadata.resourceVersion = opts.resourceVersion;
  if (opts.continueToken) metadata.continue = opts.continueToken;
  if (opts.remainingItemCount !== undefined) metadata.remainingItemCount = opts.remainingItemCount;
  return {
    kind: 'Table',
    apiVersion: groupVersion,
    metadata,
    columnDefinitions: opts.withColumns ? columns.map((c) => ({ ...c })) : null,
    rows: rows.map((r) => {
      const row: TableRow = { cells: r.cells };
      if (r.conditions && r.conditions.length > 0) row.conditions = r.conditions;
      const embedded = embedObject(r.object, opts.includeObject, groupVersion);
      if (embedded) row.object = embedded;
      return row;
    }),
  };
}

function embedObject(obj: object, include: IncludeObject, groupVersion: TableGroupVersion): object | undefined {
  switch (include) {
    case 'Object':
      return obj;
    case 'None':
      return undefined;
    case 'Metadata':
    default: {
      const partial: PartialObjectMetadata = {
        kind: 'PartialObjectMetadata',
        apiVersion: groupVersion,
        metadata: metaOf(obj),
      };
      return partial;
    }
  }
}

export function metaOf(obj: object): ObjectMeta {
  const m = (obj as { metadata?: ObjectMeta }).metadata;
  return m ?? {};
}

/**
 * The `includeObject` query parameter as metav1.TableOptions validation accepts it
 * (empty means Metadata); anything else is a 400 like ValidateTableOptions returns.
 */
export function parseIncludeObject(value: string | null | undefined): IncludeObject {
  switch (value ?? '') {
    case '':
    case 'Metadata':
      return 'Metadata';
    case 'Object':
      return 'Object';
    case 'None':
      return 'None';
    default:
      throw badRequest(
        `Unable to convert to Table as requested: includeObject: Unsupported value: "${value}": supported values: "Metadata", "None", "Object"`,
      );
  }
}
