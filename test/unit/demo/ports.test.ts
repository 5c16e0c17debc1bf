import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import { freePorts } from '../../../src/demo/ports';

describe('demo/ports', () => {
  it('freePorts: distinct ports, all released for the caller to bind', async () => {
    const ports = await freePorts('127.0.0.1', 40);
    assert.equal(new Set(ports).size, 40);
    for (const port of ports) {
      const srv = net.createServer();
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(port, '127.0.0.1', () => resolve());
      });
      await new Promise((r) => srv.close(r));
    }
  });
});
