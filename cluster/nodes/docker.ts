/**
 * Small helpers over dockerode shared by the node modules: connecting to the host
 * engine, following streamed JSON progress, recognising "not found", and running a
 * command in a container (docker exec) with optional stdin.
 */
import { PassThrough } from 'node:stream';
import type { Readable } from 'node:stream';
import Docker from 'dockerode';

/** The host's engine, as the docker CLI finds it (DOCKER_HOST, else /var/run/docker.sock). */
export function connectDocker(): Docker {
  return new Docker();
}

/** True when the engine answers a ping within `timeoutMs`. */
export async function engineReachable(docker: Docker, timeoutMs = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  try {
    return await Promise.race([docker.ping().then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Why tests that need Docker skip, or false when an engine answers (for `test(..., { skip })`). */
export async function dockerSkipReason(): Promise<string | false> {
  if (await engineReachable(connectDocker())) return false;
  return 'no Docker engine answers (install docker.io; `npm test` starts dockerd as root)';
}

export function statusCode(err: unknown): number | undefined {
  const code = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

export const isNotFound = (err: unknown): boolean => statusCode(err) === 404;

/** Reads a JSON-lines progress stream (build, import, load) to its end; rejects on an `error` message. */
export function followProgress(docker: Docker, stream: NodeJS.ReadableStream): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(stream, (err: Error | null, output: Array<Record<string, unknown>>) => {
      if (err) return reject(err);
      const failed = output.find((m) => m.error || m.errorDetail);
      if (failed) return reject(new Error(String(failed.error ?? JSON.stringify(failed.errorDetail))));
      resolve(output);
    });
  });
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  /** Piped to the command's stdin, which is then closed. */
  stdin?: Readable | Buffer | string;
  env?: string[];
  timeoutMs?: number;
}

/** `docker exec` in a running container: waits for the command and returns its exit code and output. */
export async function execIn(container: Docker.Container, cmd: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const exec = await container.exec({
    Cmd: cmd,
    Env: opts.env,
    AttachStdin: opts.stdin !== undefined,
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = await exec.start({ hijack: true, stdin: opts.stdin !== undefined });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough().on('data', (c: Buffer) => out.push(c));
  const stderr = new PassThrough().on('data', (c: Buffer) => err.push(c));
  container.modem.demuxStream(stream, stdout, stderr);
  const ended = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  if (opts.stdin !== undefined) {
    const input = opts.stdin;
    if (typeof input === 'string' || Buffer.isBuffer(input)) stream.end(input);
    else input.pipe(stream); // ends (half-closes) the connection when input ends: the command sees EOF
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    if (opts.timeoutMs) timer = setTimeout(() => reject(new Error(`exec ${cmd.join(' ')}: no exit within ${opts.timeoutMs} ms`)), opts.timeoutMs);
  });
  try {
    await Promise.race([ended, timeout]);
  } finally {
    clearTimeout(timer);
    stream.destroy();
  }
  // The stream can end a moment before the engine records the exit code.
  let info = await exec.inspect();
  for (let i = 0; info.Running && i < 100; i++) {
    await new Promise((r) => setTimeout(r, 20));
    info = await exec.inspect();
  }
  return { exitCode: info.ExitCode ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

/** `docker save ref...` as one tar stream (dockerode's getImages, missing from its types). */
export function saveImages(docker: Docker, refs: string[]): Promise<Readable> {
  const api = docker as unknown as { getImages(opts: { names: string[] }): Promise<Readable> };
  return api.getImages({ names: refs });
}

/**
 * Splits a non-TTY container's multiplexed log buffer (8-byte frame headers: stream
 * 1 stdout / 2 stderr, then a big-endian length) into its streams.
 */
export function demuxLogs(buf: Buffer): { stdout: string; stderr: string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let at = 0;
  while (at + 8 <= buf.length) {
    const size = buf.readUInt32BE(at + 4);
    const frame = buf.subarray(at + 8, at + 8 + size);
    (buf[at] === 2 ? err : out).push(frame);
    at += 8 + size;
  }
  return { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}
