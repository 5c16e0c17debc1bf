import { strict as assert } from 'node:assert';
import type { Socket } from 'node:net';
import type { Client } from 'ssh2';
import { PacketPool, poolPackets, POOLED_PACKET_BYTES } from '../../../../src/core/ssh/packetPool';

/** As ssh2's native AES-GCM cipher allocates: length, padding length, payload, padding, tag. */
class AESGCMCipherBinding {
  allocPacket(payloadLen: number): Buffer {
    const packet = Buffer.allocUnsafe(4 + 1 + payloadLen + 8 + 16);
    packet.writeUInt32BE(packet.length - 20, 0);
    return packet;
  }
}
/** ssh2's JavaScript AES-GCM: it writes other buffers than the packet, so nothing may be pooled. */
class AESGCMCipherNative extends AESGCMCipherBinding {}
class ChaChaPolyCipherBinding extends AESGCMCipherBinding {}

/** A socket whose writes call back only when `flush()` says so (Node's buffer, then the kernel). */
function fakeSocket(): { socket: Socket; written: Buffer[]; flush: () => void } {
  const written: Buffer[] = [];
  const pending: (() => void)[] = [];
  const socket = {
    write(chunk: Buffer, cb?: () => void) {
      written.push(chunk);
      if (cb) pending.push(cb);
      return true;
    },
  } as unknown as Socket;
  return { socket, written, flush: () => pending.splice(0).forEach((cb) => cb()) };
}

function clientWith(cipher: unknown): { client: Client; protocol: { _cipher: unknown } } {
  const protocol = { _cipher: cipher };
  return { client: { _protocol: protocol } as unknown as Client, protocol };
}

const memoryOf = (b: Buffer) => b.buffer;

describe('core/ssh/packetPool', () => {
  it('hands a buffer out again only after the socket wrote it', () => {
    const pool = new PacketPool();
    const a = pool.take(1000);
    const b = pool.take(1000);
    assert.equal(a.length, 1000);
    assert.notEqual(memoryOf(a), memoryOf(b), 'two packets in flight share no memory');
    assert.ok(pool.owns(a));
    pool.release(a);
    const c = pool.take(2000);
    assert.equal(memoryOf(c), memoryOf(a));
    assert.equal(c.length, 2000);
    assert.equal(pool.reused, 1);
  });

  it('gives a packet larger than its buffers a fresh one, and does not take it back', () => {
    const pool = new PacketPool();
    const big = pool.take(POOLED_PACKET_BYTES + 1);
    assert.equal(big.length, POOLED_PACKET_BYTES + 1);
    assert.ok(!pool.owns(big));
  });

  it("pools a native cipher's packets over the socket: reused once written, never while a write is pending", () => {
    const { client, protocol } = clientWith(new AESGCMCipherBinding());
    const { socket, written, flush } = fakeSocket();
    const pool = poolPackets(client, socket);
    assert.ok(pool);
    const cipher = protocol._cipher as AESGCMCipherBinding;
    const first = cipher.allocPacket(32768);
    assert.equal(first.readUInt32BE(0), first.length - 20, "ssh2's layout kept");
    socket.write(first);
    const second = cipher.allocPacket(32768);
    assert.notEqual(memoryOf(second), memoryOf(first), 'the first is still being written');
    socket.write(second);
    flush();
    const third = cipher.allocPacket(100);
    assert.ok([memoryOf(first), memoryOf(second)].includes(memoryOf(third)));
    assert.equal(pool.reused, 1);
    assert.equal(written.length, 2);
    assert.ok(!pool.owns(Buffer.allocUnsafe(10)), 'Buffer.allocUnsafe is its own again after the call');
  });

  it('allocates a packet larger than its buffers afresh while it holds Buffer.allocUnsafe', () => {
    const { client, protocol } = clientWith(new AESGCMCipherBinding());
    const { socket } = fakeSocket();
    const pool = poolPackets(client, socket)!;
    const big = (protocol._cipher as AESGCMCipherBinding).allocPacket(POOLED_PACKET_BYTES);
    assert.equal(big.readUInt32BE(0), big.length - 20);
    assert.ok(!pool.owns(big));
  });

  it("takes a rekey's new cipher into the pool", () => {
    const { client, protocol } = clientWith(new AESGCMCipherBinding());
    const { socket, flush } = fakeSocket();
    const pool = poolPackets(client, socket)!;
    protocol._cipher = new ChaChaPolyCipherBinding();
    const p = (protocol._cipher as ChaChaPolyCipherBinding).allocPacket(500);
    assert.ok(pool.owns(p));
    socket.write(p);
    flush();
    (protocol._cipher as ChaChaPolyCipherBinding).allocPacket(500);
    assert.equal(pool.reused, 1);
  });

  it("leaves ssh2's JavaScript ciphers and unknown internals alone", () => {
    const { socket } = fakeSocket();
    const write = socket.write;
    assert.equal(poolPackets(clientWith(new AESGCMCipherNative()).client, socket), undefined);
    assert.equal(poolPackets({} as Client, socket), undefined);
    assert.equal(socket.write, write, 'the socket untouched');
  });

  it('passes writes with a callback, and writes of buffers not its own, through as they are', () => {
    const { client } = clientWith(new AESGCMCipherBinding());
    const { socket, written, flush } = fakeSocket();
    poolPackets(client, socket);
    let called = false;
    const other = Buffer.from('x');
    (socket.write as (c: Buffer, cb: () => void) => boolean)(other, () => (called = true));
    flush();
    assert.ok(called);
    assert.equal(written[0], other);
  });
});
