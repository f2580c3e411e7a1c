/**
 * Shared pieces of the end-to-end tests: a raw HTTPS client that authenticates with
 * the admin client certificate of a kubeconfig (or none, for anonymous requests), a
 * deadline-bound poller for eventually-true things, and a long-running kubectl
 * (`get -w`) whose output lines can be awaited.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpsRequest, Agent } from 'node:https';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { kubectlPath } from '../support/kubectl.js';

interface KubeconfigFile {
  'current-context'?: string;
  contexts?: { name: string; context: { cluster: string; user: string } }[];
  clusters?: { name: string; cluster: { server: string; 'certificate-authority-data'?: string } }[];
  users?: { name: string; user: { 'client-certificate-data'?: string; 'client-key-data'?: string } }[];
}

export interface Credentials {
  server: string;
  ca: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/** Server URL, CA and the admin client certificate of the kubeconfig's current context. */
export function credentialsOf(kubeconfigPath: string): Credentials {
  const config = parse(readFileSync(kubeconfigPath, 'utf8')) as KubeconfigFile;
  const context = config.contexts?.find((c) => c.name === config['current-context']) ?? config.contexts?.[0];
  const cluster = config.clusters?.find((c) => c.name === context?.context.cluster) ?? config.clusters?.[0];
  const user = config.users?.find((u) => u.name === context?.context.user) ?? config.users?.[0];
  if (!cluster?.cluster.server || !cluster.cluster['certificate-authority-data']) throw new Error(`${kubeconfigPath}: no server or CA`);
  const b64 = (s: string | undefined) => (s ? Buffer.from(s, 'base64') : undefined);
  return {
    server: cluster.cluster.server,
    ca: Buffer.from(cluster.cluster['certificate-authority-data'], 'base64'),
    cert: b64(user?.user['client-certificate-data']),
    key: b64(user?.user['client-key-data']),
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: Record<string, unknown> | undefined;
}

export interface RawOptions {
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** Send no client certificate (an anonymous request). */
  anonymous?: boolean;
  timeoutMs?: number;
}

export interface RawClient {
  request(method: string, path: string, opts?: RawOptions): Promise<RawResponse>;
  /** Opens a watch and collects decoded events until `until` says stop, the stream ends, or the timeout. */
  watch(path: string, until: (events: WatchEvent[]) => boolean, timeoutMs?: number): Promise<{ status: number; events: WatchEvent[]; body: string }>;
  close(): void;
}

export interface WatchEvent {
  type: string;
  object: Record<string, unknown> & { metadata?: { name?: string; resourceVersion?: string } ; code?: number; reason?: string };
}

export function rawClient(kubeconfigPath: string): RawClient {
  const creds = credentialsOf(kubeconfigPath);
  const base = new URL(creds.server);
  const admin = new Agent({ ca: creds.ca, cert: creds.cert, key: creds.key, keepAlive: true });
  const anonymous = new Agent({ ca: creds.ca, keepAlive: false });

  const request = (method: string, path: string, opts: RawOptions = {}): Promise<RawResponse> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { Accept: 'application/json', ...opts.headers };
      if (opts.body !== undefined) {
        headers['Content-Type'] ??= 'application/json';
        headers['Content-Length'] = Buffer.byteLength(opts.body);
      }
      const req = httpsRequest(
        { host: base.hostname, port: base.port, path, method, headers, agent: opts.anonymous ? anonymous : admin, servername: undefined },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json: Record<string, unknown> | undefined;
            try {
              json = JSON.parse(text) as Record<string, unknown>;
            } catch {
              json = undefined;
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
          });
          res.on('error', reject);
        },
      );
      req.setTimeout(opts.timeoutMs ?? 30_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on('error', reject);
      req.end(opts.body);
    });

  const watch = (path: string, until: (events: WatchEvent[]) => boolean, timeoutMs = 15_000) =>
    new Promise<{ status: number; events: WatchEvent[]; body: string }>((resolve, reject) => {
      const events: WatchEvent[] = [];
      let body = '';
      let pending = '';
      let status = 0;
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        req.destroy();
        resolve({ status, events, body });
      };
      const timer = setTimeout(finish, timeoutMs);
      const req = httpsRequest({ host: base.hostname, port: base.port, path, method: 'GET', headers: { Accept: 'application/json' }, agent: new Agent({ ca: creds.ca, cert: creds.cert, key: creds.key }) }, (res) => {
        status = res.statusCode ?? 0;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
          pending += chunk;
          let nl: number;
          while ((nl = pending.indexOf('\n')) >= 0) {
            const line = pending.slice(0, nl).trim();
            pending = pending.slice(nl + 1);
            if (!line) continue;
            try {
              events.push(JSON.parse(line) as WatchEvent);
            } catch {
              /* a non-JSON body (an error Status spread over lines) stays in `body` */
            }
          }
          if (until(events)) finish();
        });
        res.on('end', finish);
        res.on('error', finish);
      });
      req.on('error', (err) => {
        if (!done) {
          clearTimeout(timer);
          done = true;
          reject(err);
        }
      });
      req.end();
    });

  return {
    request,
    watch,
    close() {
      admin.destroy();
      anonymous.destroy();
    },
  };
}

/** Polls `probe` until it returns a truthy value or the deadline passes (then throws with the last value). */
export async function eventually<T>(probe: () => Promise<T> | T, what: string, timeoutMs = 20_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastErr: unknown;
  for (;;) {
    try {
      last = await probe();
      if (last) return last;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(last)}${lastErr ? `; last error: ${String(lastErr)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A long-running kubectl (e.g. `get -w`): collects stdout lines, lets a test await one, and is killed by stop(). */
export interface StreamingKubectl {
  lines(): string[];
  stderr(): string;
  /** Resolves when some output line matches, rejects at the deadline. */
  waitForLine(match: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

export function spawnKubectl(args: string[], kubeconfig: string, env: Record<string, string> = {}): StreamingKubectl {
  const cacheDir = join(dirname(kubeconfig), '.kube-cache');
  const child: ChildProcessWithoutNullStreams = spawn(kubectlPath(), ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...args], {
    env: { ...process.env, KUBECONFIG: kubeconfig, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.end();
  const out: string[] = [];
  let partial = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    partial += chunk;
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    out.push(...parts);
    for (const w of waiters) w();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  // A test that fails before stop() must not leave kubectl behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  return {
    lines: () => [...out],
    stderr: () => err,
    waitForLine(match, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = out.find((l) => match.test(l));
          if (hit === undefined) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(hit);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no kubectl output line matched ${match} within ${timeoutMs} ms; lines:\n${out.join('\n')}\nstderr:\n${err}`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
