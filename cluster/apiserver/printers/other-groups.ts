/**
 * Printers for the remaining groups: rbac bindings, autoscaling HPA, coordination leases,
 * storage classes, priority classes, pod disruption budgets and CSRs (printers.go
 * printRoleBinding, printHorizontalPodAutoscaler, printLease, printStorageClass, ...).
 * Roles and ClusterRoles have no printer upstream (default Name / Created At table).
 */
import type { HorizontalPodAutoscaler, MetricSpec, MetricStatus } from 'kubernetes-types/autoscaling/v2.js';
import type { CertificateSigningRequest } from 'kubernetes-types/certificates/v1.js';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import type { ClusterRoleBinding, RoleBinding, Subject } from 'kubernetes-types/rbac/v1.js';
import type { PriorityClass } from 'kubernetes-types/scheduling/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import type { Cell } from './table.js';
import { column } from './table.js';
import { humanDuration, translateTimestampSince } from './duration.js';
import { intOrString } from './format.js';
import { ageColumn, nameColumn, printer, wide } from './printer.js';

const age = (o: { metadata?: { creationTimestamp?: string } }, now: Date): string => translateTimestampSince(o.metadata?.creationTimestamp, now);
const nameOf = (o: { metadata?: { name?: string } }): string => o.metadata?.name ?? '';

/** rbac.SubjectsStrings: users, groups and `namespace/name` service accounts. */
function subjectsCells(subjects: readonly Subject[] | undefined): Cell[] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of subjects ?? []) {
    if (s.kind === 'ServiceAccount') sas.push(`${s.namespace ?? ''}/${s.name}`);
    else if (s.kind === 'User') users.push(s.name);
    else if (s.kind === 'Group') groups.push(s.name);
  }
  return [users.join(', '), groups.join(', '), sas.join(', ')];
}

function bindingColumns(what: string) {
  return [
    nameColumn(),
    column('Role', 'string', 'RoleRef can only reference a ClusterRole in the global namespace.'),
    ageColumn(),
    column('Users', 'string', `Users in the ${what}`, wide),
    column('Groups', 'string', `Groups in the ${what}`, wide),
    column('ServiceAccounts', 'string', `ServiceAccounts in the ${what}`, wide),
  ];
}

function bindingCells(o: RoleBinding | ClusterRoleBinding, now: Date): Cell[] {
  return [nameOf(o), `${o.roleRef?.kind ?? ''}/${o.roleRef?.name ?? ''}`, age(o, now), ...subjectsCells(o.subjects)];
}

export const roleBindingPrinter = printer<RoleBinding>({ columns: bindingColumns('roleBinding'), cells: (o, { now }) => bindingCells(o, now) });
export const clusterRoleBindingPrinter = printer<ClusterRoleBinding>({ columns: bindingColumns('clusterRoleBinding'), cells: (o, { now }) => bindingCells(o, now) });

/** (*resource.Quantity)(nil).String() is "<nil>". */
const q = (v: string | undefined): string => v ?? '<nil>';

function formatMetric(spec: MetricSpec, status: MetricStatus | undefined): string {
  switch (spec.type) {
    case 'External': {
      const t = spec.external?.target;
      if (t?.averageValue !== undefined) {
        return `${status?.external?.current?.averageValue ?? '<unknown>'}/${t.averageValue} (avg)`;
      }
      const current = status?.external ? q(status.external.current?.value) : '<unknown>';
      return `${current}/${q(t?.value)}`;
    }
    case 'Pods': {
      const current = status?.pods ? q(status.pods.current?.averageValue) : '<unknown>';
      return `${current}/${q(spec.pods?.target?.averageValue)}`;
    }
    case 'Object': {
      const t = spec.object?.target;
      if (t?.averageValue !== undefined) {
        return `${status?.object?.current?.averageValue ?? '<unknown>'}/${t.averageValue} (avg)`;
      }
      const current = status?.object ? q(status.object.current?.value) : '<unknown>';
      return `${current}/${q(t?.value)}`;
    }
    case 'Resource':
    case 'ContainerResource': {
      const src = spec.type === 'Resource' ? spec.resource : spec.containerResource;
      const cur = spec.type === 'Resource' ? status?.resource : status?.containerResource;
      const name = src?.name ?? '';
      if (src?.target?.averageValue !== undefined) {
        const current = cur ? q(cur.current?.averageValue) : '<unknown>';
        return `${name}: ${current}/${src.target.averageValue}`;
      }
      const util = cur?.current?.averageUtilization;
      const current = util !== undefined ? `${util}%` : '<unknown>';
      const targetUtil = src?.target?.averageUtilization;
      const target = targetUtil !== undefined ? `${targetUtil}%` : '<auto>';
      return `${name}: ${current}/${target}`;
    }
    default:
      return '<unknown type>';
  }
}

/** formatHPAMetrics: at most two targets, then "+ N more...". */
export function formatHPAMetrics(specs: readonly MetricSpec[] | undefined, statuses: readonly MetricStatus[] | undefined): string {
  const list = (specs ?? []).map((s, i) => formatMetric(s, statuses?.[i]));
  if (list.length === 0) return '<none>';
  const shown = list.slice(0, 2).join(', ');
  return list.length > 2 ? `${shown} + ${list.length - 2} more...` : shown;
}

