/**
 * A SPDY/3.1 connection over any byte duplex (a raw upgraded socket, or a WebSocket
 * tunnel), with the stream semantics client-go's spdystream expects: SYN_STREAM opens
 * a stream and waits for a SYN_REPLY, DATA with FIN half-closes, RST_STREAM resets,
 * PINGs are echoed. Received data is acknowledged with WINDOW_UPDATEs (per stream and,
 * 3.1, for the connection); the peer's windows are not enforced on what we send, as
 * spdystream does not enforce them either.
 */
import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import { FLAG_FIN, FrameReader, FrameWriter, RstStatus } from './framer.js';
import type { SpdyFrame, SpdyHeaders } from './framer.js';

/** Largest DATA frame we send. */
const MAX_DATA_CHUNK = 32 * 1024;

export type SpdyRole = 'server' | 'client';

/** One SPDY stream: a Duplex of its DATA frames, with the headers it was opened with. */
export class SpdyStream extends Duplex {
  /** Headers of the SYN_STREAM (lower-case names). */
  readonly headers: SpdyHeaders;
  private replied = false;
  private remoteClosed = false;
  private reset = false;
  /** Resolves when the peer answers our SYN_STREAM (client side). */
  readonly replyReceived: Promise<SpdyHeaders>;
  private resolveReply!: (h: SpdyHeaders) => void;
  private rejectReply!: (e: Error) => void;

  constructor(
    private readonly session: SpdySession,
    readonly id: number,
    headers: SpdyHeaders,
  ) {
    super({ allowHalfOpen: true });
    this.headers = headers;
    this.replyReceived = new Promise((resolve, reject) => {
      this.resolveReply = resolve;
      this.rejectReply = reject;
    });
    this.replyReceived.catch(() => undefined);
  }

  /** The first value of a header. */
  header(name: string): string | undefined {
    return this.headers[name.toLowerCase()]?.[0];
  }

  /** Sends the SYN_REPLY accepting the stream (server side). */
  reply(headers: SpdyHeaders = {}, fin = false): Promise<void> {
    if (this.replied) return Promise.resolve();
    this.replied = true;
    return this.session.sendSynReply(this.id, headers, fin);
  }

  /** Abandons the stream: RST_STREAM to the peer, both directions end. */
  resetStream(status: number = RstStatus.CANCEL): void {
    if (this.reset) return;
    this.reset = true;
    this.session.sendRst(this.id, status);
    this.session.forget(this.id);
    this.push(null);
    this.destroy();
  }

  override _read(): void {
    // Data is pushed as frames arrive.
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.reset) return cb(new Error('spdy: stream reset'));
    const sends: Promise<void>[] = [];
    for (let at = 0; at < chunk.length; at += MAX_DATA_CHUNK) sends.push(this.session.sendData(this.id, chunk.subarray(at, at + MAX_DATA_CHUNK), false));
    Promise.all(sends).then(() => cb(), cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (this.reset) return cb();
    this.session.sendData(this.id, Buffer.alloc(0), true).then(() => {
      this.maybeDone();
      cb();
    }, cb);
  }

  /** @internal DATA from the peer. */
  receiveData(data: Buffer, fin: boolean): void {
    if (this.remoteClosed) return;
    if (data.length) this.push(data);
    if (fin) this.receiveFin();
  }

  /** @internal */
  receiveFin(): void {
    if (this.remoteClosed) return;
    this.remoteClosed = true;
    this.push(null);
    this.maybeDone();
  }

  /** @internal */
  receiveReply(headers: SpdyHeaders, fin: boolean): void {
    this.resolveReply(headers);
    if (fin) this.receiveFin();
  }

  /** @internal RST_STREAM from the peer, or the connection went away. */
  receiveReset(why: string): void {
    if (this.reset) return;
    this.reset = true;
    this.rejectReply(new Error(why));
    this.remoteClosed = true;
    this.push(null);
    this.destroy();
  }

  private maybeDone(): void {
    if (this.remoteClosed && this.writableFinished) this.session.forget(this.id);
  }
}

export interface SpdySessionEvents {
  stream: [SpdyStream];
  close: [];
  error: [Error];
}

export class SpdySession extends EventEmitter<SpdySessionEvents> {
  private readonly reader = new FrameReader();
  private readonly writer = new FrameWriter();
  private readonly streams = new Map<number, SpdyStream>();
  /** Frames go out strictly in order: header blocks compress asynchronously. */
  private outQueue: Promise<void> = Promise.resolve();
  /** Incoming frames are handled strictly in order. */
  private inQueue: Promise<void> = Promise.resolve();
  private nextStreamId: number;
  private nextPingId: number;
  private closed = false;
  private lastRemoteStreamId = 0;

