/** Starting points for "Create": the objects people make most, as `kubectl create … --dry-run=client -o yaml` would write them. */

export interface ResourceTemplate {
  id: string;
  label: string;
  yaml: string;
}

export function templates(namespace = 'default'): ResourceTemplate[] {
  return [
    {
      id: 'deployment',
      label: 'Deployment',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${namespace}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - containerPort: 80
`,
    },
    {
      id: 'service',
      label: 'Service',
      yaml: `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: ${namespace}
spec:
  selector:
    app: web
  ports:
    - port: 80
      targetPort: 80
`,
    },
    {
      id: 'pod',
      label: 'Pod',
      yaml: `apiVersion: v1
kind: Pod
metadata:
  name: shell
  namespace: ${namespace}
spec:
  containers:
    - name: shell
      image: busybox
      command: ["sleep", "3600"]
`,
    },
    {
      id: 'configmap',
      label: 'ConfigMap',
      yaml: `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: ${namespace}
data:
  greeting: hello
`,
    },
    {
      id: 'job',
      label: 'Job',
      yaml: `apiVersion: batch/v1
kind: Job
metadata:
  name: once
  namespace: ${namespace}
spec:
  backoffLimit: 2
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: once
          image: busybox
          command: ["sh", "-c", "echo done"]
`,
    },
  ];
}
