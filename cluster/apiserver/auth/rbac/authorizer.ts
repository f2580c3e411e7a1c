/**
 * The RBAC authorizer (plugin/pkg/auth/authorizer/rbac), preceded by upstream's
 * privileged-group authorizer (`system:masters` may do anything). A request is allowed
 * when some rule of a role bound to the user — by a ClusterRoleBinding, or a RoleBinding
 * in the request's namespace — allows it. RBAC never denies explicitly.
 *
 * For speed, bindings are indexed by subject (user name / group / service-account user
 * name) and ClusterRole rules (with aggregation resolved) are cached; all of it is
 * dropped when the source's revision changes or `invalidate()` is called.
 */
import type { ClusterRoleBinding, PolicyRule, RoleBinding, RoleRef, Subject } from 'kubernetes-types/rbac/v1.js';
import type { UserInfo } from '../user.js';
import { SYSTEM_PRIVILEGED_GROUP, serviceAccountUsername } from '../user.js';
import type { AuthorizationDecision, RbacSource, RequestAttributes } from './types.js';
import { ruleAllows } from './rules.js';
import { effectiveClusterRoleRules } from './aggregation.js';

type AnyBinding = ClusterRoleBinding | RoleBinding;

/** One applicable binding and the rules it grants, as passed to a visitor. */
export interface RuleSource {
  binding: AnyBinding;
  /** '' for ClusterRoleBindings. */
  bindingNamespace: string;
  subject: Subject;
  rules: readonly PolicyRule[];
}

export interface RulesForResult {
  rules: PolicyRule[];
  /** Problems met on the way (missing roles); the rule list may be incomplete. */
  errors: string[];
}

const userKey = (name: string): string => `U:${name}`;
const groupKey = (name: string): string => `G:${name}`;

/** The index key a binding subject is found under, or undefined if it can never match. */
function subjectKey(subject: Subject, bindingNamespace: string): string | undefined {
  switch (subject.kind) {
    case 'User':
      return userKey(subject.name);
    case 'Group':
      return groupKey(subject.name);
    case 'ServiceAccount': {
      // RoleBindings may leave the SA namespace empty to mean their own namespace.
      const ns = subject.namespace || bindingNamespace;
      return ns ? userKey(serviceAccountUsername(ns, subject.name)) : undefined;
    }
    default:
      return undefined;
  }
}

type SubjectIndex = Map<string, Array<{ binding: AnyBinding; subject: Subject }>>;

function indexBindings(bindings: readonly AnyBinding[], bindingNamespace: string): SubjectIndex {
  const index: SubjectIndex = new Map();
  for (const binding of bindings) {
    const seen = new Set<string>();
    for (const subject of binding.subjects ?? []) {
      const key = subjectKey(subject, bindingNamespace);
      if (!key || seen.has(key)) continue;
      seen.add(key);
      let list = index.get(key);
      if (!list) index.set(key, (list = []));
      list.push({ binding, subject });
    }
  }
  return index;
}

function describeSubject(subject: Subject, bindingNamespace: string): string {
  if (subject.kind === 'ServiceAccount') return `${subject.kind} "${subject.name}/${subject.namespace || bindingNamespace}"`;
  return `${subject.kind} "${subject.name}"`;
}

/** Upstream's allow reason, e.g. `RBAC: allowed by RoleBinding "dev/view-it" of ClusterRole "view" to User "alice"`. */
export function describeRuleSource(src: RuleSource): string {
  const ref = src.binding.roleRef;
  const bindingName = src.bindingNamespace ? `${src.bindingNamespace}/${src.binding.metadata?.name ?? ''}` : (src.binding.metadata?.name ?? '');
  const kind = src.bindingNamespace ? 'RoleBinding' : 'ClusterRoleBinding';
  return `${kind} "${bindingName}" of ${ref.kind} "${ref.name}" to ${describeSubject(src.subject, src.bindingNamespace)}`;
}

export interface RbacAuthorizerOptions {
  /** Groups allowed everything before RBAC is consulted; default ['system:masters']. */
  privilegedGroups?: string[];
}

export class RbacAuthorizer {
  private readonly privilegedGroups: readonly string[];
  private lastRevision: number | string | undefined;
  private clusterIndex: SubjectIndex | undefined;
  private readonly namespaceIndexes = new Map<string, SubjectIndex>();
  private clusterRoleRules: Map<string, PolicyRule[]> | undefined;

  constructor(
    private readonly source: RbacSource,
    opts: RbacAuthorizerOptions = {},
  ) {
    this.privilegedGroups = opts.privilegedGroups ?? [SYSTEM_PRIVILEGED_GROUP];
  }

