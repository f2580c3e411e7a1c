/**
 * SPDY/3.1 frames (draft-mbelshe-httpbis-spdy-00, plus 3.1's connection-level
 * WINDOW_UPDATE): encoding, incremental decoding from a byte stream, and the header
 * blocks, zlib-compressed with the SPDY/3 dictionary — one compression context per
 * direction for the whole connection, each block ending on a sync flush, as Go's
 * spdy framer (moby/spdystream, used by client-go) writes and reads them.
 */
import zlib from 'node:zlib';
import { SPDY3_DICTIONARY } from './dictionary.js';

export const SPDY_VERSION = 3;

export const FrameType = {
  SYN_STREAM: 1,
  SYN_REPLY: 2,
  RST_STREAM: 3,
  SETTINGS: 4,
  PING: 6,
  GOAWAY: 7,
  HEADERS: 8,
  WINDOW_UPDATE: 9,
} as const;

export const FLAG_FIN = 0x01;
export const FLAG_UNIDIRECTIONAL = 0x02;

/** RST_STREAM status codes. */
export const RstStatus = {
  PROTOCOL_ERROR: 1,
  INVALID_STREAM: 2,
  REFUSED_STREAM: 3,
  CANCEL: 5,
  INTERNAL_ERROR: 6,
  STREAM_ALREADY_CLOSED: 9,
} as const;

/** Header names are lower-case in SPDY/3; a value may hold several, NUL-separated on the wire. */
export type SpdyHeaders = Record<string, string[]>;

export type SpdyFrame =
  | { type: 'data'; streamId: number; flags: number; data: Buffer }
  | { type: 'syn_stream'; streamId: number; associatedStreamId: number; priority: number; flags: number; headers: SpdyHeaders }
  | { type: 'syn_reply'; streamId: number; flags: number; headers: SpdyHeaders }
  | { type: 'headers'; streamId: number; flags: number; headers: SpdyHeaders }
  | { type: 'rst_stream'; streamId: number; status: number }
  | { type: 'settings'; flags: number; entries: Array<{ flags: number; id: number; value: number }> }
  | { type: 'ping'; id: number }
  | { type: 'goaway'; lastGoodStreamId: number; status: number }
  | { type: 'window_update'; streamId: number; delta: number }
  | { type: 'unknown'; frameType: number; flags: number; payload: Buffer };

/** The largest payload a frame can carry (24-bit length). */
export const MAX_FRAME_PAYLOAD = 0xffffff;

/**
 * One direction's zlib context. Node's zlib is asynchronous, so each block is a write
 * plus a Z_SYNC_FLUSH, and blocks go through one at a time to keep the shared state in order.
 */
class ZContext {
  private queue: Promise<unknown> = Promise.resolve();
  private out: Buffer[] = [];

  constructor(private readonly z: zlib.Deflate | zlib.Inflate) {
    z.on('data', (c: Buffer) => this.out.push(c));
    // Errors surface through the pending block's flush callback below; keep the emitter quiet.
    z.on('error', () => undefined);
  }

  run(input: Buffer): Promise<Buffer> {
    const next = this.queue.then(
      () =>
        new Promise<Buffer>((resolve, reject) => {
          this.out = [];
          let failed: Error | undefined;
          const onError = (err: Error) => (failed = err);
          this.z.once('error', onError);
          this.z.write(input);
          this.z.flush(zlib.constants.Z_SYNC_FLUSH, () => {
            this.z.off('error', onError);
            if (failed) reject(failed);
            else resolve(Buffer.concat(this.out));
          });
        }),
    );
    this.queue = next.catch(() => undefined);
    return next;
  }

  close(): void {
    this.z.close();
  }
}

function encodeHeaderBlock(headers: SpdyHeaders): Buffer {
  const entries = Object.entries(headers);
  const parts: Buffer[] = [];
  const n = Buffer.alloc(4);
  n.writeUInt32BE(entries.length);
  parts.push(n);
  for (const [name, values] of entries) {
    const k = Buffer.from(name.toLowerCase(), 'utf8');
    const v = Buffer.from(values.join('\0'), 'utf8');
    const kl = Buffer.alloc(4);
    kl.writeUInt32BE(k.length);
    const vl = Buffer.alloc(4);
    vl.writeUInt32BE(v.length);
    parts.push(kl, k, vl, v);
  }
  return Buffer.concat(parts);
}

