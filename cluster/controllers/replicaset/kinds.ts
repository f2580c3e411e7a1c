/**
 * ReplicaSets and ReplicationControllers share one controller, as upstream's
 * replication manager wraps the ReplicaSet controller: they differ only in their
 * resource, their selector's shape (LabelSelector vs a plain map) and the name the
 * controller reports under.
 */
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { ReplicationController } from 'kubernetes-types/core/v1.js';
import { Selector, selectorFromLabelSelector } from '../../api/labels.js';
import { REPLICASETS, REPLICATIONCONTROLLERS } from '../../client/index.js';
import type { GVR } from '../../client/index.js';

/** The fields both kinds have. */
export type ReplicaSetLike = ReplicaSet | ReplicationController;

export interface ReplicaSetKind {
  gvr: GVR;
  apiVersion: string;
  /** Controller name (health, logs) and Event source component. */
  component: string;
  selector(obj: ReplicaSetLike): Selector;
}

export const REPLICA_SET_KIND: ReplicaSetKind = {
  gvr: REPLICASETS,
  apiVersion: 'apps/v1',
  component: 'replicaset-controller',
  selector: (rs) => selectorFromLabelSelector((rs as ReplicaSet).spec?.selector),
};

export const REPLICATION_CONTROLLER_KIND: ReplicaSetKind = {
  gvr: REPLICATIONCONTROLLERS,
  apiVersion: 'v1',
  component: 'replication-controller',
  // An RC's selector is a map; the API server defaults it to the template's labels.
  selector: (rc) => {
    const m = (rc as ReplicationController).spec?.selector ?? rc.spec?.template?.metadata?.labels;
    return m && Object.keys(m).length ? selectorFromLabelSelector({ matchLabels: m }) : Selector.nothing();
  },
};
