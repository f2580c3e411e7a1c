// Realistic objects for managed-fields tests and scripts/bench-managed-fields.ts: a Pod as the
// ReplicaSet controller creates it (after defaulting), the status writes kube-scheduler and the
// kubelet make, and a Deployment as `kubectl apply --server-side` sends it.
import type { JsonObject } from '../json.js';

function container(name: string, image: string, port: number): JsonObject {
  return {
    name,
    image,
    command: ['/bin/server'],
    args: ['--port', String(port), '--log-level=info'],
    ports: [
      { name: 'http', containerPort: port, protocol: 'TCP' },
      { name: 'metrics', containerPort: port + 1000, protocol: 'TCP' },
    ],
    env: [
      { name: 'MODE', value: 'production' },
      { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
      { name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
    ],
    resources: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } },
    volumeMounts: [
      { name: 'config', mountPath: '/etc/app', readOnly: true },
      { name: 'kube-api-access-x7k2p', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true },
    ],
    livenessProbe: {
      httpGet: { path: '/healthz', port, scheme: 'HTTP' },
      initialDelaySeconds: 10,
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    },
    readinessProbe: {
      httpGet: { path: '/ready', port, scheme: 'HTTP' },
      timeoutSeconds: 1,
      periodSeconds: 5,
      successThreshold: 1,
      failureThreshold: 3,
    },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    imagePullPolicy: 'IfNotPresent',
  };
}

/** A Deployment-created Pod as stored right after create (defaults applied, status Pending). */
export function createdPod(i = 0): JsonObject {
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      name: `web-7d4b9c8f5-${i.toString(36).padStart(5, 'x')}`,
      generateName: 'web-7d4b9c8f5-',
      namespace: 'default',
      uid: `0f1e2d3c-4b5a-6978-8796-a5b4c3d2${String(i).padStart(4, '0')}`,
      resourceVersion: String(1000 + i),
      creationTimestamp: '2025-01-02T03:04:05Z',
      labels: { app: 'web', 'pod-template-hash': '7d4b9c8f5', tier: 'frontend' },
      annotations: { 'kubectl.kubernetes.io/restartedAt': '2025-01-01T00:00:00Z' },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4b9c8f5', uid: 'a1b2c3d4-0000-1111-2222-333344445555', controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: {
      volumes: [
        { name: 'config', configMap: { name: 'web-config', defaultMode: 420 } },
        {
          name: 'kube-api-access-x7k2p',
          projected: {
            sources: [
              { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
              { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
              { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
            ],
            defaultMode: 420,
          },
        },
      ],
      containers: [container('web', 'registry.local/web:1.4.2', 8080), container('sidecar', 'registry.local/proxy:2.0.1', 9090)],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: 'default',
      serviceAccount: 'default',
      securityContext: {},
      schedulerName: 'default-scheduler',
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
      priority: 0,
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
    },
    status: { phase: 'Pending', qosClass: 'Burstable' },
  };
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

/** kube-scheduler's status write after binding: the PodScheduled condition (nodeName set by the binding). */
export function scheduledPod(from: JsonObject): JsonObject {
  const p = clone(from);
  (p.spec as JsonObject).nodeName = 'node-1';
  p.status = {
    ...(p.status as JsonObject),
    conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2025-01-02T03:04:06Z' }],
  };
  return p;
}

function containerStatus(name: string, image: string, ready: boolean, restartCount: number): JsonObject {
  return {
    name,
    state: { running: { startedAt: '2025-01-02T03:04:09Z' } },
    lastState: {},
    ready,
    restartCount,
    image,
    imageID: `${image}@sha256:4f2a9c0e1b7d3a5f6c8e9d0b1a2c3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d`,
    containerID: `containerd://${name}0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab`,
    started: true,
    volumeMounts: [
      { name: 'config', mountPath: '/etc/app', readOnly: true, recursiveReadOnly: 'Disabled' },
      { name: 'kube-api-access-x7k2p', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true, recursiveReadOnly: 'Disabled' },
    ],
  };
}

/** The kubelet's status write once the containers run (`ready` for the readiness probe). */
export function runningPod(from: JsonObject, ready: boolean): JsonObject {
  const p = clone(from);
  const t = ready ? '2025-01-02T03:04:20Z' : '2025-01-02T03:04:09Z';
  p.status = {
    phase: 'Running',
    conditions: [
      { type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null, lastTransitionTime: '2025-01-02T03:04:08Z' },
      { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: '2025-01-02T03:04:06Z' },
      { type: 'Ready', status: ready ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: t, ...(ready ? {} : { reason: 'ContainersNotReady', message: 'containers with unready status: [web sidecar]' }) },
      { type: 'ContainersReady', status: ready ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: t, ...(ready ? {} : { reason: 'ContainersNotReady', message: 'containers with unready status: [web sidecar]' }) },
      { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2025-01-02T03:04:06Z' },
    ],
    hostIP: '172.18.0.2',
    hostIPs: [{ ip: '172.18.0.2' }],
    podIP: '10.244.0.17',
    podIPs: [{ ip: '10.244.0.17' }],
    startTime: '2025-01-02T03:04:06Z',
    containerStatuses: [containerStatus('sidecar', 'registry.local/proxy:2.0.1', ready, 0), containerStatus('web', 'registry.local/web:1.4.2', ready, 0)],
    qosClass: 'Burstable',
  };
  return p;
}

/** A Deployment as `kubectl apply --server-side` sends it. */
export function appliedDeployment(image = 'registry.local/web:1.4.2', replicas = 3): JsonObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web', tier: 'frontend' } },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
      template: {
        metadata: { labels: { app: 'web', tier: 'frontend' } },
        spec: {
          volumes: [{ name: 'config', configMap: { name: 'web-config' } }],
          containers: [
            {
              name: 'web',
              image,
              ports: [{ name: 'http', containerPort: 8080 }],
              env: [{ name: 'MODE', value: 'production' }],
              resources: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } },
              volumeMounts: [{ name: 'config', mountPath: '/etc/app', readOnly: true }],
              readinessProbe: { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 5 },
            },
            { name: 'sidecar', image: 'registry.local/proxy:2.0.1', ports: [{ containerPort: 9090 }] },
          ],
        },
      },
    },
  };
}
