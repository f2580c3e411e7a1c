/**
 * Admission, as the seeds' request chain has it: authentication → authorization →
 * admission (mutating, then validating) → storage. Plugins are small units in the
 * style of kube-apiserver's admission plugins.
 */
import type { UserInfo } from '../auth/user.js';
import type { ServedResource } from '../resources/registry.js';
import type { KubeObject } from '../storage/object.js';

export type { UserInfo };

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface AdmissionAttributes {
  operation: Operation;
  resource: ServedResource;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
  user: UserInfo;
  dryRun: boolean;
  /** The object being written (mutating plugins may change it). */
  object: KubeObject | undefined;
  /** The current object on update and delete. */
  oldObject: KubeObject | undefined;
}

export interface AdmissionPlugin {
  readonly name: string;
  /** Mutating phase: may change attrs.object. Throws a StatusError to reject. */
  admit?(attrs: AdmissionAttributes): void | Promise<void>;
  /** Validating phase: must not change anything. Throws a StatusError to reject. */
  validate?(attrs: AdmissionAttributes): void | Promise<void>;
}

export class AdmissionChain {
  constructor(private readonly plugins: readonly AdmissionPlugin[]) {}

  async admit(attrs: AdmissionAttributes): Promise<void> {
    for (const p of this.plugins) if (p.admit) await p.admit(attrs);
  }

  async validate(attrs: AdmissionAttributes): Promise<void> {
    for (const p of this.plugins) if (p.validate) await p.validate(attrs);
  }
}
