/** Any failure as the plain ApiError the bridge hands to the renderer (Status code, reason, field causes). */
import { StatusError } from '../api/status.js';
import type { ApiError } from './explorer-api.js';

export function toApiError(err: unknown): ApiError {
  if (err instanceof StatusError) {
    const causes = (err.details?.causes ?? []).map((c) => ({ field: c.field, reason: c.type, message: c.message }));
    return { code: err.code, reason: err.reason, message: err.message, causes };
  }
  return { code: 0, reason: 'ClientError', message: err instanceof Error ? err.message : String(err), causes: [] };
}
