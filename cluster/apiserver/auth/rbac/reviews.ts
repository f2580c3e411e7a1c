/**
 * The authorization.k8s.io review APIs on top of the authorizer:
 * SubjectAccessReview / SelfSubjectAccessReview / LocalSubjectAccessReview (`kubectl auth can-i`)
 * and SelfSubjectRulesReview (`kubectl auth can-i --list`).
 */
import type {
  NonResourceRule,
  SelfSubjectAccessReviewSpec,
  SubjectAccessReviewSpec,
  SubjectAccessReviewStatus,
} from 'kubernetes-types/authorization/v1.js';
import type { UserInfo } from '../user.js';
import type { RbacAuthorizer } from './authorizer.js';
import type { RequestAttributes } from './types.js';
import { ruleKey } from './rules.js';

/** authorization/v1 ResourceRule (kubernetes-types 1.30 drops its `verbs` and `resources` fields). */
export interface ResourceRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}

/** authorization/v1 SubjectRulesReviewStatus with the complete ResourceRule type. */
export interface SubjectRulesReviewStatus {
  resourceRules: ResourceRule[];
  nonResourceRules: NonResourceRule[];
  incomplete: boolean;
  evaluationError?: string;
}

/** Request attributes from a (Self/Local)SubjectAccessReview spec; undefined when neither attribute set is given. */
export function attributesFromAccessReviewSpec(spec: SelfSubjectAccessReviewSpec | SubjectAccessReviewSpec): RequestAttributes | undefined {
  const r = spec.resourceAttributes;
  if (r) {
    return {
      verb: r.verb ?? '',
      apiGroup: r.group ?? '',
      apiVersion: r.version ?? '',
      resource: r.resource ?? '',
      subresource: r.subresource ?? '',
      namespace: r.namespace ?? '',
      name: r.name ?? '',
    };
  }
  const n = spec.nonResourceAttributes;
  if (n) return { verb: n.verb ?? '', path: n.path ?? '' };
  return undefined;
}

/** The user a SubjectAccessReview asks about (upstream adds no groups of its own). */
export function userFromSubjectAccessReviewSpec(spec: SubjectAccessReviewSpec): UserInfo {
  return {
    name: spec.user ?? '',
    ...(spec.uid ? { uid: spec.uid } : {}),
    groups: [...(spec.groups ?? [])],
    ...(spec.extra ? { extra: spec.extra } : {}),
  };
}

/** Status of a SubjectAccessReview (or Self/Local): allowed plus upstream's reason text. */
export function subjectAccessReviewStatus(
  authorizer: RbacAuthorizer,
  user: UserInfo,
  spec: SelfSubjectAccessReviewSpec | SubjectAccessReviewSpec,
): SubjectAccessReviewStatus {
  const attrs = attributesFromAccessReviewSpec(spec);
  if (!attrs) {
    return { allowed: false, evaluationError: 'exactly one of nonResourceAttributes or resourceAttributes must be specified' };
  }
  const decision = authorizer.authorize(user, attrs);
  return { allowed: decision.allowed, ...(decision.reason ? { reason: decision.reason } : {}) };
}

/**
 * Status of a SelfSubjectRulesReview for `namespace`: every resource and non-resource rule
 * that applies (ClusterRoleBindings plus the namespace's RoleBindings), de-duplicated.
 * system:masters additionally get the `*` rules of the privileged-group authorizer.
 */
export function selfSubjectRulesReviewStatus(authorizer: RbacAuthorizer, user: UserInfo, namespace: string): SubjectRulesReviewStatus {
  const resourceRules: ResourceRule[] = [];
  const nonResourceRules: NonResourceRule[] = [];
  if (authorizer.isPrivileged(user)) {
    resourceRules.push({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] });
    nonResourceRules.push({ verbs: ['*'], nonResourceURLs: ['*'] });
  }
  const { rules, errors } = authorizer.rulesFor(user, namespace);
  const seen = new Set<string>();
  for (const rule of rules) {
    const key = ruleKey(rule);
    if (seen.has(key)) continue;
    seen.add(key);
    if (rule.nonResourceURLs && rule.nonResourceURLs.length > 0) {
      nonResourceRules.push({ verbs: [...rule.verbs], nonResourceURLs: [...rule.nonResourceURLs] });
    } else {
      resourceRules.push({
        verbs: [...rule.verbs],
        ...(rule.apiGroups ? { apiGroups: [...rule.apiGroups] } : {}),
        ...(rule.resources ? { resources: [...rule.resources] } : {}),
        ...(rule.resourceNames && rule.resourceNames.length > 0 ? { resourceNames: [...rule.resourceNames] } : {}),
      });
    }
  }
  return {
    resourceRules,
    nonResourceRules,
    incomplete: errors.length > 0,
    ...(errors.length > 0 ? { evaluationError: errors.join(', ') } : {}),
  };
}
