export type PatchErrorStatus = 400 | 409 | 413 | 415 | 422 | 500;

/**
 * A patch that cannot be applied. `status` is the HTTP code kube-apiserver answers with for
 * the same failure (endpoints/handlers/patch.go): 400 for malformed patches, 422 for patches
 * that do not apply to the object, 500 for internal merge errors that upstream passes through.
 */
export class PatchError extends Error {
  readonly status: PatchErrorStatus;
  constructor(message: string, status: PatchErrorStatus = 422) {
    super(message);
    this.name = 'PatchError';
    this.status = status;
  }
}
