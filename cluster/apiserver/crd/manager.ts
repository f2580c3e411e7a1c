/**
 * Serving custom resources, as kube-apiserver's apiextensions-apiserver does: every
 * CustomResourceDefinition's served versions become resources (discovery, OpenAPI,
 * storage under `/registry/<group>/<plural>/`), the CRD's status gets its
 * NamesAccepted and Established conditions, and deleting a CRD first deletes all its
 * custom resources (the `customresourcecleanup.apiextensions.k8s.io` finalizer).
 */
import type { CustomResourceDefinition } from 'kubernetes-types/apiextensions/v1.js';
import type { ResourceInfo, Verb } from '../resources/catalog.js';
import { ALL_VERBS } from '../resources/catalog.js';
import type { ResourceRegistry, ServedResource } from '../resources/registry.js';
import { nowRFC3339, type KubeObject } from '../storage/object.js';
import type { ResourceStore } from '../storage/resource-store.js';
import type { WatchHub } from '../storage/watch-hub.js';

export const CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

export interface CustomResourceVersion {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  schema: unknown;
}

export interface CRDListener {
  /** Called with every served custom resource version after each change. */
  customResourcesChanged(versions: CustomResourceVersion[]): void;
}

type CRD = CustomResourceDefinition & KubeObject;

export class CRDManager {
  /** CRD name → the served resources it registered. */
  private readonly registered = new Map<string, ServedResource[]>();
  private readonly crdsByName = new Map<string, CRD>();

  constructor(
    private readonly registry: ResourceRegistry,
    private readonly crds: ResourceStore,
    private readonly hub: WatchHub,
    private readonly listeners: CRDListener[],
    private readonly readHookFor: (group: string, kind: string, schema: unknown) => ((obj: KubeObject) => void) | undefined,
    private readonly log: (line: string) => void = () => {},
  ) {}

  async start(): Promise<void> {
    const { items, resourceVersion } = await this.crds.list(undefined);
    for (const crd of items) await this.sync(crd as CRD);
    this.notify();
    await this.hub.subscribe(this.crds.prefix(), Number(resourceVersion), (events) => {
      void (async () => {
        for (const e of events) {
          if (e.type === 'DELETE') this.unregister(e.object.metadata!.name!);
          else await this.sync(e.object as CRD);
        }
        this.notify();
      })().catch((err: Error) => this.log(`crd sync failed: ${err.message}`));
    }, (err) => this.log(`crd watch ended: ${err.message}`));
  }

  private notify(): void {
    const versions: CustomResourceVersion[] = [];
    for (const crd of this.crdsByName.values()) {
      for (const v of crd.spec.versions ?? []) {
        if (!v.served) continue;
        versions.push({
          group: crd.spec.group,
          version: v.name,
          kind: crd.spec.names.kind,
          plural: crd.spec.names.plural,
          namespaced: crd.spec.scope === 'Namespaced',
          schema: v.schema?.openAPIV3Schema,
        });
      }
    }
    for (const l of this.listeners) l.customResourcesChanged(versions);
  }

  private unregister(name: string): void {
    for (const sr of this.registered.get(name) ?? []) this.registry.remove(sr.info.group, sr.info.version, sr.info.resource);
    this.registered.delete(name);
    this.crdsByName.delete(name);
  }

