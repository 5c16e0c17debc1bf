import * as net from 'node:net';

/**
 * A bare TCP sink and sender for lab measurements, run as its own process (inside a node's
 * namespace, or with the CUBIC shim preloaded):
 *   sink PORT                     prints one JSON line per connection when it closes: {"bytes", "ms"}
 *                                 (ms from first to last byte received)
 *   send HOST PORT BYTES SECONDS  sends BYTES (or for SECONDS, whichever ends first), prints {"sent"}
 * A sender out of time resets the connection, so the sink reports even when data is stuck.
 */

function sink(port: number): void {
  const srv = net.createServer((sock) => {
    let bytes = 0;
    let first = 0;
    let last = 0;
    sock.on('data', (b) => {
      last = Date.now();
      if (!bytes) first = last;
      bytes += b.length;
    });
    sock.on('error', () => undefined);
    sock.on('close', () => process.stdout.write(JSON.stringify({ bytes, ms: last - first }) + '\n'));
  });
  srv.listen(port, '0.0.0.0', () => process.stdout.write('listening\n'));
}

function send(host: string, port: number, bytes: number, seconds: number): void {
  const chunk = Buffer.alloc(64 * 1024, 0x5a);
  const sock = net.connect({ host, port });
  let sent = 0;
  const finish = (how: 'end' | 'reset') => {
    clearTimeout(timer);
    process.stdout.write(JSON.stringify({ sent, how }) + '\n');
    if (how === 'reset') sock.resetAndDestroy();
    else sock.end();
  };
  const timer = setTimeout(() => finish('reset'), seconds * 1000);
  const pump = () => {
    while (sent < bytes) {
      const n = Math.min(chunk.length, bytes - sent);
      sent += n;
      if (!sock.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return;
    }
    finish('end');
  };
  sock.on('connect', pump);
  sock.on('drain', pump);
  sock.on('error', (err) => {
    process.stderr.write(`send: ${err.message}\n`);
    process.exitCode = 1;
  });
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'sink') sink(Number(args[0]));
else if (mode === 'send') send(args[0], Number(args[1]), Number(args[2]), Number(args[3]));
else {
  process.stderr.write('usage: tcpTool sink PORT | send HOST PORT BYTES SECONDS\n');
  process.exitCode = 2;
}
