/**
 * Objects the API benchmark writes. The pod is shaped like one a Deployment creates on a
 * real cluster (template-hash labels, two containers, probes, resources, scheduled onto a
 * node), and `runningStatus` is what a kubelet reports for it, so lists carry the bytes a
 * real `kubectl get pods` would (about 8 KB of JSON per pod with managedFields). No owner
 * reference: its ReplicaSet would not exist, and the garbage collector deletes dependents
 * of a missing owner, as upstream's does.
 */
import type { ConfigMap, Namespace, Pod, PodStatus } from 'kubernetes-types/core/v1.js';

export const namespace = (name: string): Namespace => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubarium.dev/bench': 'true' } } });

export function configMap(ns: string, name: string, seq = 0): ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: ns, labels: { app: 'bench', shard: String(seq % 10) } },
    data: {
      'app.properties': `greeting=hello\nreplicas=3\nseq=${seq}\n`,
      'log-level': 'info',
      'feature-flags': 'alpha=false,beta=true',
    },
  };
}

const TEMPLATE_HASH = '7d9c8b6f5c';

export function pod(ns: string, name: string, i: number): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      labels: { app: 'web', tier: 'frontend', 'pod-template-hash': TEMPLATE_HASH },
      annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:00:00Z', 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9113' },
    },
    spec: {
      nodeName: `node-${String(i % 100).padStart(3, '0')}`,
      containers: [
        {
          name: 'web',
          image: 'registry.example.com/shop/web:1.27.3',
          imagePullPolicy: 'IfNotPresent',
          ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
          env: [
            { name: 'LOG_LEVEL', value: 'info' },
            { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
            { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'web-db', key: 'password' } } },
          ],
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
          readinessProbe: { httpGet: { path: '/ready', port: 8080, scheme: 'HTTP' }, periodSeconds: 5, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
          livenessProbe: { httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' }, initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
          volumeMounts: [{ name: 'config', mountPath: '/etc/web', readOnly: true }],
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        },
        {
          name: 'metrics',
          image: 'registry.example.com/observability/nginx-exporter:1.1.0',
          imagePullPolicy: 'IfNotPresent',
          args: ['--nginx.scrape-uri=http://localhost:8080/stub_status'],
          ports: [{ name: 'metrics', containerPort: 9113, protocol: 'TCP' }],
          resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '32Mi' } },
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        },
      ],
      volumes: [{ name: 'config', configMap: { name: 'web-config', defaultMode: 420 } }],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      securityContext: { runAsNonRoot: true, runAsUser: 101, fsGroup: 101 },
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
    },
  };
}

/** The status a kubelet would report for `pod(…, i)` once both containers are up. */
export function runningStatus(i: number): PodStatus {
  const t = '2026-01-01T00:00:05Z';
  const ip = `10.244.${Math.floor(i / 250) % 250}.${(i % 250) + 2}`;
  const container = (name: string, image: string) => ({
    name,
    image,
    imageID: `${image.split(':')[0]}@sha256:${'4f'.repeat(32)}`,
    containerID: `containerd://${(i.toString(16) + name).padEnd(64, '0').slice(0, 64)}`,
    ready: true,
    started: true,
    restartCount: 0,
    state: { running: { startedAt: t } },
    lastState: {},
  });
  return {
    phase: 'Running',
    conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True', lastTransitionTime: t })),
    hostIP: `172.18.0.${(i % 100) + 2}`,
    hostIPs: [{ ip: `172.18.0.${(i % 100) + 2}` }],
    podIP: ip,
    podIPs: [{ ip }],
    startTime: t,
    qosClass: 'Burstable',
    containerStatuses: [container('metrics', 'registry.example.com/observability/nginx-exporter:1.1.0'), container('web', 'registry.example.com/shop/web:1.27.3')],
  };
}
