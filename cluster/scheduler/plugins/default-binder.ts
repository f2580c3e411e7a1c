/** DefaultBinder: POST pods/{name}/binding; the API server sets spec.nodeName and PodScheduled=True, and copies the Binding's annotations onto the pod. */
import type { RestClient } from '../../client/index.js';
import type { PodInfo } from '../pod-info.js';
import type { BindPlugin, CycleState, Status } from '../types.js';

export class DefaultBinder implements BindPlugin {
  readonly name = 'DefaultBinder';
  constructor(private readonly client: Pick<RestClient, 'bind'>) {}
  async bind(_s: CycleState, pod: PodInfo, nodeName: string, annotations?: Record<string, string>): Promise<Status | null> {
    try {
      await this.client.bind({
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name: pod.name, namespace: pod.namespace, uid: pod.pod.metadata?.uid, ...(annotations ? { annotations } : {}) },
        target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
      });
      return null;
    } catch (err) {
      return { code: 'Error', reasons: [(err as Error).message] };
    }
  }
}