  private async sync(crd: CRD): Promise<void> {
    const name = crd.metadata!.name!;
    if (crd.metadata?.deletionTimestamp) {
      await this.cleanup(crd);
      return;
    }
    this.unregister(name);
    const spec = crd.spec;
    const served: ServedResource[] = [];
    const storagePrefix = `/registry/${spec.group}/${spec.names.plural}`;
    for (const v of spec.versions ?? []) {
      if (!v.served) continue;
      const sub = v.subresources ?? {};
      const info: ResourceInfo = {
        group: spec.group,
        version: v.name,
        resource: spec.names.plural,
        singular: spec.names.singular || spec.names.kind.toLowerCase(),
        kind: spec.names.kind,
        listKind: spec.names.listKind || `${spec.names.kind}List`,
        namespaced: spec.scope === 'Namespaced',
        shortNames: spec.names.shortNames ?? [],
        categories: spec.names.categories ?? [],
        verbs: ALL_VERBS as Verb[],
        subresources: [...(sub.status ? (['status'] as const) : []), ...(sub.scale ? (['scale'] as const) : [])],
        storagePrefix,
        hasStatus: !!sub.status,
        scale: sub.scale ? { specReplicasPath: sub.scale.specReplicasPath, statusReplicasPath: sub.scale.statusReplicasPath, labelSelectorPath: sub.scale.labelSelectorPath } : undefined,
      };
      const apiVersion = `${spec.group}/${v.name}`;
      served.push(
        this.registry.add(info, {
          readHook: this.readHookFor(spec.group, spec.names.kind, v.schema?.openAPIV3Schema),
          // conversion strategy None: only apiVersion changes between versions.
          conversion: {
            toServed: (o) => (o.apiVersion === apiVersion ? o : { ...o, apiVersion }),
            toStored: (o) => {
              const storageVersion = spec.versions.find((x) => x.storage)?.name ?? v.name;
              return { ...o, apiVersion: `${spec.group}/${storageVersion}` };
            },
          },
          custom: { crdName: name, schema: v.schema?.openAPIV3Schema, printerColumns: [...(v.additionalPrinterColumns ?? [])], subresources: { status: !!sub.status, scale: sub.scale } },
        }),
      );
    }
    this.registered.set(name, served);
    this.crdsByName.set(name, crd);
    await this.markEstablished(crd);
  }

  /** NamesAccepted + Established, acceptedNames and storedVersions, as upstream's CRD controllers write them. */
  private async markEstablished(crd: CRD): Promise<void> {
    const status = crd.status as { conditions?: { type: string; status: string }[] } | undefined;
    const established = status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
    const hasFinalizer = crd.metadata?.finalizers?.includes(CLEANUP_FINALIZER);
    if (established && hasFinalizer) return;
    await this.crds.update(undefined, crd.metadata!.name!, (cur) => {
      const now = nowRFC3339();
      const md = cur.metadata!;
      if (!md.finalizers?.includes(CLEANUP_FINALIZER)) md.finalizers = [...(md.finalizers ?? []), CLEANUP_FINALIZER];
      const spec = (cur as CRD).spec;
      const storage = spec.versions.find((v) => v.storage)?.name;
      const prevStatus = (cur.status ?? {}) as { storedVersions?: string[] };
      const stored = new Set(prevStatus.storedVersions ?? []);
      if (storage) stored.add(storage);
      cur.status = {
        conditions: [
          { type: 'NamesAccepted', status: 'True', lastTransitionTime: now, reason: 'NoConflicts', message: 'no conflicts found' },
          { type: 'Established', status: 'True', lastTransitionTime: now, reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
        ],
        acceptedNames: { ...spec.names, singular: spec.names.singular || spec.names.kind.toLowerCase(), listKind: spec.names.listKind || `${spec.names.kind}List` },
        storedVersions: [...stored],
      };
      return cur;
    });
  }

  /** Deletes every custom resource of a CRD being deleted, then lets the CRD go. */
  private async cleanup(crd: CRD): Promise<void> {
    const name = crd.metadata!.name!;
    if (!crd.metadata?.finalizers?.includes(CLEANUP_FINALIZER)) return;
    const store = this.registry.storeFor(crd.spec.group, crd.spec.names.plural);
    if (store) {
      const { items } = await store.list(undefined);
      for (const o of items) {
        try {
          // Custom resources' own finalizers are dropped: the definition they need is going away.
          await store.update(o.metadata?.namespace, o.metadata!.name!, (cur) => {
            delete cur.metadata!.finalizers;
            return cur;
          });
          await store.delete(o.metadata?.namespace, o.metadata!.name!);
        } catch {
          // already gone
        }
      }
    }
    this.unregister(name);
    await this.crds.update(undefined, name, (cur) => {
      cur.metadata!.finalizers = (cur.metadata!.finalizers ?? []).filter((f) => f !== CLEANUP_FINALIZER);
      return cur;
    });
  }
}
