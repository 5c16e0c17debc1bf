import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePort, startSilentServer } from '../../harness/processes';
import { RsyncTransport } from '../../../../src/core/transports/rsync/rsync';
import type { HostKeyDecision, UnknownHostKeyInfo } from '../../../../src/core/transports/transport';
import { never, useRsyncCluster, writeRandomFile } from './rsyncSuite';
import { inOwnRound } from '../../../../src/core/transports/probeRound';

/** The rsync transport's refusals and failures, each from a real cause on loopback. */
describe('rsync transport: failures (real sshd and rsync on loopback)', function () {
  this.timeout(60000);
  const s = useRsyncCluster((work) => {
    // A node without rsync: the shell runs every command, but finds no rsync (as on a bare image).
    const noRsync = path.join(work, 'no-rsync.sh');
    fs.writeFileSync(noRsync, '#!/bin/sh\ncase "$SSH_ORIGINAL_COMMAND" in rsync*) PATH=/nonexistent; export PATH;; esac\nexec /bin/sh -c "$SSH_ORIGINAL_COMMAND"\n', { mode: 0o755 });
    return [{ name: 'bare', agent: false, sshdConfig: [`ForceCommand ${noRsync}`] }];
  });

  it('refuses a changed host key, naming the known_hosts file:line to remove, and sends nothing', async () => {
    const otherKey = path.join(s.work, 'other_host_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', otherKey]);
    const [type, blob] = fs.readFileSync(otherKey + '.pub', 'utf8').split(' ');
    const kh = path.join(s.work, 'known_hosts_changed');
    fs.writeFileSync(kh, `# rebuilt node\n[${s.alpha.address}]:${s.alpha.sshPort} ${type} ${blob}\n`);
    const local = path.join(s.work, 'secret.txt');
    fs.writeFileSync(local, 'secret');
    const t = new RsyncTransport({ ...s.opts, knownHostsFile: kh });
    const r = await s.push(t, s.spec(s.alpha), local, 'changed/secret.txt');
    assert.ok(!r.ok);
    assert.equal(r.code, 'host_key_changed');
    assert.match(r.message, new RegExp(`${kh}:2\\b`));
    assert.equal(fs.existsSync(s.alpha.file('changed')), false);
    const p = await inOwnRound(never(), (round) => t.probe(s.spec(s.alpha), never(), round));
    assert.equal(p.code, 'host_key_changed');
  });


  it('refuses an unknown host key without a callback, and sends nothing', async () => {
    const kh = path.join(s.work, 'known_hosts_empty');
    fs.writeFileSync(kh, '');
    const local = path.join(s.work, 'unknown.txt');
    fs.writeFileSync(local, 'u');
    const r = await s.push(new RsyncTransport({ ...s.opts, knownHostsFile: kh }), s.spec(s.alpha), local, 'unknown/u.txt');
    assert.ok(!r.ok);
    assert.equal(r.code, 'host_key_unknown');
    assert.ok(r.message.includes(kh));
    assert.equal(fs.existsSync(s.alpha.file('unknown')), false);
  });


  it("asks about an unknown key: 'once' pushes without touching known_hosts, 'always' appends it", async () => {
    const fingerprint = execFileSync('ssh-keygen', ['-lf', path.join(s.alpha.dir, 'host_key.pub')]).toString().split(' ')[1];
    const local = path.join(s.work, 'asked.txt');
    fs.writeFileSync(local, 'asked');
    for (const decision of ['once', 'always'] as HostKeyDecision[]) {
      const kh = path.join(s.work, `known_hosts_${decision}`);
      fs.writeFileSync(kh, '');
      const asked: UnknownHostKeyInfo[] = [];
      const t = new RsyncTransport({ ...s.opts, knownHostsFile: kh, onUnknownHostKey: async (info) => (asked.push(info), decision) });
      const r = await s.push(t, s.spec(s.alpha), local, `asked-${decision}.txt`);
      assert.ok(r.ok, !r.ok ? r.message : '');
      assert.equal(asked.length, 1);
      assert.equal(asked[0].fingerprint, fingerprint);
      assert.equal(fs.readFileSync(s.alpha.file(`asked-${decision}.txt`), 'utf8'), 'asked');
      const added = fs.readFileSync(kh, 'utf8');
      if (decision === 'once') assert.equal(added, '');
      else assert.ok(added.includes(s.alpha.hostKeyPub.split(' ')[1]));
    }
  });


  it('reports a full disk on the node as disk_full and keeps the old file', async () => {
    // A 1 MiB tmpfs as the node's directory: a real ENOSPC from the node's rsync (needs root, as the harness runs here).
    const tiny = s.alpha.file('tiny');
    fs.mkdirSync(tiny);
    try {
      s.alpha.mountForSessions('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', tiny]);
    } catch (err) {
      assert.fail(`this test mounts a 1 MiB tmpfs and needs root: ${(err as Error).message}`);
    }
    const old = s.alpha.sessionView(path.join(tiny, 'big.bin'));
    try {
      fs.writeFileSync(old, 'old version');
      const local = path.join(s.work, 'three.bin');
      writeRandomFile(local, 3 * 1024 * 1024);
      const r = await s.push(new RsyncTransport(s.opts), s.spec(s.alpha), local, 'tiny/big.bin');
      assert.ok(!r.ok);
      assert.equal(r.code, 'disk_full', r.message);
      assert.match(r.message, /alpha ran out of disk space/);
      assert.equal(fs.readFileSync(old, 'utf8'), 'old version');
    } finally {
      // The node's rsync may still be closing files there: detach now, freed when it lets go.
      s.alpha.mountForSessions('umount', ['-l', tiny]);
    }
  });


  it('fails a probe of a port that accepts and never answers within its bound', async () => {
    const silent = await startSilentServer(s.alpha.address);
    try {
      const t0 = Date.now();
      const r = await inOwnRound(never(), (round) => new RsyncTransport(s.opts).probe(s.spec(s.alpha, { sshPort: silent.port }), never(), round));
      assert.equal(r.success, false);
      // TCP accepted, sshd silent: ssh's banner timeout, or our deadline when it fires first (never connect_timeout: that is an unanswered SYN).
      assert.ok(r.code === 'handshake_timeout' || r.code === 'timeout', `${r.code}: ${r.message}`);
      assert.ok(Date.now() - t0 < s.opts.probeTimeoutMs + 2000, 'bounded by the probe timeout');
    } finally {
      await silent.close();
    }
  });


  it('reports a closed port as refused, quickly', async () => {
    const port = await freePort(s.alpha.address);
    const t0 = Date.now();
    const r = await inOwnRound(never(), (round) => new RsyncTransport(s.opts).probe(s.spec(s.alpha, { sshPort: port }), never(), round));
    assert.equal(r.code, 'refused', r.message);
    assert.ok(r.message.includes(String(port)));
    assert.ok(Date.now() - t0 < 2500);
  });


  it('reports rsync missing on the node as remote_tool_missing', async () => {
    const bare = s.cluster.node('bare');
    const local = path.join(s.work, 'bare.txt');
    fs.writeFileSync(local, 'b');
    const t = new RsyncTransport(s.opts);
    const p = await inOwnRound(never(), (round) => t.probe(s.spec(bare), never(), round));
    assert.equal(p.code, 'remote_tool_missing', p.message);
    const r = await s.push(t, s.spec(bare), local, 'bare.txt');
    assert.ok(!r.ok);
    assert.equal(r.code, 'remote_tool_missing');
    assert.match(r.message, /install/);
    assert.equal(fs.existsSync(bare.file('bare.txt')), false);
  });
});
