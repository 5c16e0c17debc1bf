import type { Socket } from 'node:net';
import type { Client } from 'ssh2';

/**
 * Reused buffers for a connection's outgoing SSH packets. ssh2 allocates a fresh buffer for every
 * packet it sends (up to 32 KiB of channel data each), which V8 frees only once its external memory
 * has grown by ~64 MiB: 16 streams pushing at loopback speed held 30-50 MiB of such garbage (the
 * RSS bench). With ssh2's native ciphers a packet is encrypted in place and written to the socket
 * as it is, so its buffer is free again once that write called back, and is reused.
 *
 * This reaches into ssh2's internals (`_protocol._cipher`, a cipher's `allocPacket`). Where they
 * are not as expected (another ssh2, its JavaScript ciphers, which write other buffers, a login
 * through a jump host, whose socket is not ours) nothing is pooled and ssh2 allocates as ever.
 */

/** Buffers kept per connection: more than a paced connection has in flight (socketPacing.ts). */
const MAX_FREE_BUFFERS = 64;
/** ssh2's largest packet (MAX_PACKET_SIZE in its crypto.js) with room for the longest MAC. */
export const POOLED_PACKET_BYTES = 35000 + 64;
/** ssh2's ciphers that encrypt a packet in place and write that same buffer (its native ones). */
const IN_PLACE_CIPHER = /^(AESGCM|ChaChaPoly|Generic)CipherBinding$/;

interface OutboundCipher {
  allocPacket(payloadLen: number): Buffer;
}

export class PacketPool {
  private readonly free: Buffer[] = [];
  /** Handed out and not yet written back: each whole buffer by its memory. */
  private readonly out = new WeakMap<ArrayBufferLike, Buffer>();
  /** Packets that went out in a reused buffer (for the tests). */
  reused = 0;

  /**
   * `bytes` of a pooled buffer when they fit, else a fresh one: what Buffer.allocUnsafe would give
   * (not Buffer.allocUnsafe itself, which is this very function while a packet is allocated).
   */
  take(bytes: number): Buffer<ArrayBuffer> {
    if (bytes > POOLED_PACKET_BYTES) return Buffer.allocUnsafeSlow(bytes);
    let whole = this.free.pop();
    if (whole) this.reused++;
    else whole = Buffer.allocUnsafeSlow(POOLED_PACKET_BYTES);
    this.out.set(whole.buffer, whole);
    return whole.subarray(0, bytes) as Buffer<ArrayBuffer>;
  }

  owns(chunk: unknown): chunk is Buffer {
    return Buffer.isBuffer(chunk) && this.out.has(chunk.buffer);
  }

  /** The socket is done with `chunk` (one `owns` said yes to): its buffer may be handed out again. */
  release(chunk: Buffer): void {
    const whole = this.out.get(chunk.buffer);
    if (!whole) return;
    this.out.delete(chunk.buffer);
    if (this.free.length < MAX_FREE_BUFFERS) this.free.push(whole);
  }
}

/**
 * Pools the packets `client` sends over `tcp` (its own socket) from now on, rekeys included;
 * undefined when ssh2's internals are not as expected.
 */
export function poolPackets(client: Client, tcp: Socket): PacketPool | undefined {
  const protocol = (client as unknown as { _protocol?: { _cipher?: unknown } })._protocol;
  if (!protocol || !inPlace(protocol._cipher)) return undefined;
  const pool = new PacketPool();
  let cipher: unknown = protocol._cipher;
  pooledAlloc(protocol._cipher, pool);
  // A rekey puts a new cipher in place.
  Object.defineProperty(protocol, '_cipher', {
    configurable: true,
    enumerable: true,
    get: () => cipher,
    set: (next: unknown) => {
      cipher = next;
      if (inPlace(next)) pooledAlloc(next, pool);
    },
  });
  const write = tcp.write.bind(tcp) as (chunk: Buffer, cb: (err?: Error | null) => void) => boolean;
  // ssh2 writes a packet with no callback; ours hands its buffer back once the socket is done with
  // it (written to the kernel, or failed).
  tcp.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (rest.length === 0 && pool.owns(chunk)) return write(chunk, () => pool.release(chunk));
    return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as Socket['write'];
  return pool;
}

function inPlace(cipher: unknown): cipher is OutboundCipher {
  const c = cipher as { allocPacket?: unknown; constructor?: { name?: string } } | undefined;
  return typeof c?.allocPacket === 'function' && IN_PLACE_CIPHER.test(c.constructor?.name ?? '');
}

/**
 * The cipher's allocPacket, its buffer from `pool`: the packet's layout (length, padding, room for
 * the MAC) stays ssh2's, only Buffer.allocUnsafe is ours for the length of the call (synchronous).
 */
function pooledAlloc(cipher: OutboundCipher, pool: PacketPool): void {
  const alloc = cipher.allocPacket;
  cipher.allocPacket = function (this: OutboundCipher, payloadLen: number): Buffer {
    const own = Buffer.allocUnsafe;
    Buffer.allocUnsafe = (bytes: number) => pool.take(bytes);
    try {
      return alloc.call(this, payloadLen);
    } finally {
      Buffer.allocUnsafe = own;
    }
  };
}
