/**
 * Assembles kube-apiserver from its parts: storage over the store (with Secrets
 * encrypted at rest), the watch hub, the served resources (built-ins and CRDs),
 * authentication and RBAC, admission, per-kind strategies, schema validation, patching,
 * Table printing, discovery and OpenAPI; then bootstraps the cluster's default objects.
 */
import type { ClusterPKI } from '../pki/index.js';
import type { Store } from '../store/types.js';
import { namespaceLifecycle } from './admission/plugins/namespace-lifecycle.js';
import { defaultStorageClass } from './admission/plugins/default-storage-class.js';
import { limitRanger } from './admission/plugins/limit-ranger.js';
import { defaultTolerationSeconds, priorityAdmission } from './admission/plugins/pod-defaults.js';
import { resourceQuota } from './admission/plugins/resource-quota.js';
import { ServiceAllocator } from './admission/plugins/service-allocation.js';
import { serviceAccountAdmission } from './admission/plugins/service-account.js';
import { csrRequestor } from './admission/plugins/csr-requestor.js';
import { AdmissionChain } from './admission/types.js';
import { createAuthenticator } from './auth/authn.js';
import { createRbacAuthorizer } from './auth/rbac/index.js';
import { bootstrapCluster } from './bootstrap.js';
import { eventLeases } from './caches/event-leases.js';
import { ObjectCache } from './caches/object-cache.js';
import { startRbacCache } from './caches/rbac-cache.js';
import { CRDManager } from './crd/manager.js';
import type { HandlerContext } from './handlers/context.js';
import { applyPatch, managedFields } from './handlers/patching.js';
import { reviewHandlers } from './handlers/reviews.js';
import { kubeletMetricsAPI, METRICS_RESOURCES } from './metrics-api/index.js';
import { createOpenAPIService } from './openapi/index.js';
import { tablePrinter } from './printers/adapter.js';
import { createStrategy } from './admission/strategy.js';
import { BUILTIN_RESOURCES } from './resources/catalog.js';
import { eventsV1Conversion } from './resources/conversions/events.js';
import { ResourceRegistry } from './resources/registry.js';
import { schemaCheck } from './schema/adapter.js';
import { applySchemaDefaults } from './schema/defaults.js';
import { SchemaValidator } from './schema/index.js';
import { startAPIServer, type APIServer, type RequestAuthorizer } from './server.js';
import { loopbackWatch } from './loopback-watch.js';
import { withAuthenticatedGroup, type UserInfo } from './auth/user.js';
import type { Loopback } from '../client/loopback.js';
import { Codec } from './storage/codec.js';
import { AesGcmTransformer, prefixTransformer } from './storage/transformer.js';
import { WatchHub } from './storage/watch-hub.js';

export const KUBERNETES_VERSION = { major: '1', minor: '34', gitVersion: 'v1.34.0-kubarium' };

export interface KubeAPIServerOptions {
  store: Store;
  pki: ClusterPKI;
  host: string;
  port: number;
  /** Address in-cluster clients reach the API server on (the `kubernetes` Service's endpoint). */
  advertiseAddress: string;
  serviceCIDR?: string;
  /** More Prometheus text appended to /metrics. */
  extraMetrics?: () => string | Promise<string>;
  log?: (line: string) => void;
}

export interface KubeAPIServer {
  readonly port: number;
  readonly registry: ResourceRegistry;
  readonly server: APIServer;
  /** The server for a component in this process acting as `user`: loopback watches (loopback-watch.ts) and in-memory connections. */
  loopback(user: UserInfo): Loopback;
  stop(): Promise<void>;
}

