/**
 * Micro-benchmark: validating a typical Pod after warm-up. Run: `npx tsx scripts/openapi/bench-validate.ts`.
 * Target: well under 1 ms per Pod.
 */
import { SchemaValidator } from '../../cluster/apiserver/schema/index.js';

const gvk = { group: '', version: 'v1', kind: 'Pod' };
const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-0', namespace: 'default', labels: { app: 'web', tier: 'fe' }, annotations: { note: 'x' } },
  spec: {
    containers: [
      {
        name: 'web',
        image: 'nginx:1.27',
        ports: [{ containerPort: 80, protocol: 'TCP' }],
        env: [{ name: 'A', value: '1' }, { name: 'B', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
        resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
        readinessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 5 },
        volumeMounts: [{ name: 'data', mountPath: '/data' }],
      },
      { name: 'sidecar', image: 'busybox', command: ['sh', '-c', 'sleep 3600'] },
    ],
    volumes: [{ name: 'data', emptyDir: {} }],
    restartPolicy: 'Always',
    tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }],
  },
};

const v = new SchemaValidator();
for (let i = 0; i < 2000; i++) v.validate(gvk, pod, 'Strict');
const n = 20000;
const t0 = process.hrtime.bigint();
for (let i = 0; i < n; i++) v.validate(gvk, pod, 'Strict');
const perOp = Number(process.hrtime.bigint() - t0) / n / 1000;
console.log(`validate Pod: ${perOp.toFixed(2)} µs/op over ${n} runs`);
