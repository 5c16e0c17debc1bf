import { Writable } from 'node:stream';

/**
 * Bytes a connection's socket may hold unsent (in Node, not yet taken by the kernel) before a
 * channel write calls back. ssh2 calls a channel write back as soon as its packets are queued on
 * the socket, while the node's channel window lasts (OpenSSH: 2 MiB), not once they left: over a
 * slow link each stream held up to 2 MiB in Node's buffer, counted as sent. A stream's rate read
 * from that was 43 Mbit/s on a 5 Mbit/s link, and the stream count's first look came seconds late.
 */
export const MAX_UNSENT_BYTES = 256 * 1024;

/** The unsent bytes of one connection's socket, which every channel of the connection shares. */
export class SocketQueue {
  private emptied: Promise<void> | undefined;

  constructor(private readonly socket: Writable) {}

  /**
   * Undefined when the socket holds at most MAX_UNSENT_BYTES (or is gone), else a promise of its
   * 'drain' (its queue emptied). One listener however many channels wait.
   */
  whenSent(): Promise<void> | undefined {
    const s = this.socket;
    if (s.writableLength <= MAX_UNSENT_BYTES || s.destroyed) return undefined;
    return (this.emptied ??= new Promise((resolve) => {
      const done = () => {
        s.off('drain', done).off('close', done);
        this.emptied = undefined;
        resolve();
      };
      s.on('drain', done).on('close', done);
    }));
  }
}

/**
 * `channel` with each write's callback held until the connection's socket sent it (at most
 * MAX_UNSENT_BYTES left), so a writer's callbacks (its backpressure and its progress) follow the
 * wire. Ending it ends the channel. Errors go to the write callbacks, as the channel's did.
 */
export function pacedWritable(channel: Writable, queue: SocketQueue): Writable {
  const paced = new Writable({
    write(chunk: Buffer, _encoding, cb) {
      channel.write(chunk, (err) => {
        const sent = err ? undefined : queue.whenSent();
        if (sent) void sent.then(() => cb());
        else cb(err);
      });
    },
    final(cb) {
      channel.end();
      cb();
    },
  });
  // As the channel's own: a write after the command ended fails its callback, and nothing more.
  paced.on('error', () => undefined);
  return paced;
}
