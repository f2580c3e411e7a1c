/**
 * core/v1 Pod and PodSpec defaulting, after upstream pkg/apis/core/v1/defaults.go
 * (SetDefaults_PodSpec, SetDefaults_Pod, SetDefaults_Container, SetDefaults_Probe, SetDefaults_Volume...)
 * and the generated SetObjectDefaults_* walk that applies them to every nested struct.
 */
import { ensureObject, obj, objects, setDefault, setDefaultString, type JsonObject } from '../json.js';
import { defaultPersistentVolumeClaimSpec } from './storage.js';

/** imagePullPolicy: Always for `:latest` or untagged images, else IfNotPresent (upstream parses with parsers.ParseImageName). */
export function defaultPullPolicy(image: unknown): string {
  if (typeof image !== 'string' || image === '') return 'IfNotPresent';
  const at = image.indexOf('@');
  const named = at >= 0 ? image.slice(0, at) : image;
  const slash = named.lastIndexOf('/');
  const colon = named.lastIndexOf(':');
  const tag = colon > slash ? named.slice(colon + 1) : '';
  const repo = colon > slash ? named.slice(0, colon) : named;
  // The repository path (after an optional registry host) must be lower case; a reference
  // that does not parse leaves the tag empty upstream, hence IfNotPresent.
  const first = repo.split('/')[0];
  const path = repo.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? repo.slice(first.length + 1) : repo;
  if (path !== path.toLowerCase()) return 'IfNotPresent';
  if (tag === 'latest' || (tag === '' && at < 0)) return 'Always';
  return 'IfNotPresent';
}

function defaultHTTPGet(h: JsonObject | undefined): void {
  if (!h) return;
  setDefaultString(h, 'path', '/');
  setDefaultString(h, 'scheme', 'HTTP');
}

function defaultHandler(h: JsonObject | undefined): void {
  if (!h) return;
  defaultHTTPGet(obj(h, 'httpGet'));
}

function defaultProbe(p: JsonObject | undefined): void {
  if (!p) return;
  // SetDefaults_Probe: zero means unset for these int32 fields.
  if (!p.timeoutSeconds) p.timeoutSeconds = 1;
  if (!p.periodSeconds) p.periodSeconds = 10;
  if (!p.successThreshold) p.successThreshold = 1;
  if (!p.failureThreshold) p.failureThreshold = 3;
  defaultHandler(p);
}

function defaultFieldRef(f: JsonObject | undefined): void {
  if (f) setDefaultString(f, 'apiVersion', 'v1');
}

/** SetDefaults_Container plus its nested ports, env, probes and lifecycle handlers. */
function defaultContainer(c: JsonObject): void {
  setDefaultString(c, 'terminationMessagePath', '/dev/termination-log');
  setDefaultString(c, 'terminationMessagePolicy', 'File');
  if (!c.imagePullPolicy) c.imagePullPolicy = defaultPullPolicy(c.image);
  // Container.resources is a non-pointer struct: the API always shows `resources: {}`.
  ensureObject(c, 'resources');
  for (const port of objects(c, 'ports')) setDefaultString(port, 'protocol', 'TCP');
  for (const env of objects(c, 'env')) defaultFieldRef(obj(obj(env, 'valueFrom'), 'fieldRef'));
  defaultProbe(obj(c, 'livenessProbe'));
  defaultProbe(obj(c, 'readinessProbe'));
  defaultProbe(obj(c, 'startupProbe'));
  const lc = obj(c, 'lifecycle');
  defaultHandler(obj(lc, 'postStart'));
  defaultHandler(obj(lc, 'preStop'));
}

function defaultDownwardAPIItems(src: JsonObject | undefined): void {
  for (const item of objects(src, 'items')) defaultFieldRef(obj(item, 'fieldRef'));
}

const VOLUME_SOURCES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap',
  'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos', 'csi',
  'ephemeral', 'image',
];

