import { strict as assert } from 'node:assert';
import { Writable } from 'node:stream';
import { MAX_UNSENT_BYTES, pacedWritable, SocketQueue } from '../../../../src/core/ssh/socketPacing';

/** A socket whose writes stay queued (unsent) until `send()`: what a slow link does to Node's buffer. */
function slowSocket(): { socket: Writable; send: () => void } {
  let held: (() => void) | undefined;
  let sending = false;
  const socket = new Writable({ write: (_c, _e, cb) => (sending ? cb() : (held = cb)) });
  return { socket, send: () => ((sending = true), held?.()) };
}

/** ssh2's channel as it behaves while the node's window lasts: its packets go on the socket and it calls back at once. */
function channelOver(socket: Writable): Writable & { ended: boolean } {
  const ch = new Writable({
    write(chunk: Buffer, _e, cb) {
      socket.write(chunk);
      cb();
    },
  }) as Writable & { ended: boolean };
  ch.ended = false;
  ch.on('finish', () => (ch.ended = true));
  ch.on('error', () => undefined); // as session.ts does for ssh2's channels
  return ch;
}

const tick = () => new Promise((r) => setImmediate(r));

describe('socketPacing', () => {
  it('holds a write callback while the socket has more than MAX_UNSENT_BYTES unsent, and calls it once it sent them', async () => {
    const { socket, send } = slowSocket();
    const paced = pacedWritable(channelOver(socket), new SocketQueue(socket));
    let called = false;
    paced.write(Buffer.alloc(MAX_UNSENT_BYTES + 1), () => (called = true));
    await tick();
    assert.equal(called, false, 'called back while the bytes were still in the socket');
    send();
    await tick();
    assert.equal(called, true);
  });

  it('calls back at once while the socket holds at most MAX_UNSENT_BYTES', async () => {
    const { socket } = slowSocket();
    const paced = pacedWritable(channelOver(socket), new SocketQueue(socket));
    let called = false;
    paced.write(Buffer.alloc(MAX_UNSENT_BYTES), () => (called = true));
    await tick();
    assert.equal(called, true);
  });

  it('lets the channels of one connection wait on one listener of the socket', async () => {
    const { socket, send } = slowSocket();
    const queue = new SocketQueue(socket);
    const calls: number[] = [];
    for (let i = 0; i < 20; i++) pacedWritable(channelOver(socket), queue).write(Buffer.alloc(MAX_UNSENT_BYTES), () => calls.push(i));
    await tick();
    assert.ok(calls.length < 20);
    assert.equal(socket.listenerCount('drain'), 1);
    send();
    await tick();
    assert.equal(calls.length, 20);
    assert.equal(socket.listenerCount('drain'), 0);
  });

  it('calls back when the socket closes instead of sending', async () => {
    const { socket } = slowSocket();
    const paced = pacedWritable(channelOver(socket), new SocketQueue(socket));
    let called = false;
    paced.write(Buffer.alloc(MAX_UNSENT_BYTES + 1), () => (called = true));
    await tick();
    socket.destroy();
    await tick();
    assert.equal(called, true);
  });

  it('ends the channel when it ends, after its writes', async () => {
    const { socket } = slowSocket();
    const channel = channelOver(socket);
    const paced = pacedWritable(channel, new SocketQueue(socket));
    paced.end(Buffer.from('commit\n'));
    await tick();
    assert.equal(channel.ended, true);
  });

  it('hands a failed channel write to its callback without an unhandled error', async () => {
    const { socket } = slowSocket();
    const channel = channelOver(socket);
    channel.end();
    const paced = pacedWritable(channel, new SocketQueue(socket));
    const err = await new Promise<Error | null | undefined>((r) => paced.write(Buffer.from('x'), r));
    assert.ok(err instanceof Error);
  });
});
