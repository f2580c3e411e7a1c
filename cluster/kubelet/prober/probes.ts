/**
 * One probe run, as the kubelet's prober (pkg/kubelet/prober/prober.go runProbe and
 * pkg/probe/{exec,http,tcp,grpc}): exec in the container (exit 0 is success), an HTTP GET
 * to the pod IP (2xx and 3xx are success), a TCP connect, or the gRPC health service
 * (SERVING is success). Each gives up after timeoutSeconds.
 */
import http from 'node:http';
import https from 'node:https';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import type { Container, Probe } from 'kubernetes-types/core/v1.js';
import type { StreamingRuntime } from '../runtime/types.js';
import { grpcHealthCheck } from './grpc-health.js';
import type { ExecFn, ProbeOutcome } from './types.js';

/** The most of a probe's output kept (the prober's maxRespBodyLength / exec output limit, 10 KiB). */
export const MAX_PROBE_OUTPUT_BYTES = 10 * 1024;
/** The kubelet's User-Agent for HTTP probes (`kube-probe/<major>.<minor>`). */
export const PROBE_USER_AGENT = 'kube-probe/1.34';

export interface ProbeTarget {
  podIP: string;
  container: Container;
  containerId: string;
  exec?: ExecFn;
}

const ok = (output = ''): ProbeOutcome => ({ result: 'success', output });
const failed = (output: string): ProbeOutcome => ({ result: 'failure', output });

