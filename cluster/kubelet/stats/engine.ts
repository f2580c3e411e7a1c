/**
 * What stats collection reads from the node's engine: the kubelet's containers (by the
 * labels its runtime writes, cri-dockerd's) and one-shot stats of each. A seam so the
 * collector is tested without an engine.
 */
import type Docker from 'dockerode';
import { CONTAINER_NAME_LABEL, CONTAINER_TYPE_LABEL, MANAGED_LABEL, podRefFrom } from '../runtime/labels.js';
import type { PodRef } from '../runtime/types.js';
import type { DockerStatsJSON } from './docker-stats.js';

export interface EngineContainer {
  id: string;
  pod: PodRef;
  /** The pod's container name; '' for the sandbox. */
  name: string;
  sandbox: boolean;
  /** running, exited, created, ... (the engine's State). */
  state: string;
  createdMs: number;
}

export interface StatsEngine {
  /** The kubelet's containers, sandboxes included; `all` adds those not running. */
  containers(all: boolean): Promise<EngineContainer[]>;
  /** One reading of a container's counters. */
  stats(id: string): Promise<DockerStatsJSON>;
}

/** The engine through dockerode; `labels` narrows to one runtime's containers (tests sharing an engine). */
export function dockerStatsEngine(docker: Docker, labels: Record<string, string> = {}): StatsEngine {
  const filters = [`${MANAGED_LABEL}=true`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)];
  return {
    async containers(all) {
      const list = await docker.listContainers({ all, filters: { label: filters } });
      return list.map((c) => ({
        id: c.Id,
        pod: podRefFrom(c.Labels),
        name: c.Labels?.[CONTAINER_NAME_LABEL] ?? '',
        sandbox: c.Labels?.[CONTAINER_TYPE_LABEL] === 'podsandbox',
        state: c.State,
        createdMs: c.Created * 1000,
      }));
    },
    async stats(id) {
      // one-shot: no second reading for precpu (we keep our own previous sample), so no 1 s wait per container.
      return (await docker.getContainer(id).stats({ stream: false, 'one-shot': true })) as unknown as DockerStatsJSON;
    },
  };
}
