import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { P2PTransport, createP2PTransport } from '../../../../../src/core/transports/http/p2p';
import { bytesOf, startTestAgent, type AgentFixture } from '../../../agent/agentFixture';
import { ProbeRound } from '../../../../../src/core/transports/probeRound';
import { knownRoundTrip } from '../../../../../src/core/transports/roundTrips';
import { closedPort, never, nodeFor, tempFile, testOptions, wireTap } from './agentFixtures';

describe('p2p transport', () => {
  let fx: AgentFixture;
  afterEach(async () => fx?.close());

  it('is the p2p link of the chain', () => {
    assert.equal(createP2PTransport(testOptions()).kind, 'p2p');
  });

  it('probes and pushes at the preferred address and p2p_port, not at ssh_host/p2p_public_port', async () => {
    fx = await startTestAgent({}, '127.0.0.2');
    const node = nodeFor(fx.agent, { sshHost: '127.0.0.1', httpPort: await closedPort() });
    const t = new P2PTransport(testOptions());
    const probe = await t.probe(node, never());
    assert.equal(probe.success, true, probe.message);
    assert.match(probe.message, /^p2p: 127\.0\.0\.2:/);
    const local = tempFile(bytesOf(50_000));
    try {
      const r = await t.push(node, { localPath: local.file, remotePath: 'p.bin' }, () => undefined, never());
      assert.ok(r.ok, r.ok ? '' : r.message);
      assert.equal(r.transport, 'p2p');
      assert.ok(fs.readFileSync(path.join(fx.root, 'p.bin')).equals(bytesOf(50_000)));
    } finally {
      local.cleanup();
    }
  });

  it('a push right after its probe (one round) takes its GET /health answer and runs on its connection; alone it asks again on its own', async () => {
    fx = await startTestAgent();
    const tap = await wireTap(fx.agent);
    const node = nodeFor({ address: '127.0.0.1', port: tap.port });
    const t = new P2PTransport(testOptions());
    const local = tempFile(bytesOf(50_000));
    const health = () => tap.requests.filter((h) => h.startsWith('GET /health ')).length;
    try {
      const round = new ProbeRound(never());
      assert.equal((await t.probe(node, never(), round)).success, true);
      const r = await t.push(node, { localPath: local.file, remotePath: 'r.bin' }, () => undefined, never(), round);
      round.close();
      assert.ok(r.ok, r.ok ? '' : r.message);
      assert.deepEqual([health(), tap.heads.length], [1, 1], `one GET /health, one connection: ${tap.requests.map((h) => h.split(' ', 2).join(' ')).join(', ')}`);
      assert.ok(tap.requests.length >= 3, 'the probe, its token check, the push');
      assert.equal(typeof knownRoundTrip(node.name, 'p2p'), 'number', "the probe's connect measured the p2p path (earlyHashes listens)");
      const alone = await t.push(node, { localPath: local.file, remotePath: 'alone.bin' }, () => undefined, never());
      assert.ok(alone.ok, alone.ok ? '' : alone.message);
      assert.equal(health(), 2, 'a push without its probe asks for itself');
      assert.ok(tap.heads.length >= 3, `its own connections: ${tap.heads.length}`);
    } finally {
      local.cleanup();
      await tap.close();
    }
  });

  it("a ranged push right after its probe sends its first stream's ranges and the commit on the probe's connection", async () => {
    fx = await startTestAgent();
    const tap = await wireTap(fx.agent);
    const node = nodeFor({ address: '127.0.0.1', port: tap.port });
    const t = new P2PTransport(testOptions({ streams: 2 }));
    const body = bytesOf(16 * (1 << 20), 3);
    const local = tempFile(body);
    try {
      const round = new ProbeRound(never());
      assert.equal((await t.probe(node, never(), round)).success, true);
      const r = await t.push(node, { localPath: local.file, remotePath: 'big.bin' }, () => undefined, never(), round);
      round.close();
      assert.ok(r.ok, r.ok ? '' : r.message);
      assert.ok(fs.readFileSync(path.join(fx.root, 'big.bin')).equals(body));
      const ranged = tap.requests.filter((h) => /\r\nx-range-start: /i.test(h));
      assert.ok(ranged.length >= 2, `ranges: ${ranged.length}`);
      // The probe's connection (GET /health, the token check, the HEAD, ranges, maybe the commit) and the second stream's.
      assert.equal(tap.heads.length, 2, tap.heads.map((h) => h.split('\r\n', 1)[0]).join(', '));
      assert.ok(/^GET \/health /.test(tap.heads[0]), tap.heads[0].split('\r\n', 1)[0]);
    } finally {
      local.cleanup();
      await tap.close();
    }
  });

  it('is not configured for a node with p2p_enabled: false', async () => {
    fx = await startTestAgent();
    const r = await new P2PTransport(testOptions()).probe(nodeFor(fx.agent, { p2pEnabled: false }), never());
    assert.equal(r.code, 'not_configured');
  });
});