function decodeHeaderBlock(buf: Buffer): SpdyHeaders {
  const headers: SpdyHeaders = {};
  if (buf.length < 4) throw new Error('spdy: short header block');
  const count = buf.readUInt32BE(0);
  let at = 4;
  for (let i = 0; i < count; i++) {
    if (at + 4 > buf.length) throw new Error('spdy: truncated header block');
    const kl = buf.readUInt32BE(at);
    at += 4;
    const name = buf.subarray(at, at + kl).toString('utf8').toLowerCase();
    at += kl;
    if (at + 4 > buf.length) throw new Error('spdy: truncated header block');
    const vl = buf.readUInt32BE(at);
    at += 4;
    const value = buf.subarray(at, at + vl).toString('utf8');
    at += vl;
    (headers[name] ??= []).push(...value.split('\0'));
  }
  return headers;
}

function controlHeader(type: number, flags: number, length: number): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
  h.writeUInt16BE(type, 2);
  h.writeUInt32BE(((flags & 0xff) << 24) | (length & 0xffffff), 4);
  return h;
}

/** Encodes frames for one side of a connection (owns the outgoing compression context). */
export class FrameWriter {
  private readonly deflate = new ZContext(zlib.createDeflate({ dictionary: SPDY3_DICTIONARY, level: zlib.constants.Z_BEST_COMPRESSION }));

  data(streamId: number, data: Buffer, fin: boolean): Buffer {
    if (data.length > MAX_FRAME_PAYLOAD) throw new Error('spdy: data frame too large');
    const h = Buffer.alloc(8);
    h.writeUInt32BE(streamId & 0x7fffffff, 0);
    h.writeUInt32BE(((fin ? FLAG_FIN : 0) << 24) | data.length, 4);
    return Buffer.concat([h, data]);
  }

  async synStream(streamId: number, headers: SpdyHeaders, flags = 0, associatedStreamId = 0, priority = 0): Promise<Buffer> {
    const block = await this.deflate.run(encodeHeaderBlock(headers));
    const body = Buffer.alloc(10);
    body.writeUInt32BE(streamId & 0x7fffffff, 0);
    body.writeUInt32BE(associatedStreamId & 0x7fffffff, 4);
    body.writeUInt8((priority & 0x7) << 5, 8);
    return Buffer.concat([controlHeader(FrameType.SYN_STREAM, flags, body.length + block.length), body, block]);
  }

  async synReply(streamId: number, headers: SpdyHeaders, flags = 0): Promise<Buffer> {
    return this.headerFrame(FrameType.SYN_REPLY, streamId, headers, flags);
  }

  async headers(streamId: number, headers: SpdyHeaders, flags = 0): Promise<Buffer> {
    return this.headerFrame(FrameType.HEADERS, streamId, headers, flags);
  }

  private async headerFrame(type: number, streamId: number, headers: SpdyHeaders, flags: number): Promise<Buffer> {
    const block = await this.deflate.run(encodeHeaderBlock(headers));
    const body = Buffer.alloc(4);
    body.writeUInt32BE(streamId & 0x7fffffff, 0);
    return Buffer.concat([controlHeader(type, flags, 4 + block.length), body, block]);
  }

  rstStream(streamId: number, status: number): Buffer {
    const body = Buffer.alloc(8);
    body.writeUInt32BE(streamId & 0x7fffffff, 0);
    body.writeUInt32BE(status, 4);
    return Buffer.concat([controlHeader(FrameType.RST_STREAM, 0, 8), body]);
  }

  settings(entries: Array<{ flags?: number; id: number; value: number }>): Buffer {
    const body = Buffer.alloc(4 + entries.length * 8);
    body.writeUInt32BE(entries.length, 0);
    entries.forEach((e, i) => {
      body.writeUInt32BE((((e.flags ?? 0) & 0xff) << 24) | (e.id & 0xffffff), 4 + i * 8);
      body.writeUInt32BE(e.value >>> 0, 8 + i * 8);
    });
    return Buffer.concat([controlHeader(FrameType.SETTINGS, 0, body.length), body]);
  }

  ping(id: number): Buffer {
    const body = Buffer.alloc(4);
    body.writeUInt32BE(id >>> 0, 0);
    return Buffer.concat([controlHeader(FrameType.PING, 0, 4), body]);
  }

