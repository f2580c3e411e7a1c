/**
 * Resources that are answered, never stored: access reviews (`kubectl auth can-i`,
 * `--list`), token and self-subject reviews (`kubectl auth whoami`), TokenRequest
 * (serviceaccounts/token), the legacy `bindings` collection and componentstatuses.
 */
import type { Authenticator } from '../auth/authn.js';
import { selfSubjectRulesReviewStatus, subjectAccessReviewStatus, userFromSubjectAccessReviewSpec, type RbacAuthorizer } from '../auth/rbac/index.js';
import { badRequest, invalid } from '../../api/status.js';
import { decodeObjectBody, readBody } from '../http/body.js';
import { writeJSON } from '../http/respond.js';
import { nowRFC3339, type KubeObject } from '../storage/object.js';
import type { VirtualHandler } from './router.js';
import { decodeForResource } from './rest.js';
import { handleBinding } from './subresources.js';
import type { ApiRequest } from './request.js';

type Spec = Record<string, unknown>;

async function decodeCreate(r: ApiRequest, kind: string, apiVersion: string): Promise<KubeObject> {
  if (r.info.verb !== 'create') throw badRequest(`${r.served.info.resource} only supports create`);
  return decodeForResource(r, await readBody(r.req), kind, apiVersion);
}

function reply(r: ApiRequest, obj: KubeObject): void {
  writeJSON(r.res, 201, obj, r.negotiated.yaml);
}

export interface ReviewDeps {
  authorizer: RbacAuthorizer;
  authenticator: Authenticator;
  /** Checks the store answers; componentstatuses reports it as etcd-0. */
  storeHealthy: () => Promise<boolean>;
}

