import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { pathMtuEvidence } from '../../../../src/core/doctor/pathMtuCheck';

/** The padded GET /health on loopback: a server that answers it, and one that never does. */
describe('doctor: path-MTU check', () => {
  const listen = (server: net.Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

  it('sends GET /health padded to several full-size segments; an answer is `answered`', async () => {
    let padded = 0;
    const server = http.createServer((req, res) => {
      padded = Object.entries(req.headers).filter(([k]) => k.startsWith('x-ringrift-doctor-pad-')).reduce((n, [, v]) => n + String(v).length, 0);
      res.end('{"status":"ok"}');
    });
    const port = await listen(server);
    try {
      const ev = await pathMtuEvidence('127.0.0.1', port, new AbortController().signal);
      assert.equal(ev.outcome, 'answered');
      assert.equal(padded, ev.paddedBytes);
      assert.ok(ev.paddedBytes > 3 * 1500, `${ev.paddedBytes} bytes span several full-size packets`);
      assert.match(ev.detail, /HTTP 200/);
    } finally {
      server.close();
    }
  });

  it('no answer within the bound is `no_answer`; a cancelled doctor is an error, not a finding', async () => {
    const held: net.Socket[] = [];
    const server = net.createServer((s) => void held.push(s));
    const port = await listen(server);
    try {
      const ev = await pathMtuEvidence('127.0.0.1', port, new AbortController().signal, 200);
      assert.deepEqual([ev.outcome, ev.detail], ['no_answer', 'GET /health with 7600 bytes of headers: no answer within 200 ms']);
      const cancel = new AbortController();
      const pending = pathMtuEvidence('127.0.0.1', port, cancel.signal, 5000);
      cancel.abort();
      assert.equal((await pending).outcome, 'error');
    } finally {
      for (const s of held) s.destroy();
      server.close();
    }
  });
});
