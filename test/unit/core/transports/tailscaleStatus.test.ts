import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { peerFromStatusJson, tailscalePeer } from '../../../../src/core/transports/tailscaleStatus';

const FIXTURE = fs.readFileSync(path.join(__dirname, 'fixtures/tailscale-status-direct-relayed-offline.json'), 'utf8');

describe('tailscaleStatus', () => {
  it('finds a direct peer, with its tailscale status line', () => {
    const r = peerFromStatusJson(FIXTURE, '100.64.0.11');
    assert.ok(r.available && r.found);
    assert.equal(r.peer.hostName, 'gpu-1');
    assert.equal(r.peer.online, true);
    assert.equal(r.peer.curAddr, '203.0.113.7:41641');
    assert.equal(r.peer.lastSeen, undefined, 'the zero time means never seen');
    assert.equal(r.line, '100.64.0.11  gpu-1  linux  active; direct 203.0.113.7:41641');
    assert.match(r.message, /online, direct/);
  });

  it('flags a peer that only reaches us through a DERP relay', () => {
    const r = peerFromStatusJson(FIXTURE, '100.64.0.12');
    assert.ok(r.available && r.found);
    assert.equal(r.peer.relay, 'nyc');
    assert.equal(r.line, '100.64.0.12  gpu-2  linux  active; relay "nyc"');
    assert.match(r.message, /relayed through DERP "nyc"/);
  });

  it('reports an offline peer with when it was last seen', () => {
    const r = peerFromStatusJson(FIXTURE, '100.64.0.13');
    assert.ok(r.available && r.found);
    assert.equal(r.peer.online, false);
    assert.match(r.line, /offline, last seen 2025-05-01T10:20:30Z$/);
    assert.match(r.message, /offline in tailscale since 2025-05-01/);
  });

  it('knows its own IPs, unknown IPs, a stopped backend and garbage', () => {
    const self = peerFromStatusJson(FIXTURE, 'fd7a:115c:a1e0::1');
    assert.ok(self.available && self.found && self.peer.self);
    const missing = peerFromStatusJson(FIXTURE, '100.64.0.99');
    assert.ok(missing.available && !missing.found && /not a peer/.test(missing.message));
    const stopped = peerFromStatusJson(JSON.stringify({ BackendState: 'NeedsLogin' }), '100.64.0.11');
    assert.ok(stopped.available && !stopped.found && /NeedsLogin.*tailscale up/.test(stopped.message));
    const garbage = peerFromStatusJson('not json', '100.64.0.11');
    assert.ok(garbage.available && !garbage.found);
  });

  describe('tailscalePeer', () => {
    let dir: string;
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-tailscale-'));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('says so when the tailscale CLI is not installed', async () => {
      const r = await tailscalePeer('100.64.0.11', { PATH: path.join(dir, 'empty') }, new AbortController().signal);
      assert.equal(r.available, false);
      assert.match(r.message, /tailscale CLI not found/);
    });

    // No tailscale here: a stand-in CLI that prints the fixture shows the command and its parsing.
    it('runs `tailscale status --json` from PATH and reads the peer', async () => {
      const bin = path.join(dir, 'bin');
      fs.mkdirSync(bin);
      const json = path.join(dir, 'status.json');
      fs.writeFileSync(json, FIXTURE);
      fs.writeFileSync(path.join(bin, 'tailscale'), `#!/bin/sh\n[ "$1 $2" = "status --json" ] || exit 2\ncat '${json}'\n`, { mode: 0o755 });
      const r = await tailscalePeer('100.64.0.12', { PATH: `${bin}:/usr/bin:/bin` }, new AbortController().signal);
      assert.ok(r.available && r.found && r.peer.hostName === 'gpu-2', JSON.stringify(r));
    });
  });
});
