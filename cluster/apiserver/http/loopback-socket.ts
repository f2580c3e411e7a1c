/**
 * Two connected in-memory sockets: what one end writes, the other reads. The API server
 * serves HTTP on one end for a client in the same process on the other end (its own
 * scheduler and controllers), so their requests skip TLS and the kernel while passing the
 * same HTTP handling and request chain. Only code in this process can make a pair, so the
 * server trusts the identity it registered for its end (as upstream's loopback client
 * config trusts its own token).
 */
import { Duplex } from 'node:stream';

export class LoopbackSocket extends Duplex {
  private peer: LoopbackSocket | undefined;
  // What node:http reads off a net.Socket (logs, req.socket.remoteAddress).
  readonly remoteAddress = '127.0.0.1';
  readonly remotePort = 0;
  readonly localAddress = '127.0.0.1';
  readonly localPort = 0;
  readonly encrypted = false;

  static pair(): [LoopbackSocket, LoopbackSocket] {
    const a = new LoopbackSocket();
    const b = new LoopbackSocket();
    a.peer = b;
    b.peer = a;
    return [a, b];
  }

  override _read(): void {}

  // Delivered on the loop's next turn (setImmediate), never inside the writer's own call: a
  // server parsing a request synchronously inside the client's write (or the reverse) would
  // re-enter either side's code. Not on the next tick: in-process requests answered in a chain
  // of ticks would run ahead of every socket the loop has not polled yet, and a burst of a
  // scheduler's binds would starve external clients (a GET's p99 doubled under load).
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    const peer = this.peer;
    setImmediate(() => {
      if (peer && !peer.destroyed) peer.push(chunk);
    });
    done();
  }

  override _final(done: (err?: Error | null) => void): void {
    const peer = this.peer;
    setImmediate(() => {
      if (peer && !peer.destroyed) peer.push(null);
    });
    done();
  }

  /** Closing one end closes the other, as a TCP connection's peer sees the close. */
  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    const peer = this.peer;
    this.peer = undefined;
    if (peer && !peer.destroyed) setImmediate(() => peer.destroy());
    done(err);
  }

  // net.Socket's tuning calls, which node:http makes on every connection: nothing to tune in memory.
  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  setTimeout(): this {
    return this;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }
}
