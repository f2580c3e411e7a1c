/**
 * A minimal client of the web-mode WebSocket bridge (`kubarium up --ui`), speaking it as the renderer's web client
 * does: request/reply frames by id, plus the status frames the host pushes. For end-to-end tests.
 */
import WebSocket from 'ws';
import type { BridgeReply, ClusterStatus } from '../../cluster/ui/explorer-api.js';
import type { LaunchedCluster } from './cluster.js';

export class BridgeClient {
  private nextId = 1;
  private readonly pending = new Map<number, (reply: BridgeReply) => void>();
  /** Every status the host pushed, in order. */
  readonly statuses: ClusterStatus[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      const reply = JSON.parse(String(raw)) as BridgeReply;
      if ('status' in reply) this.statuses.push(reply.status);
      else if ('id' in reply) this.pending.get(reply.id)?.(reply);
    });
  }

  /** Connects to the bridge of a launcher started with `--ui` (its `ui <url>` line). */
  static forLauncher(cluster: LaunchedCluster): Promise<BridgeClient> {
    const line = /^ui (\S+)$/m.exec(cluster.logs());
    if (!line) throw new Error(`no "ui <url>" line in:\n${cluster.logs()}`);
    const url = new URL(line[1]);
    return BridgeClient.open(`ws://${url.host}/bridge?token=${url.searchParams.get('token')}`);
  }

  static open(url: string): Promise<BridgeClient> {
    const ws = new WebSocket(url);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new BridgeClient(ws)));
      ws.once('error', reject);
    });
  }

  /** Calls a bridge method; rejects with the ApiError's message when it fails. */
  async call<T>(method: string, ...args: unknown[]): Promise<T> {
    const id = this.nextId++;
    const reply = await new Promise<BridgeReply>((resolve, reject) => {
      this.pending.set(id, resolve);
      this.ws.send(JSON.stringify({ id, method, args }), (err) => err && reject(err));
    });
    this.pending.delete(id);
    if (!('id' in reply)) throw new Error('unexpected frame');
    if (!reply.ok) throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
    return reply.value as T;
  }

  close(): void {
    this.ws.terminate();
  }
}