/** SetDefaults_Volume (emptyDir when no source) and the per-source defaults (defaultMode 0644 = 420...). */
function defaultVolume(v: JsonObject): void {
  if (!VOLUME_SOURCES.some((k) => v[k] !== undefined && v[k] !== null)) v.emptyDir = {};
  for (const k of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    const src = obj(v, k);
    if (src) setDefault(src, 'defaultMode', 420);
  }
  defaultDownwardAPIItems(obj(v, 'downwardAPI'));
  for (const p of objects(obj(v, 'projected'), 'sources')) {
    defaultDownwardAPIItems(obj(p, 'downwardAPI'));
    const token = obj(p, 'serviceAccountToken');
    if (token) setDefault(token, 'expirationSeconds', 3600);
  }
  const image = obj(v, 'image');
  // Image volumes: Always only for an explicit or implied :latest tag.
  if (image && !image.pullPolicy) image.pullPolicy = defaultPullPolicy(image.reference);
  const hostPath = obj(v, 'hostPath');
  if (hostPath) setDefault(hostPath, 'type', '');
  const iscsi = obj(v, 'iscsi');
  if (iscsi) setDefaultString(iscsi, 'iscsiInterface', 'default');
  const rbd = obj(v, 'rbd');
  if (rbd) {
    setDefaultString(rbd, 'pool', 'rbd');
    setDefaultString(rbd, 'user', 'admin');
    setDefaultString(rbd, 'keyring', '/etc/ceph/keyring');
  }
  const azureDisk = obj(v, 'azureDisk');
  if (azureDisk) {
    setDefault(azureDisk, 'cachingMode', 'ReadWrite');
    setDefault(azureDisk, 'kind', 'Shared');
    setDefault(azureDisk, 'fsType', 'ext4');
    setDefault(azureDisk, 'readOnly', false);
  }
  const ephemeralSpec = obj(obj(obj(v, 'ephemeral'), 'volumeClaimTemplate'), 'spec');
  if (ephemeralSpec) defaultPersistentVolumeClaimSpec(ephemeralSpec);
}

/** SetDefaults_PodSpec and everything nested in it; used for Pods and every PodTemplateSpec. */
export function defaultPodSpec(spec: JsonObject): void {
  setDefaultString(spec, 'dnsPolicy', 'ClusterFirst');
  setDefaultString(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefaultString(spec, 'schedulerName', 'default-scheduler');
  for (const c of objects(spec, 'initContainers')) defaultContainer(c);
  for (const c of objects(spec, 'containers')) defaultContainer(c);
  for (const c of objects(spec, 'ephemeralContainers')) defaultContainer(c);
  for (const v of objects(spec, 'volumes')) defaultVolume(v);
}

/** A PodTemplateSpec inside a workload (`spec.template`). */
export function defaultPodTemplateSpec(template: JsonObject | undefined): void {
  if (!template) return;
  const spec = obj(template, 'spec');
  if (spec) defaultPodSpec(spec);
}

/** requests default to limits for every resource that has a limit but no request (SetDefaults_Pod). */
function defaultRequestsFromLimits(resources: JsonObject | undefined): void {
  const limits = obj(resources, 'limits');
  if (!resources || !limits || Object.keys(limits).length === 0) return;
  const requests = ensureObject(resources, 'requests');
  for (const [name, q] of Object.entries(limits)) if (requests[name] === undefined) requests[name] = q;
}

function defaultHostNetworkPorts(containers: JsonObject[]): void {
  for (const c of containers) {
    for (const p of objects(c, 'ports')) if (!p.hostPort) p.hostPort = p.containerPort;
  }
}

/** SetObjectDefaults_Pod: pod spec plus Pod-only defaults. */
export function defaultPod(pod: JsonObject): void {
  const spec = obj(pod, 'spec');
  if (!spec) return;
  defaultPodSpec(spec);
  for (const c of [...objects(spec, 'initContainers'), ...objects(spec, 'containers')]) defaultRequestsFromLimits(obj(c, 'resources'));
  // Pod-level resources (PodLevelResources): requests default to limits for resources no container requests.
  const podResources = obj(spec, 'resources');
  const podLimits = obj(podResources, 'limits');
  if (podResources && podLimits && Object.keys(podLimits).length > 0) {
    const requested = new Set(objects(spec, 'containers').flatMap((c) => Object.keys(obj(obj(c, 'resources'), 'requests') ?? {})));
    const requests = obj(podResources, 'requests') ?? {};
    for (const [name, q] of Object.entries(podLimits)) if (requests[name] === undefined && !requested.has(name)) requests[name] = q;
    if (Object.keys(requests).length > 0) podResources.requests = requests;
  }
  setDefault(spec, 'enableServiceLinks', true);
  if (spec.hostNetwork === true) {
    defaultHostNetworkPorts(objects(spec, 'initContainers'));
    defaultHostNetworkPorts(objects(spec, 'containers'));
  }
}
