/**
 * apps/v1 and batch/v1 printers (printers.go printDeployment, printReplicaSet, printStatefulSet,
 * printDaemonSet, printControllerRevision, printJob, printCronJob).
 */
import type { ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { CronJob, Job, JobCondition } from 'kubernetes-types/batch/v1.js';
import { column } from './table.js';
import { humanDuration, parseTime, translateTimestampSince } from './duration.js';
import { formatLabelSelector, formatLabels, labelSelectorString, layoutContainerCells, printBoolPtr } from './format.js';
import { ageColumn, nameColumn, printer, wide } from './printer.js';

const CONTAINERS_DESC = 'Names of each container in the template.';
const IMAGES_DESC = 'Images referenced by each container in the template.';
const containersColumn = () => column('Containers', 'string', CONTAINERS_DESC, wide);
const imagesColumn = () => column('Images', 'string', IMAGES_DESC, wide);

const age = (o: { metadata?: { creationTimestamp?: string } }, now: Date): string => translateTimestampSince(o.metadata?.creationTimestamp, now);
const nameOf = (o: { metadata?: { name?: string } }): string => o.metadata?.name ?? '';

export const deploymentPrinter = printer<Deployment>({
  columns: [
    nameColumn(),
    column('Ready', 'string', 'Number of the pod with ready state'),
    column('Up-to-date', 'string', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
    column('Available', 'string', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
    ageColumn(),
    containersColumn(),
    imagesColumn(),
    column('Selector', 'string', 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.', wide),
  ],
  cells(o, { now }) {
    const [names, images] = layoutContainerCells(o.spec?.template?.spec?.containers);
    const selector = labelSelectorString(o.spec?.selector) ?? '<invalid>';
    return [
      nameOf(o),
      `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}`,
      o.status?.updatedReplicas ?? 0,
      o.status?.availableReplicas ?? 0,
      age(o, now),
      names,
      images,
      selector,
    ];
  },
});

export const replicaSetPrinter = printer<ReplicaSet>({
  columns: [
    nameColumn(),
    column('Desired', 'integer', 'Replicas is the number of desired replicas.'),
    column('Current', 'integer', 'Replicas is the most recently observed number of replicas.'),
    column('Ready', 'integer', 'The number of ready replicas for this replica set.'),
    ageColumn(),
    containersColumn(),
    imagesColumn(),
    column('Selector', 'string', 'Selector is a label query over pods that should match the replica count.', wide),
  ],
  cells(o, { now }) {
    const [names, images] = layoutContainerCells(o.spec?.template?.spec?.containers);
    return [nameOf(o), o.spec?.replicas ?? 1, o.status?.replicas ?? 0, o.status?.readyReplicas ?? 0, age(o, now), names, images, formatLabelSelector(o.spec?.selector)];
  },
});

export const statefulSetPrinter = printer<StatefulSet>({
  columns: [nameColumn(), column('Ready', 'string', 'Number of the pod with ready state'), ageColumn(), containersColumn(), imagesColumn()],
  cells(o, { now }) {
    const [names, images] = layoutContainerCells(o.spec?.template?.spec?.containers);
    return [nameOf(o), `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}`, age(o, now), names, images];
  },
});

export const daemonSetPrinter = printer<DaemonSet>({
  columns: [
    nameColumn(),
    column('Desired', 'integer', 'The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod).'),
    column('Current', 'integer', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.'),
    column('Ready', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.'),
    column('Up-to-date', 'integer', 'The total number of nodes that are running updated daemon pod'),
    column('Available', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)'),
    column('Node Selector', 'string', "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node."),
    ageColumn(),
    containersColumn(),
    imagesColumn(),
    column('Selector', 'string', 'A label query over pods that are managed by the daemon set.', wide),
  ],
  cells(o, { now }) {
    const s = o.status;
    const [names, images] = layoutContainerCells(o.spec?.template?.spec?.containers);
    return [
      nameOf(o),
      s?.desiredNumberScheduled ?? 0,
      s?.currentNumberScheduled ?? 0,
      s?.numberReady ?? 0,
      s?.updatedNumberScheduled ?? 0,
      s?.numberAvailable ?? 0,
      formatLabels(o.spec?.template?.spec?.nodeSelector),
      age(o, now),
      names,
      images,
      formatLabelSelector(o.spec?.selector),
    ];
  },
});

/** formatResourceName(gvk.GroupKind(), name, true): `statefulset.apps/web`, `pod/x` for the core group. */
function controllerName(o: ControllerRevision): string {
  const ref = (o.metadata?.ownerReferences ?? []).find((r) => r.controller === true);
  if (!ref) return '<none>';
  const slash = ref.apiVersion.indexOf('/');
  const group = slash >= 0 ? ref.apiVersion.slice(0, slash) : '';
  if (!group && !ref.kind) return ref.name;
  const groupKind = group ? `${ref.kind}.${group}` : ref.kind;
  return `${groupKind.toLowerCase()}/${ref.name}`;
}

export const controllerRevisionPrinter = printer<ControllerRevision>({
  columns: [nameColumn(), column('Controller', 'string', 'Controller of the object'), column('Revision', 'string', 'Revision indicates the revision of the state represented by Data.'), ageColumn()],
  cells: (o, { now }) => [nameOf(o), controllerName(o), o.revision ?? 0, age(o, now)],
});

/** hasJobCondition: the first condition of the type decides. */
function jobCondition(conditions: readonly JobCondition[] | undefined, type: string): boolean {
  const c = (conditions ?? []).find((x) => x.type === type);
  return c?.status === 'True';
}

export function jobStatus(job: Job): string {
  const conds = job.status?.conditions;
  if (jobCondition(conds, 'Complete')) return 'Complete';
  if (jobCondition(conds, 'Failed')) return 'Failed';
  if (job.metadata?.deletionTimestamp) return 'Terminating';
  if (jobCondition(conds, 'Suspended')) return 'Suspended';
  if (jobCondition(conds, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

function jobCompletions(job: Job): string {
  const succeeded = job.status?.succeeded ?? 0;
  const completions = job.spec?.completions;
  if (completions !== undefined && completions !== null) return `${succeeded}/${completions}`;
  const parallelism = job.spec?.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function jobDuration(job: Job, now: Date): string {
  const start = parseTime(job.status?.startTime);
  if (start === undefined) return '';
  const end = parseTime(job.status?.completionTime);
  return humanDuration((end ?? now.getTime()) - start);
}

export const jobPrinter = printer<Job>({
  columns: [
    nameColumn(),
    column('Status', 'string', 'Status of the job.'),
    column('Completions', 'string', 'The number of pods which reached phase Succeeded.'),
    column('Duration', 'string', 'Time required to complete the job.'),
    ageColumn(),
    containersColumn(),
    imagesColumn(),
    column('Selector', 'string', 'A label query over pods that should match the pod count.', wide),
  ],
  cells(o, { now }) {
    const [names, images] = layoutContainerCells(o.spec?.template?.spec?.containers);
    return [nameOf(o), jobStatus(o), jobCompletions(o), jobDuration(o, now), age(o, now), names, images, formatLabelSelector(o.spec?.selector)];
  },
});

export const cronJobPrinter = printer<CronJob>({
  columns: [
    nameColumn(),
    column('Schedule', 'string', 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
    column('Timezone', 'string', 'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones.'),
    column('Suspend', 'boolean', 'This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.'),
    column('Active', 'integer', 'A list of pointers to currently running jobs.'),
    column('Last Schedule', 'string', 'Information when was the last time the job was successfully scheduled.'),
    ageColumn(),
    containersColumn(),
    imagesColumn(),
    column('Selector', 'string', 'A label query over pods that should match the pod count.', wide),
  ],
  cells(o, { now }) {
    const jobSpec = o.spec?.jobTemplate?.spec;
    const [names, images] = layoutContainerCells(jobSpec?.template?.spec?.containers);
    const last = o.status?.lastScheduleTime ? translateTimestampSince(o.status.lastScheduleTime, now) : '<none>';
    return [
      nameOf(o),
      o.spec?.schedule ?? '',
      o.spec?.timeZone ?? '<none>',
      printBoolPtr(o.spec?.suspend),
      (o.status?.active ?? []).length,
      last,
      age(o, now),
      names,
      images,
      formatLabelSelector(jobSpec?.selector),
    ];
  },
});