export function reviewHandlers(deps: ReviewDeps): Map<string, VirtualHandler> {
  const h = new Map<string, VirtualHandler>();

  h.set('authorization.k8s.io/selfsubjectaccessreviews', async (_ctx, r) => {
    const o = await decodeCreate(r, 'SelfSubjectAccessReview', 'authorization.k8s.io/v1');
    const spec = (o.spec ?? {}) as Spec;
    o.status = subjectAccessReviewStatus(deps.authorizer, r.user, spec as never);
    reply(r, o);
  });

  h.set('authorization.k8s.io/subjectaccessreviews', async (_ctx, r) => {
    const o = await decodeCreate(r, 'SubjectAccessReview', 'authorization.k8s.io/v1');
    const spec = (o.spec ?? {}) as Spec;
    if (!spec.user && !(spec.groups as unknown[] | undefined)?.length) {
      throw invalid('authorization.k8s.io', 'SubjectAccessReview', '', [{ type: 'FieldValueInvalid', field: 'spec.user', message: 'Invalid value: "": at least one of user or group must be specified' }]);
    }
    o.status = subjectAccessReviewStatus(deps.authorizer, userFromSubjectAccessReviewSpec(spec as never), spec as never);
    reply(r, o);
  });

  h.set('authorization.k8s.io/localsubjectaccessreviews', async (_ctx, r) => {
    const o = await decodeCreate(r, 'LocalSubjectAccessReview', 'authorization.k8s.io/v1');
    const spec = (o.spec ?? {}) as Spec;
    const ra = spec.resourceAttributes as { namespace?: string } | undefined;
    if (!ra || ra.namespace !== r.info.namespace) {
      throw invalid('authorization.k8s.io', 'LocalSubjectAccessReview', '', [{ type: 'FieldValueInvalid', field: 'spec.resourceAttributes.namespace', message: `Invalid value: "${ra?.namespace ?? ''}": must match metadata.namespace` }]);
    }
    o.status = subjectAccessReviewStatus(deps.authorizer, userFromSubjectAccessReviewSpec(spec as never), spec as never);
    reply(r, o);
  });

  h.set('authorization.k8s.io/selfsubjectrulesreviews', async (_ctx, r) => {
    const o = await decodeCreate(r, 'SelfSubjectRulesReview', 'authorization.k8s.io/v1');
    const ns = ((o.spec ?? {}) as { namespace?: string }).namespace ?? '';
    o.status = selfSubjectRulesReviewStatus(deps.authorizer, r.user, ns);
    reply(r, o);
  });

  h.set('authentication.k8s.io/selfsubjectreviews', async (_ctx, r) => {
    const o = await decodeCreate(r, 'SelfSubjectReview', 'authentication.k8s.io/v1');
    o.metadata = { ...o.metadata, creationTimestamp: nowRFC3339() };
    o.status = { userInfo: { username: r.user.name, ...(r.user.uid ? { uid: r.user.uid } : {}), groups: r.user.groups, ...(r.user.extra ? { extra: r.user.extra } : {}) } };
    reply(r, o);
  });

  h.set('authentication.k8s.io/tokenreviews', async (_ctx, r) => {
    const o = await decodeCreate(r, 'TokenReview', 'authentication.k8s.io/v1');
    const token = ((o.spec ?? {}) as { token?: string }).token;
    if (!token) throw invalid('authentication.k8s.io', 'TokenReview', '', [{ type: 'FieldValueRequired', field: 'spec.token', message: 'Required value' }]);
    const res = await deps.authenticator.authenticateToken(token);
    o.status = res.ok
      ? { authenticated: true, user: { username: res.user.name, ...(res.user.uid ? { uid: res.user.uid } : {}), groups: res.user.groups, ...(res.user.extra ? { extra: res.user.extra } : {}) }, audiences: deps.authenticator.serviceAccountTokens.apiAudiences }
      : { authenticated: false, user: {}, error: res.reason };
    reply(r, o);
  });

  // TokenRequest: POST serviceaccounts/{name}/token
  h.set('/serviceaccounts/token', async (ctx, r) => {
    const o = await decodeCreate(r, 'TokenRequest', 'authentication.k8s.io/v1');
    const sa = await ctx.registry.storeFor('', 'serviceaccounts')!.get(r.info.namespace, r.info.name!);
    const spec = (o.spec ?? {}) as { audiences?: string[]; expirationSeconds?: number; boundObjectRef?: { kind: 'Pod' | 'Secret' | 'Node'; name: string; uid?: string } };
    const exp = spec.expirationSeconds ?? 3600;
    if (exp < 600) throw invalid('authentication.k8s.io', 'TokenRequest', r.info.name!, [{ type: 'FieldValueInvalid', field: 'spec.expirationSeconds', message: `Invalid value: ${exp}: may not specify a duration less than 10 minutes` }]);
    const issued = deps.authenticator.issueServiceAccountToken({
      namespace: r.info.namespace!,
      name: r.info.name!,
      uid: sa.metadata!.uid!,
      audiences: spec.audiences?.length ? spec.audiences : undefined,
      expirationSeconds: exp,
      boundObject: spec.boundObjectRef ? { kind: spec.boundObjectRef.kind, name: spec.boundObjectRef.name, uid: spec.boundObjectRef.uid ?? '' } : undefined,
    });
    o.metadata = { ...o.metadata, name: r.info.name, namespace: r.info.namespace, creationTimestamp: nowRFC3339() };
    o.spec = { audiences: spec.audiences?.length ? spec.audiences : deps.authenticator.serviceAccountTokens.apiAudiences, expirationSeconds: exp, boundObjectRef: spec.boundObjectRef ?? null };
    o.status = { token: issued.token, expirationTimestamp: issued.expirationTimestamp };
    reply(r, o);
  });

  // POST /api/v1/namespaces/{ns}/bindings: the legacy form of pods/binding.
  h.set('/bindings', async (ctx, r) => {
    if (r.info.verb !== 'create') throw badRequest('bindings only supports create');
    const body = await readBody(r.req);
    const name = (decodeObjectBody(body, r.req.headers['content-type']) as { metadata?: { name?: string } }).metadata?.name;
    if (!name) throw invalid('', 'Binding', '', [{ type: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' }]);
    await handleBinding(ctx, r, name, body);
  });

  h.set('/componentstatuses', async (_ctx, r) => {
    const healthy = await deps.storeHealthy();
    const etcd = {
      kind: 'ComponentStatus',
      apiVersion: 'v1',
      metadata: { name: 'etcd-0' },
      conditions: [{ type: 'Healthy', status: healthy ? 'True' : 'False', message: healthy ? 'ok' : 'store not reachable' }],
    };
    if (r.info.name) {
      if (r.info.name !== 'etcd-0') throw badRequest(`Component not found: ${r.info.name}`);
      writeJSON(r.res, 200, etcd, r.negotiated.yaml);
      return;
    }
    writeJSON(r.res, 200, { kind: 'ComponentStatusList', apiVersion: 'v1', metadata: {}, items: [etcd] }, r.negotiated.yaml);
  });
  return h;
}
