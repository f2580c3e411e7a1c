/**
 * A watch that keeps going, as client-go's Reflector does (ListAndWatch): list, hand the items
 * on as ADDED events, watch from the list's resourceVersion, resume from the last version seen
 * when the server ends the stream, and list again (after a RESET) when that version expired (410 Gone).
 */
import { StatusError } from '../api/status.js';
import type { GVR } from '../client/gvr.js';
import type { KubeObject, RestClient } from '../client/rest-client.js';
import { toApiError } from './api-error.js';
import type { ApiObject, ExplorerWatchEvent } from './explorer-api.js';

const RETRY_MS = 1000;

export function watchForever(client: RestClient, gvr: GVR, namespace: string | undefined, onEvent: (e: ExplorerWatchEvent) => void): () => void {
  const abort = new AbortController();
  let resourceVersion: string | undefined;
  let started = false;

  const run = async () => {
    while (!abort.signal.aborted) {
      try {
        if (resourceVersion === undefined) {
          const list = await client.listAll<KubeObject>(gvr, { namespace, signal: abort.signal });
          if (abort.signal.aborted) return;
          if (started) onEvent({ type: 'RESET' });
          started = true;
          for (const object of list.items) onEvent({ type: 'ADDED', object: object as ApiObject });
          resourceVersion = list.resourceVersion;
        }
        const stream = await client.watch<KubeObject>(gvr, { namespace, resourceVersion, allowWatchBookmarks: true, timeoutSeconds: 300, signal: abort.signal });
        for await (const ev of stream) {
          if (ev.type === 'ERROR') {
            if (ev.object.code === 410) resourceVersion = undefined;
            else onEvent({ type: 'ERROR', error: toApiError(new StatusError(ev.object.code ?? 500, ev.object.reason ?? '', ev.object.message ?? 'watch error')) });
            break;
          }
          resourceVersion = ev.object.metadata?.resourceVersion ?? resourceVersion;
          if (ev.type !== 'BOOKMARK') onEvent({ type: ev.type, object: ev.object as ApiObject });
        }
      } catch (err) {
        if (abort.signal.aborted) return;
        if (err instanceof StatusError && err.code === 410) resourceVersion = undefined;
        else onEvent({ type: 'ERROR', error: toApiError(err) });
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  };
  void run();
  return () => abort.abort();
}