  goaway(lastGoodStreamId: number, status = 0): Buffer {
    const body = Buffer.alloc(8);
    body.writeUInt32BE(lastGoodStreamId & 0x7fffffff, 0);
    body.writeUInt32BE(status, 4);
    return Buffer.concat([controlHeader(FrameType.GOAWAY, 0, 8), body]);
  }

  windowUpdate(streamId: number, delta: number): Buffer {
    const body = Buffer.alloc(8);
    body.writeUInt32BE(streamId & 0x7fffffff, 0);
    body.writeUInt32BE(delta & 0x7fffffff, 4);
    return Buffer.concat([controlHeader(FrameType.WINDOW_UPDATE, 0, 8), body]);
  }

  close(): void {
    this.deflate.close();
  }
}

/**
 * Splits a byte stream into frames and decodes them (owns the incoming decompression
 * context). `push` bytes as they arrive; `frames()` yields decoded frames in order.
 */
export class FrameReader {
  private readonly inflate = new ZContext(zlib.createInflate({ dictionary: SPDY3_DICTIONARY }));
  private pending: Buffer = Buffer.alloc(0);

  /** Appends bytes; returns the raw frames now complete (decode each with `decode`, in order). */
  push(chunk: Buffer): Array<{ header: Buffer; payload: Buffer }> {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: Array<{ header: Buffer; payload: Buffer }> = [];
    while (this.pending.length >= 8) {
      const length = this.pending.readUInt32BE(4) & 0xffffff;
      if (this.pending.length < 8 + length) break;
      frames.push({ header: this.pending.subarray(0, 8), payload: this.pending.subarray(8, 8 + length) });
      this.pending = this.pending.subarray(8 + length);
    }
    return frames;
  }

  async decode(raw: { header: Buffer; payload: Buffer }): Promise<SpdyFrame> {
    const { header: h, payload: p } = raw;
    const flags = h.readUInt8(4);
    if ((h.readUInt8(0) & 0x80) === 0) {
      return { type: 'data', streamId: h.readUInt32BE(0) & 0x7fffffff, flags, data: p };
    }
    const version = h.readUInt16BE(0) & 0x7fff;
    if (version !== SPDY_VERSION) throw new Error(`spdy: unsupported version ${version}`);
    const type = h.readUInt16BE(2);
    switch (type) {
      case FrameType.SYN_STREAM:
        return {
          type: 'syn_stream',
          streamId: p.readUInt32BE(0) & 0x7fffffff,
          associatedStreamId: p.readUInt32BE(4) & 0x7fffffff,
          priority: p.readUInt8(8) >> 5,
          flags,
          headers: decodeHeaderBlock(await this.inflate.run(p.subarray(10))),
        };
      case FrameType.SYN_REPLY:
        return { type: 'syn_reply', streamId: p.readUInt32BE(0) & 0x7fffffff, flags, headers: decodeHeaderBlock(await this.inflate.run(p.subarray(4))) };
      case FrameType.HEADERS:
        return { type: 'headers', streamId: p.readUInt32BE(0) & 0x7fffffff, flags, headers: decodeHeaderBlock(await this.inflate.run(p.subarray(4))) };
      case FrameType.RST_STREAM:
        return { type: 'rst_stream', streamId: p.readUInt32BE(0) & 0x7fffffff, status: p.readUInt32BE(4) };
      case FrameType.SETTINGS: {
        const n = p.readUInt32BE(0);
        const entries = [];
        for (let i = 0; i < n && 12 + i * 8 <= p.length; i++) {
          const fid = p.readUInt32BE(4 + i * 8);
          entries.push({ flags: fid >>> 24, id: fid & 0xffffff, value: p.readUInt32BE(8 + i * 8) });
        }
        return { type: 'settings', flags, entries };
      }
      case FrameType.PING:
        return { type: 'ping', id: p.readUInt32BE(0) };
      case FrameType.GOAWAY:
        return { type: 'goaway', lastGoodStreamId: p.readUInt32BE(0) & 0x7fffffff, status: p.length >= 8 ? p.readUInt32BE(4) : 0 };
      case FrameType.WINDOW_UPDATE:
        return { type: 'window_update', streamId: p.readUInt32BE(0) & 0x7fffffff, delta: p.readUInt32BE(4) & 0x7fffffff };
      default:
        return { type: 'unknown', frameType: type, flags, payload: p };
    }
  }

  close(): void {
    this.inflate.close();
  }
}
