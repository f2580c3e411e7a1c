/**
 * One resource's printer: its column definitions (all of them — kube-apiserver always prints
 * wide and lets kubectl drop priority > 0 columns) and a function from object to cells.
 */
import type { Cell, TableColumnDefinition, TableRowCondition } from './table.js';
import { column } from './table.js';

export interface PrintContext {
  now: Date;
}

export interface Printer<T = unknown> {
  columns: readonly TableColumnDefinition[];
  cells(obj: T, ctx: PrintContext): Cell[];
  /** Row conditions (pods report Completed for Succeeded/Failed). */
  conditions?(obj: T): TableRowCondition[] | undefined;
}

/** metav1.ObjectMeta swagger docs, used by every Name / Age column upstream. */
export const NAME_DESCRIPTION =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
export const CREATION_TIMESTAMP_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

export const nameColumn = (): TableColumnDefinition => column('Name', 'string', NAME_DESCRIPTION, { format: 'name' });
export const ageColumn = (): TableColumnDefinition => column('Age', 'string', CREATION_TIMESTAMP_DESCRIPTION);
export const wide = { priority: 1 } as const;

/** Typed constructor so each printer's `cells` sees its own object type. */
export function printer<T>(p: Printer<T>): Printer<unknown> {
  return p as Printer<unknown>;
}
