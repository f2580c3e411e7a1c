/**
 * The `system:controller:<name>` ClusterRoles and their bindings to the service account
 * kube-system/<name> (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/controller_policy.go),
 * for the controllers Kubarium's controller manager runs. kube-controller-manager with
 * --use-service-account-credentials runs each controller as that service account; its
 * shared informers list and watch as system:kube-controller-manager, so a role grants
 * list/watch only where the controller itself lists or watches. Rule contents follow
 * upstream's testdata/controller-roles.yaml.
 */
import type { ClusterRole, ClusterRoleBinding, PolicyRule } from 'kubernetes-types/rbac/v1.js';
import { clusterRole, clusterRoleBinding, rule, serviceAccount } from './policy-helpers.js';

export const CONTROLLER_ROLE_PREFIX = 'system:controller:';

const LEGACY = '';
const APPS = 'apps';
const EXTENSIONS = 'extensions';
const BATCH = 'batch';

/** eventsRule(): every controller records Events. */
const events = (): PolicyRule => rule(['create', 'update', 'patch'], [LEGACY, 'events.k8s.io'], ['events']);

/** Upstream names (the service account each controller runs as) → rules. */
function controllerRules(): Record<string, PolicyRule[]> {
  return {
    'certificate-controller': [
      rule(['delete', 'get', 'list', 'watch'], ['certificates.k8s.io'], ['certificatesigningrequests']),
      rule(['update'], ['certificates.k8s.io'], ['certificatesigningrequests/approval', 'certificatesigningrequests/status']),
      rule(['approve'], ['certificates.k8s.io'], ['signers'], ['kubernetes.io/kube-apiserver-client-kubelet']),
      rule(['sign'], ['certificates.k8s.io'], ['signers'], ['kubernetes.io/kube-apiserver-client', 'kubernetes.io/kube-apiserver-client-kubelet', 'kubernetes.io/kubelet-serving', 'kubernetes.io/legacy-unknown']),
      rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
      events(),
    ],
    'cronjob-controller': [
      rule(['get', 'list', 'watch', 'update'], [BATCH], ['cronjobs']),
      rule(['get', 'list', 'watch', 'create', 'update', 'delete', 'patch'], [BATCH], ['jobs']),
      rule(['update'], [BATCH], ['cronjobs/status']),
      rule(['update'], [BATCH], ['cronjobs/finalizers']),
      rule(['list', 'watch', 'delete'], [LEGACY], ['pods']),
      events(),
    ],
    'daemon-set-controller': [
      rule(['get', 'list', 'watch'], [EXTENSIONS, APPS], ['daemonsets']),
      rule(['update'], [EXTENSIONS, APPS], ['daemonsets/status']),
      rule(['update'], [EXTENSIONS, APPS], ['daemonsets/finalizers']),
      rule(['list', 'watch'], [LEGACY], ['nodes']),
      rule(['list', 'watch', 'create', 'delete', 'patch'], [LEGACY], ['pods']),
      rule(['create'], [LEGACY], ['pods/binding']),
      rule(['get', 'list', 'watch', 'create', 'delete', 'update', 'patch'], [APPS], ['controllerrevisions']),
      events(),
    ],
    'deployment-controller': [
      rule(['get', 'list', 'watch', 'update'], [EXTENSIONS, APPS], ['deployments']),
      rule(['update'], [EXTENSIONS, APPS], ['deployments/status']),
      rule(['update'], [EXTENSIONS, APPS], ['deployments/finalizers']),
      rule(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'], [APPS, EXTENSIONS], ['replicasets']),
      rule(['get', 'list', 'watch', 'update'], [LEGACY], ['pods']),
      events(),
    ],
    'disruption-controller': [
      rule(['get', 'list', 'watch'], [EXTENSIONS, APPS], ['deployments']),
      rule(['get', 'list', 'watch'], [APPS, EXTENSIONS], ['replicasets']),
      rule(['get', 'list', 'watch'], [LEGACY], ['replicationcontrollers']),
      rule(['get', 'list', 'watch'], ['policy'], ['poddisruptionbudgets']),
      rule(['get', 'list', 'watch'], [APPS], ['statefulsets']),
      rule(['update'], ['policy'], ['poddisruptionbudgets/status']),
      rule(['patch', 'update'], [LEGACY], ['pods/status']),
      rule(['get'], ['*'], ['*/scale']),
      events(),
    ],
    'endpoint-controller': [
      rule(['get', 'list', 'watch'], [LEGACY], ['services', 'pods']),
      rule(['get', 'list', 'watch', 'create', 'update', 'delete'], [LEGACY], ['endpoints']),
      rule(['create'], [LEGACY], ['endpoints/restricted']),
      events(),
    ],
    'endpointslice-controller': [
      rule(['get', 'list', 'watch'], [LEGACY], ['services', 'pods', 'nodes']),
      // Slices are owned by their Service with blockOwnerDeletion, which needs services/finalizers.
      rule(['update'], [LEGACY], ['services/finalizers']),
      rule(['get', 'list', 'watch', 'create', 'update', 'delete'], ['discovery.k8s.io'], ['endpointslices']),
      events(),
    ],
    'generic-garbage-collector': [
      // List/watch, selective gets and updates against any resource.
      rule(['get', 'list', 'watch', 'patch', 'update', 'delete'], ['*'], ['*']),
      events(),
    ],
    'horizontal-pod-autoscaler': [
      rule(['get', 'list', 'watch'], ['autoscaling'], ['horizontalpodautoscalers']),
      rule(['update'], ['autoscaling'], ['horizontalpodautoscalers/status']),
      rule(['get', 'update'], ['*'], ['*/scale']),
      rule(['list', 'watch'], [LEGACY], ['pods']),
      rule(['list', 'watch'], ['metrics.k8s.io'], ['pods']),
      rule(['get', 'list', 'watch'], ['custom.metrics.k8s.io'], ['*']),
      rule(['get', 'list', 'watch'], ['external.metrics.k8s.io'], ['*']),
      events(),
    ],
    'job-controller': [
      rule(['get', 'list', 'watch', 'update', 'patch'], [BATCH], ['jobs']),
      rule(['update'], [BATCH], ['jobs/status']),
      rule(['update'], [BATCH], ['jobs/finalizers']),
      rule(['list', 'watch', 'create', 'delete', 'patch'], [LEGACY], ['pods']),
      events(),
    ],
    'namespace-controller': [
      rule(['get', 'list', 'watch', 'delete'], [LEGACY], ['namespaces']),
      rule(['update'], [LEGACY], ['namespaces/finalize', 'namespaces/status']),
      rule(['get', 'list', 'watch', 'delete', 'deletecollection'], ['*'], ['*']),
    ],
    // Node lifecycle and node IPAM both run as node-controller upstream.
    'node-controller': [
      rule(['get', 'list', 'watch', 'update', 'delete', 'patch'], [LEGACY], ['nodes']),
      rule(['patch', 'update'], [LEGACY], ['nodes/status']),
      rule(['patch', 'update'], [LEGACY], ['pods/status']),
      rule(['list', 'watch', 'get', 'delete'], [LEGACY], ['pods']),
      events(),
    ],
    'persistent-volume-binder': [
      rule(['get', 'list', 'watch', 'update', 'create', 'delete'], [LEGACY], ['persistentvolumes']),
      rule(['update'], [LEGACY], ['persistentvolumes/status']),
      rule(['get', 'list', 'watch', 'update'], [LEGACY], ['persistentvolumeclaims']),
      rule(['update'], [LEGACY], ['persistentvolumeclaims/status']),
      rule(['list', 'watch', 'get', 'create', 'delete'], [LEGACY], ['pods']),
      rule(['get', 'list', 'watch'], ['storage.k8s.io'], ['storageclasses']),
      rule(['list', 'watch'], [LEGACY], ['nodes']),
      events(),
      rule(['watch'], [LEGACY], ['events']),
      rule(['get'], [LEGACY], ['services']),
    ],
    'replicaset-controller': [
      rule(['get', 'list', 'watch', 'update'], [APPS, EXTENSIONS], ['replicasets']),
      rule(['update'], [APPS, EXTENSIONS], ['replicasets/status']),
      rule(['update'], [APPS, EXTENSIONS], ['replicasets/finalizers']),
      rule(['list', 'watch', 'patch', 'create', 'delete'], [LEGACY], ['pods']),
      events(),
    ],
    'replication-controller': [
      rule(['get', 'list', 'watch', 'update'], [LEGACY], ['replicationcontrollers']),
      rule(['update'], [LEGACY], ['replicationcontrollers/status']),
      rule(['update'], [LEGACY], ['replicationcontrollers/finalizers']),
      rule(['list', 'watch', 'patch', 'create', 'delete'], [LEGACY], ['pods']),
      events(),
    ],
    'resourcequota-controller': [
      // Quota counts anything, so it needs full viewing powers.
      rule(['list', 'watch'], ['*'], ['*']),
      rule(['update'], [LEGACY], ['resourcequotas/status']),
      events(),
    ],
    'root-ca-cert-publisher': [rule(['create', 'update'], [LEGACY], ['configmaps']), events()],
    'service-account-controller': [rule(['create'], [LEGACY], ['serviceaccounts']), events()],
    'statefulset-controller': [
      rule(['list', 'watch'], [LEGACY], ['pods']),
      rule(['get', 'list', 'watch'], [APPS], ['statefulsets']),
      rule(['update'], [APPS], ['statefulsets/status']),
      rule(['update'], [APPS], ['statefulsets/finalizers']),
      rule(['get', 'create', 'delete', 'update', 'patch'], [LEGACY], ['pods']),
      rule(['get', 'create', 'delete', 'update', 'patch', 'list', 'watch'], [APPS], ['controllerrevisions']),
      rule(['get', 'create', 'list', 'watch'], [LEGACY], ['persistentvolumeclaims']),
      rule(['update', 'delete'], [LEGACY], ['persistentvolumeclaims']),
      rule(['update'], [LEGACY], ['pods/finalizers']),
      events(),
    ],
    'ttl-after-finished-controller': [rule(['get', 'list', 'watch', 'delete'], [BATCH], ['jobs']), events()],
  };
}

/** The controllers' service accounts (kube-system/<name>), one per role. */
export const CONTROLLER_SERVICE_ACCOUNTS: readonly string[] = Object.keys(controllerRules());

export function controllerRoles(): ClusterRole[] {
  return Object.entries(controllerRules()).map(([name, rules]) => clusterRole(CONTROLLER_ROLE_PREFIX + name, rules));
}

/** Each role bound to the service account of the same name in kube-system (addControllerRole). */
export function controllerRoleBindings(): ClusterRoleBinding[] {
  return Object.keys(controllerRules()).map((name) =>
    clusterRoleBinding(CONTROLLER_ROLE_PREFIX + name, CONTROLLER_ROLE_PREFIX + name, [serviceAccount('kube-system', name)]),
  );
}
