/**
 * The streaming half of the docker runtime (what cri-dockerd's streaming server does
 * over the Docker API): logs (follow, tail, since, timestamps), exec and attach over the
 * engine's hijacked connections (half-closing it ends the process's stdin), resize, the
 * exec's exit code, and port-forward.
 *
 * Port-forward connects to the pod IP: the kubelet runs where the pod network is
 * routed (inside the node container, or on the host for the host's engine in tests), so
 * no socat/nsenter helper is needed. The cost, documented: a process listening only on
 * 127.0.0.1 inside the pod is not reachable this way, unlike upstream's netns dial.
 */
import { connect, type Socket } from 'node:net';
import { PassThrough, Readable, type Duplex } from 'node:stream';
import type Docker from 'dockerode';
import type { LogStreamOptions, StreamingIO, StreamingSession } from './types.js';

/** Docker's `since` takes seconds with a fractional part. */
function sinceParam(ms: number | undefined): number {
  return ms ? Math.max(0, ms / 1000) : 0;
}

/** A non-TTY stream's frames (8-byte header: stream, 3 zero bytes, big-endian length) as plain bytes in order. */
function demuxBuffer(buf: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at + 8 <= buf.length) {
    const size = buf.readUInt32BE(at + 4);
    parts.push(buf.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return Buffer.concat(parts);
}

export async function streamDockerLogs(docker: Docker, id: string, opts: LogStreamOptions = {}): Promise<Readable> {
  const container = docker.getContainer(id);
  const info = await container.inspect();
  const common = {
    stdout: true,
    stderr: true,
    timestamps: opts.timestamps ?? false,
    since: sinceParam(opts.sinceMs),
    ...(opts.tailLines !== undefined ? { tail: opts.tailLines } : {}),
  };
  if (!opts.follow) {
    const buf = (await container.logs({ ...common, follow: false })) as unknown as Buffer;
    return Readable.from([info.Config.Tty ? buf : demuxBuffer(buf)]);
  }
  const raw = (await container.logs({ ...common, follow: true })) as unknown as Readable;
  if (info.Config.Tty) return raw;
  const out = new PassThrough();
  docker.modem.demuxStream(raw, out, out);
  raw.on('end', () => out.end());
  raw.on('error', (err) => out.destroy(err));
  out.on('close', () => raw.destroy());
  return out;
}

/** Wires a hijacked engine connection to the caller's streams; resolves when the output ends. */
function wire(docker: Docker, socket: Duplex, io: StreamingIO): Promise<void> {
  const stdin = io.stdin as Readable | undefined;
  if (stdin) {
    // The stdin's end half-closes the connection: the engine closes the process's stdin.
    stdin.pipe(socket);
  }
  const stdout = io.stdout ?? new PassThrough().resume();
  if (io.tty) socket.pipe(stdout as NodeJS.WritableStream, { end: false });
  else docker.modem.demuxStream(socket, stdout, io.stderr ?? stdout);
  return new Promise((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      if (stdin) stdin.unpipe(socket);
      resolve();
    };
    socket.on('end', finish);
    socket.on('close', finish);
    socket.on('error', finish);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function dockerExec(docker: Docker, id: string, cmd: string[], io: StreamingIO): Promise<StreamingSession> {
  const exec = await docker.getContainer(id).exec({
    Cmd: cmd,
    AttachStdin: !!io.stdin,
    AttachStdout: !!io.stdout,
    AttachStderr: !!io.stderr,
    Tty: io.tty,
  });
  const socket = (await exec.start({ hijack: true, stdin: !!io.stdin, Tty: io.tty })) as unknown as Socket;
  const ended = wire(docker, socket, io);
  const done = ended.then(async () => {
    // The output can end a moment before the engine records the exit.
    for (let i = 0; i < 50; i++) {
      const state = await exec.inspect();
      if (!state.Running) return state.ExitCode ?? undefined;
      await sleep(20);
    }
    return undefined;
  });
  let exited = false;
  void done.then(() => (exited = true));
  const session: StreamingSession = {
    done,
    // The engine answers the start before the process exists, and refuses to resize it until it does.
    resize: async (width, height) => {
      for (let i = 0; i < 50 && !exited; i++) {
        try {
          await exec.resize({ w: width, h: height });
          return;
        } catch {
          await sleep(20);
        }
      }
    },
    close: () => socket.destroy(),
  };
  // The engine's ConsoleSize (API 1.42) leaves the TTY at 0x0 with this engine; resizing at once works.
  if (io.tty && io.initialSize) await session.resize(io.initialSize.width, io.initialSize.height);
  return session;
}

export async function dockerAttach(docker: Docker, id: string, io: StreamingIO): Promise<StreamingSession> {
  const container = docker.getContainer(id);
  const socket = (await container.attach({ stream: true, hijack: true, stdin: !!io.stdin, stdout: !!io.stdout, stderr: !!io.stderr })) as unknown as Socket;
  const done = wire(docker, socket, io).then(() => undefined);
  return {
    done,
    resize: async (width, height) => {
      await container.resize({ w: width, h: height }).catch(() => undefined);
    },
    close: () => socket.destroy(),
  };
}

/** Connects to host:port; rejects with the connection error (ECONNREFUSED and the like). */
export function dialTCP(host: string, port: number, timeoutMs = 10_000): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => socket.destroy(new Error(`dial tcp ${host}:${port}: i/o timeout`)), timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}
