/**
 * The cluster DNS addon's objects, as kubeadm creates them for CoreDNS
 * (cmd/kubeadm/app/phases/addons/dns/manifests.go): the coredns ServiceAccount, the
 * system:coredns ClusterRole and binding, the `coredns` Deployment labelled
 * k8s-app=kube-dns, and the `kube-dns` Service on the cluster DNS IP (10.96.0.10) — and
 * the installer that server-side-applies them. No Corefile ConfigMap: our server takes
 * its few settings as flags.
 */
import type { ClusterRole, ClusterRoleBinding } from 'kubernetes-types/rbac/v1.js';
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { Service, ServiceAccount } from 'kubernetes-types/core/v1.js';
import { DEPLOYMENTS, SERVICEACCOUNTS, SERVICES } from '../../client/gvr.js';
import type { GVR } from '../../client/gvr.js';
import type { KubeObject, RestClient } from '../../client/rest-client.js';

export const DNS_NAMESPACE = 'kube-system';
export const DNS_SERVICE_NAME = 'kube-dns';
export const DNS_DEPLOYMENT_NAME = 'coredns';
export const DNS_SERVICE_ACCOUNT = 'coredns';
export const DNS_CLUSTER_ROLE = 'system:coredns';
export const DNS_APP_LABEL = { 'k8s-app': 'kube-dns' } as const;
export const DEFAULT_CLUSTER_DNS_IP = '10.96.0.10';
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';
/** The field manager of our server-side applies (kubeadm's is `kubeadm`). */
export const ADDON_FIELD_MANAGER = 'kubarium-addons';

const CLUSTERROLES: GVR = { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles', kind: 'ClusterRole', namespaced: false };
const CLUSTERROLEBINDINGS: GVR = { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterrolebindings', kind: 'ClusterRoleBinding', namespaced: false };

export interface DnsAddonOptions {
  /** `kubarium/dns:<hash>` (ensurePodImages().dns, or dnsImageRef()). */
  image: string;
  /** Default 10.96.0.10 (the 10th address of the default service range, as kubeadm picks). */
  clusterIP?: string;
  /** Default cluster.local. */
  clusterDomain?: string;
  /** Default 1: enough for a local cluster (kubeadm runs 2). */
  replicas?: number;
}

export interface DnsAddonObjects {
  serviceAccount: ServiceAccount;
  clusterRole: ClusterRole;
  clusterRoleBinding: ClusterRoleBinding;
  deployment: Deployment;
  service: Service;
}

export function dnsAddonObjects(opts: DnsAddonOptions): DnsAddonObjects {
  const clusterIP = opts.clusterIP ?? DEFAULT_CLUSTER_DNS_IP;
  const domain = opts.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
  const meta = (name: string) => ({ name, namespace: DNS_NAMESPACE });
  return {
    serviceAccount: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(DNS_SERVICE_ACCOUNT) },
    clusterRole: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: DNS_CLUSTER_ROLE },
      rules: [
        { apiGroups: [''], resources: ['endpoints', 'services', 'pods', 'namespaces'], verbs: ['list', 'watch'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
      ],
    },
    clusterRoleBinding: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: DNS_CLUSTER_ROLE },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: DNS_CLUSTER_ROLE },
      subjects: [{ kind: 'ServiceAccount', name: DNS_SERVICE_ACCOUNT, namespace: DNS_NAMESPACE }],
    },
    deployment: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { ...meta(DNS_DEPLOYMENT_NAME), labels: { ...DNS_APP_LABEL } },
      spec: {
        replicas: opts.replicas ?? 1,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
        selector: { matchLabels: { ...DNS_APP_LABEL } },
        template: {
          metadata: { labels: { ...DNS_APP_LABEL } },
          spec: {
            priorityClassName: 'system-cluster-critical',
            serviceAccountName: DNS_SERVICE_ACCOUNT,
            tolerations: [
              { key: 'CriticalAddonsOnly', operator: 'Exists' },
              { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
            ],
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            affinity: {
              podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [
                  { weight: 100, podAffinityTerm: { labelSelector: { matchExpressions: [{ key: 'k8s-app', operator: 'In', values: ['kube-dns'] }] }, topologyKey: 'kubernetes.io/hostname' } },
                ],
              },
            },
            containers: [
              {
                name: 'coredns',
                image: opts.image,
                imagePullPolicy: 'IfNotPresent',
                args: ['--port', '53', '--zone', domain, '--pods', 'verified', '--nameserver-ip', clusterIP],
                resources: { limits: { memory: '170Mi' }, requests: { cpu: '100m', memory: '70Mi' } },
                ports: [
                  { name: 'dns', containerPort: 53, protocol: 'UDP' },
                  { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
                  { name: 'metrics', containerPort: 9153, protocol: 'TCP' },
                ],
                livenessProbe: { httpGet: { path: '/health', port: 8080, scheme: 'HTTP' }, initialDelaySeconds: 60, timeoutSeconds: 5, successThreshold: 1, failureThreshold: 5 },
                // Probed every 2 s (kubeadm's CoreDNS: 10 s): the cluster answers names a few seconds after start.
                readinessProbe: { httpGet: { path: '/ready', port: 8181, scheme: 'HTTP' }, periodSeconds: 2 },
                securityContext: { allowPrivilegeEscalation: false, capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] }, readOnlyRootFilesystem: true },
              },
            ],
            // The DNS server must not resolve through itself (kubeadm sets the same).
            dnsPolicy: 'Default',
          },
        },
      },
    },
    service: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        ...meta(DNS_SERVICE_NAME),
        labels: { ...DNS_APP_LABEL, 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
        annotations: { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' },
      },
      spec: {
        clusterIP,
        selector: { ...DNS_APP_LABEL },
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
          { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
          { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
        ],
      },
    },
  };
}

export interface AppliedObject {
  kind: string;
  name: string;
  /** The resourceVersion after the apply (unchanged on a no-op re-apply). */
  resourceVersion: string;
}

/**
 * Server-side-applies the addon's objects in dependency order (RBAC, then the Service so
 * that it claims its IP, then the Deployment). Idempotent: applying the same objects
 * again changes nothing. `force` takes over fields another manager set (kubeadm does the same by
 * updating the objects it owns).
 */
export async function ensureDnsAddon(client: RestClient, opts: DnsAddonOptions): Promise<AppliedObject[]> {
  const o = dnsAddonObjects(opts);
  const steps: Array<[GVR, KubeObject]> = [
    [SERVICEACCOUNTS, o.serviceAccount],
    [CLUSTERROLES, o.clusterRole],
    [CLUSTERROLEBINDINGS, o.clusterRoleBinding],
    [SERVICES, o.service],
    [DEPLOYMENTS, o.deployment],
  ];
  const applied: AppliedObject[] = [];
  for (const [gvr, obj] of steps) {
    const name = obj.metadata!.name!;
    const out = await client.patch<KubeObject>(gvr, name, obj, { type: 'apply', fieldManager: ADDON_FIELD_MANAGER, force: true, namespace: obj.metadata?.namespace });
    applied.push({ kind: gvr.kind, name, resourceVersion: out.metadata?.resourceVersion ?? '' });
  }
  return applied;
}