export async function startKubeAPIServer(opts: KubeAPIServerOptions): Promise<KubeAPIServer> {
  const log = opts.log ?? (() => {});
  const codec = new Codec(prefixTransformer(['/registry/secrets/'], new AesGcmTransformer(opts.pki.encryptionKey)));
  const registry = new ResourceRegistry(opts.store, codec, undefined);
  const hub = new WatchHub(opts.store, registry.eventDecoder, log);
  registry.setHub(hub);
  await hub.start();

  const strategy = createStrategy();
  const validator = new SchemaValidator();
  const leaseForEvents = eventLeases(opts.store);
  for (const info of BUILTIN_RESOURCES) {
    const readHook = strategy.readHook(info.group, info.version, info.kind);
    const isEventsV1 = info.group === 'events.k8s.io';
    registry.add(info, {
      readHook,
      leaseFor: info.resource === 'events' ? leaseForEvents : undefined,
      conversion: isEventsV1 ? eventsV1Conversion : undefined,
    });
  }

  // metrics.k8s.io, served here from the kubelets rather than by an aggregated metrics-server.
  for (const info of METRICS_RESOURCES) registry.add(info);

  const openapi = createOpenAPIService(BUILTIN_RESOURCES);
  const serviceAllocator = new ServiceAllocator(opts.serviceCIDR);
  await serviceAllocator.init(registry.storeFor('', 'services')!, hub);

  const rbacSource = await startRbacCache(registry, hub);
  const authorizer = createRbacAuthorizer(rbacSource);
  const secrets = registry.storeFor('', 'secrets')!;
  const authenticator = createAuthenticator({
    clientCA: opts.pki.ca.cert,
    serviceAccountTokens: {
      signingKey: opts.pki.serviceAccountKeys.privateKey,
      lookupUID: async (kind, ns, name) => {
        const resource = { ServiceAccount: 'serviceaccounts', Pod: 'pods', Secret: 'secrets', Node: 'nodes' }[kind];
        const obj = await registry.storeFor('', resource)?.tryGet(kind === 'Node' ? undefined : ns, name);
        return obj?.metadata?.uid;
      },
    },
    getSecret: async (ns, name) => (await secrets.tryGet(ns, name)) as never,
  });

  // Admission reads what it needs from in-memory caches, as upstream's plugins read informers.
  const cache = (group: string, resource: string) => new ObjectCache(registry.storeFor(group, resource)!).start(hub);
  const admission = new AdmissionChain([
    namespaceLifecycle(await cache('', 'namespaces')),
    serviceAccountAdmission(await cache('', 'serviceaccounts')),
    serviceAllocator.plugin(),
    priorityAdmission(await cache('scheduling.k8s.io', 'priorityclasses')),
    defaultTolerationSeconds,
    defaultStorageClass(await cache('storage.k8s.io', 'storageclasses')),
    limitRanger(await cache('', 'limitranges')),
    resourceQuota(registry, await cache('', 'resourcequotas')),
    csrRequestor,
  ]);

  const context: HandlerContext = {
    registry,
    hub,
    admission,
    strategy,
    schema: schemaCheck(validator),
    printer: tablePrinter,
    managedFields,
    patch: applyPatch,
    kubelet: {
      tls: { cert: opts.pki.apiserverKubeletClient.cert, key: opts.pki.apiserverKubeletClient.key },
      authorize: async (user, attrs) => (await authorizer.authorize(user, attrs)).allowed,
    },
  };

  const crds = new CRDManager(
    registry,
    registry.storeFor('apiextensions.k8s.io', 'customresourcedefinitions')!,
    hub,
    [
      {
        customResourcesChanged: (versions) => {
          const defs = versions.map((v) => ({ group: v.group, version: v.version, kind: v.kind, plural: v.plural, namespaced: v.namespaced, openAPIV3Schema: (v.schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }) as never }));
          openapi.setCustomResources(defs);
          validator.setCustomResources(defs);
        },
      },
    ],
    (_group, _kind, schema) => (obj) => applySchemaDefaults(schema, obj),
    log,
  );
  await crds.start();

  const storeHealthy = async () => {
    try {
      await opts.store.currentRevision();
      return true;
    } catch {
      return false;
    }
  };
  let bootstrapped = false;
  const virtual = new Map([...reviewHandlers({ authorizer, authenticator, storeHealthy }), ...kubeletMetricsAPI(registry, context.kubelet!, log)]);
  const authorize: RequestAuthorizer['authorize'] = (user, attrs) => authorizer.authorize(user, attrs.resourceRequest ? attrs : { verb: attrs.verb, path: attrs.path });
  const server = await startAPIServer({
    host: opts.host,
    port: opts.port,
    tls: { key: opts.pki.serving.key, cert: opts.pki.serving.cert, ca: opts.pki.ca.cert },
    registry,
    context,
    authenticator,
    authorizer: { authorize },
    openapi,
    virtual,
    readyChecks: [
      { name: 'etcd', check: async () => void (await opts.store.currentRevision()) },
      {
        name: 'poststarthook/bootstrap-controller',
        check: async () => {
          if (!bootstrapped) throw new Error('not finished');
        },
      },
    ],
    version: { ...KUBERNETES_VERSION, gitCommit: '0000000000000000000000000000000000000000', gitTreeState: 'clean', buildDate: '2026-11-23T00:00:00Z', goVersion: `node${process.versions.node}`, compiler: 'kubarium', platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}` },
    extraMetrics: opts.extraMetrics,
    log,
  });
  await bootstrapCluster({ registry, strategy, endpointIP: opts.advertiseAddress, endpointPort: server.port, serviceIP: serviceAllocator.apiServerServiceIP });
  bootstrapped = true;

  const loopback = { context, registry, authorizer: { authorize }, virtual, track: (open: boolean) => void (open ? server.metrics.watchers++ : server.metrics.watchers--) };
  return {
    port: server.port,
    registry,
    server,
    loopback: (user) => {
      const u = withAuthenticatedGroup(user);
      return { watch: loopbackWatch(loopback, u), connect: () => server.connectLoopback(u) };
    },
    stop: async () => {
      await server.close();
      await hub.stop();
    },
  };
}
