/**
 * A pod's log for the explorer: GET pods/{name}/log through the API server (which proxies it to the
 * kubelet, as `kubectl logs` does), cut into complete lines and handed on in batches, one per chunk read.
 */
import { StringDecoder } from 'node:string_decoder';
import { PODS, resourcePath } from '../client/gvr.js';
import type { RestClient } from '../client/rest-client.js';
import { toApiError } from './api-error.js';
import type { LogEvent, LogOptions } from './explorer-api.js';

/** The query `kubectl logs` sends for these options (PodLogOptions). */
export function logQuery(o: LogOptions): Record<string, string | number | undefined> {
  return {
    container: o.container || undefined,
    follow: o.follow ? 'true' : undefined,
    previous: o.previous ? 'true' : undefined,
    timestamps: o.timestamps ? 'true' : undefined,
    tailLines: o.tailLines !== undefined && o.tailLines >= 0 ? o.tailLines : undefined,
    sinceSeconds: o.sinceSeconds && o.sinceSeconds > 0 ? o.sinceSeconds : undefined,
  };
}

/** Splits text arriving in chunks into complete lines; `flush` returns the unterminated rest. */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private rest = '';

  push(chunk: Buffer): string[] {
    const text = this.rest + this.decoder.write(chunk);
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  }

  flush(): string[] {
    const last = this.rest + this.decoder.end();
    this.rest = '';
    return last ? [last] : [];
  }
}

/** Streams a pod's log until it ends (the container stopped, or not following) or the returned function is called. */
export function streamPodLogs(client: RestClient, namespace: string, pod: string, options: LogOptions, onEvent: (event: LogEvent) => void): () => void {
  const abort = new AbortController();
  const run = async () => {
    const res = await client.stream(resourcePath(PODS, namespace, pod, 'log'), { query: logQuery(options), signal: abort.signal });
    const lines = new LineSplitter();
    try {
      for await (const chunk of res) {
        const batch = lines.push(chunk as Buffer);
        if (batch.length > 0 && !abort.signal.aborted) onEvent({ type: 'lines', lines: batch });
      }
    } finally {
      res.destroy();
    }
    const last = lines.flush();
    if (abort.signal.aborted) return;
    if (last.length > 0) onEvent({ type: 'lines', lines: last });
    onEvent({ type: 'end' });
  };
  run().catch((err: unknown) => {
    if (!abort.signal.aborted) onEvent({ type: 'error', error: toApiError(err) });
  });
  return () => abort.abort();
}
