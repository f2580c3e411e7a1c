/** What the API server needs to reach kubelets (kept apart from the proxy so handlers/context.ts can name it without a cycle). */
import type { UserInfo } from '../auth/user.js';
import type { KubeletTLS } from './stream-proxy.js';

export interface KubeletConnection {
  tls: KubeletTLS;
  /** The RBAC authorizer, for the extra `create` check on WebSocket (GET) exec/attach/portforward. */
  authorize(user: UserInfo, attrs: { verb: string; apiGroup: string; resource: string; subresource: string; namespace: string; name: string }): Promise<boolean>;
}
