/**
 * Server-side Table printing for `kubectl get` (Accept: application/json;as=Table;v=v1;g=meta.k8s.io).
 * The API server calls printTable for built-in resources and printCustomResourceTable for custom
 * resources, from list, get and each watch event.
 */
export { printTable, printDefaultTable, printerFor } from './builtin.js';
export { printCustomResourceTable, DEFAULT_CUSTOM_COLUMNS } from './custom.js';
export { parseIncludeObject } from './table.js';
export type {
  Cell,
  IncludeObject,
  PartialObjectMetadata,
  PrintOptions,
  Table,
  TableColumnDefinition,
  TableGroupVersion,
  TableRow,
  TableRowCondition,
} from './table.js';
export { humanDuration, shortHumanDuration, translateTimestampSince } from './duration.js';
export { compileJsonPath, JsonPathError } from './jsonpath.js';
export type { JsonPath } from './jsonpath.js';