export const horizontalPodAutoscalerPrinter = printer<HorizontalPodAutoscaler>({
  columns: [
    nameColumn(),
    column('Reference', 'string', 'reference to scaled resource; horizontal pod autoscaler will learn the current resource consumption and will set the desired number of pods by using its Scale subresource.'),
    column('Targets', 'string', 'metrics contains the specifications for which to use to calculate the desired replica count.'),
    column('MinPods', 'string', 'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.'),
    column('MaxPods', 'string', 'maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up.'),
    column('Replicas', 'string', 'currentReplicas is current number of replicas of pods managed by this autoscaler.'),
    ageColumn(),
  ],
  cells(o, { now }) {
    const ref = o.spec?.scaleTargetRef;
    const minPods = o.spec?.minReplicas !== undefined ? String(o.spec.minReplicas) : '<unset>';
    return [
      nameOf(o),
      `${ref?.kind ?? ''}/${ref?.name ?? ''}`,
      formatHPAMetrics(o.spec?.metrics, o.status?.currentMetrics),
      minPods,
      o.spec?.maxReplicas ?? 0,
      o.status?.currentReplicas ?? 0,
      age(o, now),
    ];
  },
});

export const leasePrinter = printer<Lease>({
  columns: [nameColumn(), column('Holder', 'string', 'holderIdentity contains the identity of the holder of a current lease.'), ageColumn()],
  cells: (o, { now }) => [nameOf(o), o.spec?.holderIdentity ?? '', age(o, now)],
});

const DEFAULT_CLASS_ANNOTATIONS = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'];

export const storageClassPrinter = printer<StorageClass>({
  columns: [
    nameColumn(),
    column('Provisioner', 'string', 'provisioner indicates the type of the provisioner.'),
    column('ReclaimPolicy', 'string', 'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class.'),
    column('VolumeBindingMode', 'string', 'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.'),
    column('AllowVolumeExpansion', 'string', 'allowVolumeExpansion shows whether the storage class allow volume expand.'),
    ageColumn(),
  ],
  cells(o, { now }) {
    const isDefault = DEFAULT_CLASS_ANNOTATIONS.some((a) => o.metadata?.annotations?.[a] === 'true');
    return [
      isDefault ? `${nameOf(o)} (default)` : nameOf(o),
      o.provisioner ?? '',
      o.reclaimPolicy ?? 'Delete',
      o.volumeBindingMode ?? 'Immediate',
      o.allowVolumeExpansion ?? false,
      age(o, now),
    ];
  },
});

export const priorityClassPrinter = printer<PriorityClass>({
  columns: [
    nameColumn(),
    column('Value', 'integer', 'value represents the integer value of this priority class.'),
    column('Global-Default', 'boolean', 'globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class.'),
    ageColumn(),
    column('PreemptionPolicy', 'string', 'preemptionPolicy is the Policy for preempting pods with lower priority.'),
  ],
  cells: (o, { now }) => [nameOf(o), o.value ?? 0, o.globalDefault ?? false, age(o, now), o.preemptionPolicy ?? ''],
});

export const podDisruptionBudgetPrinter = printer<PodDisruptionBudget>({
  columns: [
    nameColumn(),
    column('Min Available', 'string', 'The minimum number of pods that must be available.'),
    column('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
    column('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
    ageColumn(),
  ],
  cells(o, { now }) {
    const min = o.spec?.minAvailable;
    const max = o.spec?.maxUnavailable;
    return [
      nameOf(o),
      min !== undefined ? intOrString(min) : 'N/A',
      max !== undefined ? intOrString(max) : 'N/A',
      o.status?.disruptionsAllowed ?? 0,
      age(o, now),
    ];
  },
});

/** extractCSRStatus: Denied > Approved > Pending, then ",Failed" and ",Issued". */
export function csrCondition(csr: CertificateSigningRequest): string {
  const types = new Set((csr.status?.conditions ?? []).map((c) => c.type));
  let status = types.has('Denied') ? 'Denied' : types.has('Approved') ? 'Approved' : 'Pending';
  if (types.has('Failed')) status += ',Failed';
  if (csr.status?.certificate) status += ',Issued';
  return status;
}

export const certificateSigningRequestPrinter = printer<CertificateSigningRequest>({
  columns: [
    nameColumn(),
    ageColumn(),
    column('SignerName', 'string', 'signerName indicates the requested signer, and is a qualified name.'),
    column('Requestor', 'string', 'request contains an x509 certificate signing request encoded in a "CERTIFICATE REQUEST" PEM block.'),
    column('RequestedDuration', 'string', 'expirationSeconds is the requested duration of validity of the issued certificate.'),
    column('Condition', 'string', 'conditions applied to the request. Known conditions are "Approved", "Denied", and "Failed".'),
  ],
  cells(o, { now }) {
    const exp = o.spec?.expirationSeconds;
    return [
      nameOf(o),
      age(o, now),
      o.spec?.signerName || '<none>',
      o.spec?.username ?? '',
      exp !== undefined && exp !== null ? humanDuration(exp * 1000) : '<none>',
      csrCondition(o),
    ];
  },
});
