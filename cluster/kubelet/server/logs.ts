/**
 * GET /containerLogs/{namespace}/{pod}/{container}: the container's log as text/plain,
 * flushed as it comes, with the PodLogOptions the API server passes through (follow,
 * previous, tailLines, sinceSeconds | sinceTime, timestamps, limitBytes).
 */
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { ContainerRuntime, LogStreamOptions, StreamingRuntime } from '../runtime/types.js';
import { logContainer } from './containers.js';
import { KubeletHttpError } from './http-error.js';

export interface ContainerLogQuery extends LogStreamOptions {
  previous: boolean;
  limitBytes?: number;
}

function nonNegativeInt(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new KubeletHttpError(400, `${name}: invalid value ${JSON.stringify(v)}: must be a non-negative integer`);
  return n;
}

export function parseLogQuery(q: URLSearchParams, now = Date.now()): ContainerLogQuery {
  const sinceSeconds = nonNegativeInt(q, 'sinceSeconds');
  const sinceTime = q.get('sinceTime');
  if (sinceSeconds !== undefined && sinceTime) throw new KubeletHttpError(400, 'at most one of sinceTime or sinceSeconds may be specified');
  let sinceMs: number | undefined;
  if (sinceSeconds !== undefined) sinceMs = now - sinceSeconds * 1000;
  else if (sinceTime) {
    sinceMs = Date.parse(sinceTime);
    if (!Number.isFinite(sinceMs)) throw new KubeletHttpError(400, `sinceTime: invalid value ${JSON.stringify(sinceTime)}`);
  }
  const limitBytes = nonNegativeInt(q, 'limitBytes');
  return {
    follow: q.get('follow') === 'true',
    previous: q.get('previous') === 'true',
    timestamps: q.get('timestamps') === 'true',
    tailLines: nonNegativeInt(q, 'tailLines'),
    sinceMs,
    limitBytes: limitBytes === 0 ? undefined : limitBytes,
  };
}

export async function serveContainerLogs(runtime: ContainerRuntime & StreamingRuntime, pod: Pod, container: string, q: URLSearchParams, res: ServerResponse): Promise<void> {
  const opts = parseLogQuery(q);
  const target = await logContainer(runtime, pod, container, opts.previous);
  // A dead instance has nothing more to say: following it would only wait for nothing.
  const follow = opts.follow && target.state === 'running';
  const stream: Readable = await runtime.streamLogs(target.id, { follow, tailLines: opts.tailLines, sinceMs: opts.sinceMs, timestamps: opts.timestamps });
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' });
  res.flushHeaders();
  let left = opts.limitBytes ?? Infinity;
  await new Promise<void>((resolve) => {
    const stop = () => {
      stream.destroy();
      resolve();
    };
    res.on('close', stop);
    stream.on('data', (chunk: Buffer) => {
      if (left <= 0) return;
      const part = chunk.length > left ? chunk.subarray(0, left) : chunk;
      left -= part.length;
      res.write(part);
      if (left <= 0) {
        res.end();
        stop();
      }
    });
    stream.on('end', () => {
      res.end();
      resolve();
    });
    stream.on('error', () => {
      res.end();
      resolve();
    });
  });
}