  /** Drops all cached indexes and aggregated rules; call after any RBAC object changes. */
  invalidate(): void {
    this.clusterIndex = undefined;
    this.namespaceIndexes.clear();
    this.clusterRoleRules = undefined;
  }

  isPrivileged(user: UserInfo): boolean {
    return user.groups.some((g) => this.privilegedGroups.includes(g));
  }

  authorize(user: UserInfo, attrs: RequestAttributes): AuthorizationDecision {
    if (this.isPrivileged(user)) return { allowed: true, reason: '' };
    const errors: string[] = [];
    let allowedBy: RuleSource | undefined;
    this.visitRulesFor(
      user,
      attrs.namespace ?? '',
      (src) => {
        for (const rule of src.rules) {
          if (ruleAllows(attrs, rule)) {
            allowedBy = src;
            return false;
          }
        }
        return true;
      },
      errors,
    );
    if (allowedBy) return { allowed: true, reason: `RBAC: allowed by ${describeRuleSource(allowedBy)}` };
    return { allowed: false, reason: errors.length > 0 ? `RBAC: ${errors.join(', ')}` : '' };
  }

  /** Every rule that applies to `user` in `namespace` ('' = cluster-wide bindings only). */
  rulesFor(user: UserInfo, namespace: string): RulesForResult {
    const rules: PolicyRule[] = [];
    const errors: string[] = [];
    this.visitRulesFor(
      user,
      namespace,
      (src) => {
        rules.push(...src.rules);
        return true;
      },
      errors,
    );
    return { rules, errors };
  }

  /**
   * Calls `visit` for each binding that applies to the user: ClusterRoleBindings first,
   * then RoleBindings of `namespace`. Stops when `visit` returns false.
   */
  visitRulesFor(user: UserInfo, namespace: string, visit: (src: RuleSource) => boolean, errors: string[] = []): void {
    this.checkRevision();
    const keys = [userKey(user.name), ...user.groups.map(groupKey)];

    const clusterIndex = (this.clusterIndex ??= indexBindings(this.source.clusterRoleBindings(), ''));
    const seen = new Set<AnyBinding>();
    for (const key of keys) {
      for (const { binding, subject } of clusterIndex.get(key) ?? []) {
        if (seen.has(binding)) continue;
        seen.add(binding);
        const rules = this.rulesOfRef(binding.roleRef, '', errors);
        if (rules && !visit({ binding, bindingNamespace: '', subject, rules })) return;
      }
    }
    if (!namespace) return;

    let nsIndex = this.namespaceIndexes.get(namespace);
    if (!nsIndex) {
      nsIndex = indexBindings(this.source.roleBindings(namespace), namespace);
      this.namespaceIndexes.set(namespace, nsIndex);
    }
    for (const key of keys) {
      for (const { binding, subject } of nsIndex.get(key) ?? []) {
        if (seen.has(binding)) continue;
        seen.add(binding);
        const rules = this.rulesOfRef(binding.roleRef, namespace, errors);
        if (rules && !visit({ binding, bindingNamespace: namespace, subject, rules })) return;
      }
    }
  }

  /** Effective rules of every ClusterRole (aggregation resolved), by name. */
  clusterRoleRulesByName(): ReadonlyMap<string, PolicyRule[]> {
    this.checkRevision();
    return (this.clusterRoleRules ??= effectiveClusterRoleRules(this.source.clusterRoles()));
  }

  private rulesOfRef(ref: RoleRef, namespace: string, errors: string[]): readonly PolicyRule[] | undefined {
    if (ref.kind === 'ClusterRole') {
      const rules = this.clusterRoleRulesByName().get(ref.name);
      if (!rules) errors.push(`clusterrole.rbac.authorization.k8s.io "${ref.name}" not found`);
      return rules;
    }
    if (ref.kind === 'Role' && namespace) {
      const role = this.source.getRole(namespace, ref.name);
      if (!role) errors.push(`role.rbac.authorization.k8s.io "${ref.name}" not found`);
      return role?.rules ?? (role ? [] : undefined);
    }
    return undefined;
  }

  private checkRevision(): void {
    if (!this.source.revision) return;
    const rev = this.source.revision();
    if (rev !== this.lastRevision) {
      this.lastRevision = rev;
      this.invalidate();
    }
  }
}

export function createRbacAuthorizer(source: RbacSource, opts?: RbacAuthorizerOptions): RbacAuthorizer {
  return new RbacAuthorizer(source, opts);
}