/** A probe's port: a number, or the name of one of the container's ports. */
export function resolvePort(port: number | string | undefined, container: Container): number | undefined {
  if (typeof port === 'number') return port;
  if (port === undefined) return undefined;
  if (/^\d+$/.test(port)) return Number(port);
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

export async function runProbe(probe: Probe, target: ProbeTarget, timeoutMs: number): Promise<ProbeOutcome> {
  if (probe.exec) {
    if (!target.exec) return failed('exec probes are not supported by this runtime');
    const cmd = probe.exec.command ?? [];
    const r = await target.exec(target.containerId, cmd, timeoutMs);
    if (r.timedOut) return failed(`command ${JSON.stringify(cmd.join(' '))} timed out`);
    return r.exitCode === 0 ? ok(r.output) : failed(r.output);
  }
  if (probe.httpGet) {
    const g = probe.httpGet;
    const port = resolvePort(g.port, target.container);
    if (port === undefined) return failed(`couldn't find port: ${g.port} in ${target.container.name}`);
    return httpProbe((g.scheme ?? 'HTTP').toLowerCase() === 'https' ? 'https' : 'http', g.host || target.podIP, port, g.path ?? '/', g.httpHeaders ?? [], timeoutMs);
  }
  if (probe.tcpSocket) {
    const port = resolvePort(probe.tcpSocket.port, target.container);
    if (port === undefined) return failed(`couldn't find port: ${probe.tcpSocket.port} in ${target.container.name}`);
    return tcpProbe(probe.tcpSocket.host || target.podIP, port, timeoutMs);
  }
  if (probe.grpc) return grpcHealthCheck(target.podIP, probe.grpc.port, probe.grpc.service ?? '', timeoutMs);
  return failed('missing probe handler');
}

const hostPort = (host: string, port: number) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

/** Go's net error text for a failed dial, as upstream's messages quote it. */
function dialError(host: string, port: number, err: NodeJS.ErrnoException): string {
  const why = err.code === 'ECONNREFUSED' ? 'connect: connection refused' : err.code === 'EHOSTUNREACH' ? 'connect: no route to host' : err.message;
  return `dial tcp ${hostPort(host, port)}: ${why}`;
}

/** One HTTP GET's outcome: the status code and (at most MAX_PROBE_OUTPUT_BYTES of) the body, or why there was no answer. */
export type HttpGetResult = { code: number; body: string } | { error: string };

/**
 * One HTTP GET as the prober and the lifecycle hooks send it (kube-probe User-Agent,
 * headers given replacing the defaults, TLS not verified, redirects not followed).
 */
export function httpGet(scheme: 'http' | 'https', host: string, port: number, path: string, headers: ReadonlyArray<{ name: string; value: string }>, timeoutMs: number): Promise<HttpGetResult> {
  const url = `${scheme}://${hostPort(host, port)}${path.startsWith('/') ? path : `/${path}`}`;
  const hdrs: Record<string, string | string[]> = { 'User-Agent': PROBE_USER_AGENT, Accept: '*/*' };
  // Headers given in the probe replace the defaults (a Host header sets the virtual host).
  for (const h of headers) {
    const existing = Object.keys(hdrs).find((k) => k.toLowerCase() === h.name.toLowerCase());
    if (existing && !Array.isArray(hdrs[existing])) delete hdrs[existing];
    const prev = hdrs[h.name];
    hdrs[h.name] = prev === undefined ? h.value : [...(Array.isArray(prev) ? prev : [prev]), h.value];
  }
  return new Promise((resolve) => {
    let settled = false;
    const done = (o: HttpGetResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(o);
    };
    const mod = scheme === 'https' ? https : http;
    // TLS is not verified, as the kubelet's probes skip verification.
    const req = mod.get(url, { headers: hdrs, agent: false, ...(scheme === 'https' ? { rejectUnauthorized: false } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < MAX_PROBE_OUTPUT_BYTES) chunks.push(c.subarray(0, MAX_PROBE_OUTPUT_BYTES - size));
        size += c.length;
      });
      const finish = () => done({ code: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      res.on('end', finish);
      res.on('error', finish);
    });
    req.on('error', (err: NodeJS.ErrnoException) => done({ error: `Get "${url}": ${err.code ? dialError(host, port, err) : err.message}` }));
    const timer = setTimeout(() => done({ error: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` }), timeoutMs);
  });
}

export async function httpProbe(scheme: 'http' | 'https', host: string, port: number, path: string, headers: ReadonlyArray<{ name: string; value: string }>, timeoutMs: number): Promise<ProbeOutcome> {
  const r = await httpGet(scheme, host, port, path, headers, timeoutMs);
  if ('error' in r) return failed(r.error);
  // Redirects are not followed: a 3xx is success, as the prober's non-local redirect.
  return r.code >= 200 && r.code < 400 ? ok(r.body) : failed(`HTTP probe failed with statuscode: ${r.code}`);
}

export function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (o: ProbeOutcome) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => done(failed(`dial tcp ${hostPort(host, port)}: i/o timeout`)), timeoutMs);
    socket.once('connect', () => done(ok()));
    socket.once('error', (err: NodeJS.ErrnoException) => done(failed(dialError(host, port, err))));
  });
}

/** Collects at most MAX_PROBE_OUTPUT_BYTES of what is written to it. */
class OutputBuffer extends Writable {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    if (this.size < MAX_PROBE_OUTPUT_BYTES) this.chunks.push(chunk.subarray(0, MAX_PROBE_OUTPUT_BYTES - this.size));
    this.size += chunk.length;
    cb();
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** Exec probes through the runtime's exec (StreamingRuntime): stdout and stderr together, the exit code, a timeout. */
export function execVia(runtime: Pick<StreamingRuntime, 'exec'>): ExecFn {
  return async (containerId, cmd, timeoutMs) => {
    const out = new OutputBuffer();
    const session = await runtime.exec(containerId, cmd, { stdout: out, stderr: out, tty: false });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
    const code = await Promise.race([session.done, timedOut]);
    clearTimeout(timer);
    if (code === 'timeout') {
      // The process is left to finish in the container, as with the CRI's ExecSync timeout.
      session.close();
      return { exitCode: -1, output: out.text(), timedOut: true };
    }
    return { exitCode: code ?? -1, output: out.text() };
  };
}
