/**
 * The gRPC health-checking protocol's Check call (grpc.health.v1.Health/Check), as the
 * kubelet's grpc probe makes it (pkg/probe/grpc): plaintext HTTP/2, one length-prefixed
 * HealthCheckRequest{service}, success when the HealthCheckResponse's status is SERVING.
 * The two messages have one field each, so they are encoded here rather than with a
 * protobuf library.
 */
import http2 from 'node:http2';
import type { ProbeOutcome } from './types.js';

const STATUS_NAMES = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];
const GRPC_CODES = ['OK', 'Canceled', 'Unknown', 'InvalidArgument', 'DeadlineExceeded', 'NotFound', 'AlreadyExists', 'PermissionDenied', 'ResourceExhausted', 'FailedPrecondition', 'Aborted', 'OutOfRange', 'Unimplemented', 'Internal', 'Unavailable', 'DataLoss', 'Unauthenticated'];

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}

/** A gRPC message frame (flag 0, big-endian length) holding HealthCheckRequest{service: 1}. */
export function healthCheckRequest(service: string): Buffer {
  const name = Buffer.from(service, 'utf8');
  const msg = name.length ? Buffer.concat([Buffer.from([0x0a]), varint(name.length), name]) : Buffer.alloc(0);
  const header = Buffer.alloc(5);
  header.writeUInt32BE(msg.length, 1);
  return Buffer.concat([header, msg]);
}

/** HealthCheckResponse.status (field 1, varint) from a response frame; 0 (UNKNOWN) when absent. */
export function healthCheckStatus(frame: Buffer): number {
  const msg = frame.subarray(5, 5 + (frame.length >= 5 ? frame.readUInt32BE(1) : 0));
  let at = 0;
  while (at < msg.length) {
    const tag = msg[at++];
    if (tag === 0x08) {
      let value = 0;
      let shift = 0;
      while (at < msg.length) {
        const b = msg[at++];
        value |= (b & 0x7f) << shift;
        if (!(b & 0x80)) break;
        shift += 7;
      }
      return value;
    }
    // Skip unknown fields: only varint (0) and length-delimited (2) appear in practice.
    if ((tag & 7) === 2) at += msg[at] + 1;
    else while (at < msg.length && msg[at++] & 0x80);
  }
  return 0;
}

export function grpcHealthCheck(host: string, port: number, service: string, timeoutMs: number): Promise<ProbeOutcome> {
  const addr = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return new Promise((resolve) => {
    let settled = false;
    const session = http2.connect(`http://${addr}`);
    const done = (o: ProbeOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      session.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => done({ result: 'failure', output: `timeout: health rpc did not complete within ${timeoutMs / 1000}s` }), timeoutMs);
    session.on('error', (err: Error) => done({ result: 'failure', output: `timeout: failed to connect service "${addr}" within ${timeoutMs / 1000}s: ${err.message}` }));
    const req = session.request({ ':method': 'POST', ':path': '/grpc.health.v1.Health/Check', 'content-type': 'application/grpc', te: 'trailers', 'user-agent': 'kube-probe/1.34' });
    const chunks: Buffer[] = [];
    let grpcStatus: string | undefined;
    let grpcMessage = '';
    const takeStatus = (h: http2.IncomingHttpHeaders) => {
      if (h['grpc-status'] !== undefined) grpcStatus = String(h['grpc-status']);
      if (h['grpc-message'] !== undefined) grpcMessage = decodeURIComponent(String(h['grpc-message']));
    };
    req.on('response', takeStatus);
    req.on('trailers', takeStatus);
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', (err: Error) => done({ result: 'failure', output: `rpc error: ${err.message}` }));
    req.on('end', () => {
      const code = Number(grpcStatus ?? 2);
      if (code !== 0) {
        done({ result: 'failure', output: `rpc error: code = ${GRPC_CODES[code] ?? code} desc = ${grpcMessage}` });
        return;
      }
      const status = healthCheckStatus(Buffer.concat(chunks));
      done(status === 1 ? { result: 'success', output: '' } : { result: 'failure', output: `service unhealthy (responded with "${STATUS_NAMES[status] ?? status}")` });
    });
    req.end(healthCheckRequest(service));
  });
}
