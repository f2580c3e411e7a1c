/**
 * Bound service-account tokens for projected volumes, as the kubelet's token manager
 * (pkg/kubelet/token/token_manager.go): requested through the TokenRequest API
 * (`POST serviceaccounts/<sa>/token`) bound to the pod, cached, and requested anew once
 * 80% of the token's life has passed (requiresRefresh), so the file in the volume is
 * replaced before the token expires.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { SERVICEACCOUNTS } from '../../client/index.js';
import type { VolumeApiClient } from './types.js';

/** TokenRequest's default expirationSeconds. */
export const DEFAULT_TOKEN_EXPIRATION_SECONDS = 3600;

/** Tokens are renewed at least daily, however long they live (the token manager's maxTTL). */
const MAX_TTL_MS = 24 * 3600_000;

interface TokenRequest {
  apiVersion: 'authentication.k8s.io/v1';
  kind: 'TokenRequest';
  metadata?: { name?: string; namespace?: string };
  spec: { audiences?: string[]; expirationSeconds?: number; boundObjectRef?: { apiVersion: string; kind: string; name: string; uid: string } };
  status?: { token: string; expirationTimestamp: string };
}

interface Cached {
  token: string;
  issuedMs: number;
  expiresMs: number;
}

export class TokenManager {
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly client: VolumeApiClient,
    private readonly now: () => number = Date.now,
  ) {}

  /** A valid token for the pod's service account and this audience; requested when none is cached or 80% of its life has passed. */
  async token(pod: Pod, audience: string | undefined, expirationSeconds: number | undefined): Promise<string> {
    const ns = pod.metadata?.namespace ?? 'default';
    const sa = pod.spec?.serviceAccountName || pod.spec?.serviceAccount || 'default';
    const uid = pod.metadata?.uid ?? '';
    const exp = expirationSeconds ?? DEFAULT_TOKEN_EXPIRATION_SECONDS;
    const key = `${uid}/${sa}/${audience ?? ''}/${exp}`;
    const hit = this.cache.get(key);
    const now = this.now();
    if (hit && now < hit.issuedMs + Math.min(0.8 * (hit.expiresMs - hit.issuedMs), MAX_TTL_MS)) return hit.token;
    const req: TokenRequest = {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: { name: sa, namespace: ns },
      spec: {
        ...(audience ? { audiences: [audience] } : {}),
        expirationSeconds: exp,
        boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata?.name ?? '', uid },
      },
    };
    const res = await this.client.create<TokenRequest>(SERVICEACCOUNTS, req, { namespace: ns, subresource: 'token' });
    const token = res.status?.token;
    if (!token) throw new Error(`TokenRequest for ${ns}/${sa} returned no token`);
    // The server may grant a different lifetime (extended tokens): 80% of what was granted.
    const granted = Date.parse(res.status?.expirationTimestamp ?? '');
    const expiresMs = Number.isFinite(granted) ? granted : now + exp * 1000;
    this.cache.set(key, { token, issuedMs: now, expiresMs });
    return token;
  }

  /** Forgets the pod's tokens. */
  forgetPod(uid: string): void {
    for (const k of this.cache.keys()) if (k.startsWith(`${uid}/`)) this.cache.delete(k);
  }
}
