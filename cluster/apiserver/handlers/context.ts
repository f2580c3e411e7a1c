/**
 * Everything a request handler needs, wired once by the server: the served resources,
 * the admission chain, the per-kind strategy (defaults, preparation, validation),
 * schema checks, Table printing and managed-fields bookkeeping.
 */
import type { StatusCause } from '../../api/status.js';
import type { AdmissionChain } from '../admission/types.js';
import type { ResourceRegistry, ServedResource } from '../resources/registry.js';
import type { KubeObject } from '../storage/object.js';
import type { WatchHub } from '../storage/watch-hub.js';
import type { KubeletConnection } from '../proxy/connection.js';

export interface Strategy {
  /** Defaults for the kind (idempotent; also the read-path hook). */
  defaults(served: ServedResource, obj: KubeObject): void;
  prepareForCreate(served: ServedResource, obj: KubeObject): void;
  /** Keeps what a write to this (sub)resource may not change, bumps generation. */
  prepareForUpdate(served: ServedResource, obj: KubeObject, old: KubeObject, subresource: string | undefined): void;
  validateCreate(served: ServedResource, obj: KubeObject): StatusCause[];
  validateUpdate(served: ServedResource, obj: KubeObject, old: KubeObject): StatusCause[];
}

export type FieldValidationMode = 'Strict' | 'Warn' | 'Ignore';

export interface SchemaCheck {
  /** Type errors (causes) and unknown fields of an incoming object. */
  check(served: ServedResource, obj: KubeObject, mode: FieldValidationMode): { causes: StatusCause[]; unknownFields: string[] };
  /** Drops, in place, the fields the kind's schema does not specify (CRD pruning; Go decoding for built-in kinds). */
  prune(served: ServedResource, obj: KubeObject): void;
}

export interface TablePrinter {
  print(
    served: ServedResource,
    objects: KubeObject[],
    opts: { includeObject: 'Object' | 'Metadata' | 'None'; withColumns: boolean; resourceVersion?: string; continueToken?: string; remainingItemCount?: number },
  ): KubeObject;
}

export interface ManagedFields {
  /** Records an Update (or Create) by `manager` in metadata.managedFields. */
  recordUpdate(served: ServedResource, before: KubeObject | undefined, after: KubeObject, manager: string, subresource: string | undefined): void;
}

export interface HandlerContext {
  registry: ResourceRegistry;
  hub: WatchHub;
  admission: AdmissionChain;
  strategy: Strategy;
  schema: SchemaCheck;
  printer: TablePrinter;
  managedFields: ManagedFields;
  /** Applies a patch of the given media type to `current` (SSA included). */
  patch(served: ServedResource, current: KubeObject | undefined, patchBody: Buffer, contentType: string, opts: { manager: string; force: boolean; subresource: string | undefined }): KubeObject;
  /** How to reach kubelets (pods/log, exec, attach, portforward, nodes/proxy); without it those answer 503. */
  kubelet?: KubeletConnection;
}