  constructor(
    private readonly transport: Duplex,
    readonly role: SpdyRole,
    initial?: Buffer,
  ) {
    super();
    // Clients open odd streams and send odd pings; servers even.
    this.nextStreamId = role === 'client' ? 1 : 2;
    this.nextPingId = role === 'client' ? 1 : 2;
    transport.on('data', (chunk: Buffer) => this.receive(chunk));
    transport.on('end', () => this.close());
    transport.on('close', () => this.close());
    transport.on('error', (err) => {
      this.emit('error', err);
      this.close();
    });
    if (initial?.length) this.receive(initial);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private receive(chunk: Buffer): void {
    if (this.closed) return;
    for (const raw of this.reader.push(chunk)) {
      this.inQueue = this.inQueue.then(async () => {
        if (this.closed) return;
        try {
          this.handle(await this.reader.decode(raw));
        } catch (err) {
          this.emit('error', err as Error);
          this.close();
        }
      });
    }
  }

  private handle(f: SpdyFrame): void {
    switch (f.type) {
      case 'syn_stream': {
        if (this.streams.has(f.streamId) || f.streamId <= this.lastRemoteStreamId) {
          this.sendRst(f.streamId, RstStatus.PROTOCOL_ERROR);
          return;
        }
        this.lastRemoteStreamId = f.streamId;
        const s = new SpdyStream(this, f.streamId, f.headers);
        this.streams.set(f.streamId, s);
        this.emit('stream', s);
        if (f.flags & FLAG_FIN) s.receiveFin();
        return;
      }
      case 'syn_reply':
        this.streams.get(f.streamId)?.receiveReply(f.headers, (f.flags & FLAG_FIN) !== 0);
        return;
      case 'headers':
        if (f.flags & FLAG_FIN) this.streams.get(f.streamId)?.receiveFin();
        return;
      case 'data': {
        const s = this.streams.get(f.streamId);
        if (!s) {
          if (f.data.length || !(f.flags & FLAG_FIN)) this.sendRst(f.streamId, RstStatus.INVALID_STREAM);
          return;
        }
        s.receiveData(f.data, (f.flags & FLAG_FIN) !== 0);
        if (f.data.length) {
          // Give the window back at once: the receive side is never the bottleneck here.
          this.enqueue(async () => Buffer.concat([this.writer.windowUpdate(f.streamId, f.data.length), this.writer.windowUpdate(0, f.data.length)]));
        }
        return;
      }
      case 'rst_stream': {
        const s = this.streams.get(f.streamId);
        this.streams.delete(f.streamId);
        s?.receiveReset(`spdy: stream ${f.streamId} reset by peer (status ${f.status})`);
        return;
      }
      case 'ping':
        // Echo the peer's pings (odd from a client, even from a server); ours coming back need nothing.
        if ((f.id % 2 === 1) === (this.role === 'server')) this.enqueue(async () => this.writer.ping(f.id));
        return;
      case 'goaway':
        this.close();
        return;
      default:
        // SETTINGS and WINDOW_UPDATE: nothing to do (no send-side flow control).
        return;
    }
  }

  private enqueue(frame: () => Promise<Buffer>): Promise<void> {
    const next = this.outQueue.then(async () => {
      if (this.closed) throw new Error('spdy: connection closed');
      const buf = await frame();
      if (this.closed || this.transport.destroyed) throw new Error('spdy: connection closed');
      if (!this.transport.write(buf)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            this.transport.off('drain', done);
            this.transport.off('close', done);
            resolve();
          };
          this.transport.on('drain', done);
          this.transport.on('close', done);
        });
      }
    });
    this.outQueue = next.catch(() => undefined);
    return next;
  }

  /** Opens a stream (client side) and waits for its SYN_REPLY. */
  async openStream(headers: SpdyHeaders): Promise<SpdyStream> {
    const id = this.nextStreamId;
    this.nextStreamId += 2;
    const s = new SpdyStream(this, id, headers);
    this.streams.set(id, s);
    await this.enqueue(() => this.writer.synStream(id, headers));
    await s.replyReceived;
    return s;
  }

  ping(): Promise<void> {
    const id = this.nextPingId;
    this.nextPingId += 2;
    return this.enqueue(async () => this.writer.ping(id));
  }

  /** @internal */
  sendSynReply(id: number, headers: SpdyHeaders, fin: boolean): Promise<void> {
    return this.enqueue(() => this.writer.synReply(id, headers, fin ? FLAG_FIN : 0));
  }

  /** @internal */
  sendData(id: number, data: Buffer, fin: boolean): Promise<void> {
    return this.enqueue(async () => this.writer.data(id, data, fin));
  }

  /** @internal */
  sendRst(id: number, status: number): void {
    this.enqueue(async () => this.writer.rstStream(id, status)).catch(() => undefined);
  }

  /** @internal */
  forget(id: number): void {
    this.streams.delete(id);
  }

  /** Sends GOAWAY, then closes the transport once queued frames are out. */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    await this.enqueue(async () => this.writer.goaway(this.lastRemoteStreamId)).catch(() => undefined);
    this.transport.end();
    this.close();
  }

  /** Tears the connection down: every open stream is reset. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.streams.values()) s.receiveReset('spdy: connection closed');
    this.streams.clear();
    this.reader.close();
    this.writer.close();
    if (!this.transport.destroyed) this.transport.destroy();
    this.emit('close');
  }
}
