/**
 * User impersonation (`kubectl --as=jane --as-group=devs`), as k8s.io/apiserver's
 * WithImpersonation filter: the requester must be allowed the `impersonate` verb on
 * `users`, `groups`, `serviceaccounts` (core group) and `uids` / `userextras/<key>`
 * (authentication.k8s.io); the request then runs as the impersonated user.
 */
import type { IncomingMessage } from 'node:http';
import { StatusError } from '../../api/status.js';
import type { RequestAttributes } from './rbac/types.js';
import { ALL_AUTHENTICATED, parseServiceAccountUsername, serviceAccountGroups, type UserInfo } from './user.js';

export type Authorize = (user: UserInfo, attrs: RequestAttributes) => { allowed: boolean } | Promise<{ allowed: boolean }>;

function headerValues(req: IncomingMessage, name: string): string[] {
  const v = req.headers[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean);
}

function denied(requester: UserInfo, what: string, value: string, group: string, resource: string): StatusError {
  return new StatusError(403, 'Forbidden', `${resource}${group ? '.' + group : ''} "${value}" is forbidden: User "${requester.name}" cannot impersonate resource "${resource}" in API group "${group}" at the cluster scope`, { name: value, group: group || undefined, kind: resource });
}

/** The user a request acts as: the authenticated one, or whom it impersonates if allowed. */
export async function impersonatedUser(req: IncomingMessage, requester: UserInfo, authorize: Authorize): Promise<UserInfo> {
  const userName = headerValues(req, 'impersonate-user')[0];
  const groups = headerValues(req, 'impersonate-group');
  const uid = headerValues(req, 'impersonate-uid')[0];
  const extra: Record<string, string[]> = {};
  for (const [h, v] of Object.entries(req.headers)) {
    if (!h.startsWith('impersonate-extra-') || v === undefined) continue;
    const key = decodeURIComponent(h.slice('impersonate-extra-'.length));
    extra[key] = (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',').map((x) => x.trim()));
  }
  if (!userName) {
    if (groups.length || uid || Object.keys(extra).length) {
      throw new StatusError(500, 'InternalError', 'Internal error occurred: requested [{Group ...}] without impersonating a user');
    }
    return requester;
  }
  const check = async (attrs: RequestAttributes, what: string, value: string) => {
    if (!(await authorize(requester, { ...attrs, verb: 'impersonate' })).allowed) throw denied(requester, what, value, attrs.apiGroup ?? '', attrs.resource ?? '');
  };
  const sa = parseServiceAccountUsername(userName);
  if (sa) await check({ verb: 'impersonate', apiGroup: '', resource: 'serviceaccounts', namespace: sa.namespace, name: sa.name }, 'serviceaccount', userName);
  else await check({ verb: 'impersonate', apiGroup: '', resource: 'users', name: userName }, 'user', userName);
  for (const g of groups) await check({ verb: 'impersonate', apiGroup: '', resource: 'groups', name: g }, 'group', g);
  if (uid) await check({ verb: 'impersonate', apiGroup: 'authentication.k8s.io', resource: 'uids', name: uid }, 'uid', uid);
  for (const [k, vs] of Object.entries(extra)) {
    for (const v of vs) await check({ verb: 'impersonate', apiGroup: 'authentication.k8s.io', resource: 'userextras', subresource: k, name: v }, 'userextra', v);
  }
  const allGroups = [...groups, ...(sa ? serviceAccountGroups(sa.namespace) : [])];
  // Impersonated users are authenticated users, as upstream adds system:authenticated (except for anonymous).
  if (userName !== 'system:anonymous' && !allGroups.includes(ALL_AUTHENTICATED)) allGroups.push(ALL_AUTHENTICATED);
  return { name: userName, groups: allGroups, ...(uid ? { uid } : {}), ...(Object.keys(extra).length ? { extra } : {}) };
}
