/**
 * NamespaceLifecycle, as the upstream admission plugin: no new objects in a namespace
 * that does not exist or is being terminated, and the immortal namespaces
 * (default, kube-system, kube-public) cannot be deleted.
 */
import { forbiddenMessage, notFound, StatusError } from '../../../api/status.js';
import type { ObjectLister } from '../../caches/object-cache.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../types.js';

const IMMORTAL = new Set(['default', 'kube-system', 'kube-public']);

export function namespaceLifecycle(namespaces: ObjectLister): AdmissionPlugin {
  return {
    name: 'NamespaceLifecycle',
    async validate(a: AdmissionAttributes): Promise<void> {
      const info = a.resource.info;
      if (info.group === '' && info.resource === 'namespaces') {
        if (a.operation === 'DELETE' && a.name && IMMORTAL.has(a.name)) {
          throw forbiddenMessage('', 'namespaces', a.name, 'this namespace may not be deleted');
        }
        return;
      }
      if (!info.namespaced || a.operation !== 'CREATE' || !a.namespace) return;
      // Events may be written into a terminating namespace (they describe its teardown).
      const ns = await namespaces.get(undefined, a.namespace);
      if (!ns) throw notFound('', 'namespaces', a.namespace);
      if (ns.metadata?.deletionTimestamp && !(info.group === '' && info.resource === 'events')) {
        throw new StatusError(403, 'Forbidden', `${info.resource}${info.group ? '.' + info.group : ''} "${a.name ?? ''}" is forbidden: unable to create new content in namespace ${a.namespace} because it is being terminated`, {
          name: a.name,
          kind: info.resource,
          causes: [{ type: 'NamespaceTerminating', message: `namespace ${a.namespace} is being terminated`, field: 'metadata.namespace' }],
        });
      }
    },
  };
}
