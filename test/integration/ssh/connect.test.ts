import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { startCluster, type TestCluster, type TestNode } from '../harness/cluster';
import { nodeSpecOf } from '../harness/nodeSpecs';
import { startProcess, startSilentServer, freePort, type Started } from '../harness/processes';
import { openSsh } from '../../../src/core/ssh/connect';
import { PacketPool } from '../../../src/core/ssh/packetPool';
import { fetchHostKey } from '../../../src/core/ssh/fetchHostKey';
import type { SshSession } from '../../../src/core/ssh/session';
import { DEFAULT_TRANSPORT_OPTIONS, type TransportOptions } from '../../../src/core/transports/transport';

/** openSsh against real OpenSSH sshd nodes on loopback: host keys, auth, ProxyJump, failures. */
describe('integration: core/ssh/connect (real sshd)', function () {
  this.timeout(30000);
  let cluster: TestCluster;
  let dir: string;
  const sessions: SshSession[] = [];
  const never = new AbortController().signal;

  before(async () => {
    cluster = await startCluster([
      { name: 'alpha', agent: false },
      { name: 'guarded', agent: false, logLevel: 'VERBOSE' },
      { name: 'jump', agent: false },
      { name: 'nofwd', agent: false, sshdConfig: ['AllowTcpForwarding no'] },
    ]);
    dir = cluster.dir;
  });
  afterEach(() => sessions.splice(0).forEach((s) => s.close()));
  after(async () => cluster?.stop());

  // Generous bounds where a test is not about them: a busy 2-core machine can take seconds to log in.
  const options = (over: Partial<TransportOptions> = {}): TransportOptions => ({
    ...DEFAULT_TRANSPORT_OPTIONS, connectTimeoutMs: 20000, knownHostsFile: cluster.knownHostsFile, env: { HOME: dir, USER: cluster.user }, ...over,
  });
  const open = async (n: TestNode, over: Partial<TransportOptions> = {}, spec = {}) => {
    const r = await openSsh(nodeSpecOf(cluster, n, spec), options(over), never);
    if (r.ok) sessions.push(r.value);
    return r;
  };
  const knownHostsWith = (name: string, lines: string[]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, lines.join('\n') + '\n');
    return file;
  };

  it('logs in with the node key and runs commands: exit codes, stdout, streamed stdin', async () => {
    const r = await open(cluster.node('alpha'));
    assert.ok(r.ok, !r.ok ? r.message : '');
    const echo = await r.value.exec('echo hello; echo oops >&2; exit 3', { signal: never });
    assert.deepEqual(echo.ok && echo.value, { code: 3, stdout: 'hello\n', stderr: 'oops' });
    const data = Buffer.alloc(3 << 20, 7);
    const cat = await r.value.exec('wc -c', { signal: never, stdin: Readable.from([data]) });
    assert.equal(cat.ok && cat.value.stdout.trim(), String(data.length));
  });

  it("turns Nagle's algorithm off on the login's socket: SSH's small messages go at once, not after a delayed ACK", async () => {
    // Under Nagle a login at 40 ms RTT took 0.59 s (each second message of a pair waited ~3 round
    // trips), without it 0.30 s: measured in the lab. Here: the setting itself, on this node's socket.
    const calls: { port: number | undefined; on: boolean | undefined }[] = [];
    const original = net.Socket.prototype.setNoDelay;
    net.Socket.prototype.setNoDelay = function (this: net.Socket, on?: boolean) {
      calls.push({ port: this.remotePort, on });
      return original.call(this, on);
    };
    try {
      const r = await open(cluster.node('alpha'));
      assert.ok(r.ok, !r.ok ? r.message : '');
    } finally {
      net.Socket.prototype.setNoDelay = original;
    }
    assert.ok(calls.some((c) => c.port === cluster.node('alpha').sshPort && c.on !== false), JSON.stringify(calls));
  });

  it("sends its packets in reused buffers (packetPool.ts), with ssh2's internals as this version has them, and the bytes intact", async () => {
    const pools: PacketPool[] = [];
    const take = PacketPool.prototype.take;
    PacketPool.prototype.take = function (this: PacketPool, bytes: number) {
      if (!pools.includes(this)) pools.push(this);
      return take.call(this, bytes);
    };
    try {
      const r = await open(cluster.node('alpha'));
      assert.ok(r.ok, !r.ok ? r.message : '');
      const data = Buffer.alloc(16 << 20);
      for (let i = 0; i < data.length; i += 4) data.writeUInt32LE((i * 2654435761) >>> 0, i);
      const sum = await r.value.exec('sha256sum', { signal: never, stdin: Readable.from([data]) });
      assert.equal(sum.ok && sum.value.stdout.split(' ')[0], createHash('sha256').update(data).digest('hex'));
    } finally {
      PacketPool.prototype.take = take;
    }
    assert.equal(pools.length, 1, "one pool, the login's");
    // 16 MiB is ~512 packets of 32 KiB: nearly all of them in a buffer an earlier one used.
    assert.ok(pools[0].reused > 400, `reused ${pools[0].reused}`);
  });

  it('verifies against hashed known_hosts entries (ssh-keygen -H)', async () => {
    const file = knownHostsWith('hashed', [cluster.node('alpha').knownHostsLine()]);
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    assert.match(fs.readFileSync(file, 'utf8'), /^\|1\|/);
    const r = await open(cluster.node('alpha'), { knownHostsFile: file });
    assert.ok(r.ok, !r.ok ? r.message : '');
  });

  it('refuses a changed host key before authenticating: the node sees no login attempt', async () => {
    const n = cluster.node('guarded');
    const wrong = cluster.node('alpha').knownHostsLine().replace(/^\S+/, `[${n.address}]:${n.sshPort}`);
    const file = knownHostsWith('changed', ['# line 1', wrong]);
    const logBefore = n.sshdProc!.output().length;
    const r = await open(n, { knownHostsFile: file });
    assert.ok(!r.ok);
    assert.equal(r.code, 'host_key_changed');
    assert.ok(r.message.includes(`host key for [${n.address}]:${n.sshPort} changed (now SHA256:`), r.message);
    assert.ok(r.message.includes(`remove line 2 of ${file}`), r.message);
    await new Promise((res) => setTimeout(res, 200));
    const log = n.sshdProc!.output().slice(logBefore);
    assert.match(log, /Connection (from|closed|reset)/, 'sshd logged the refused connection'); // the log is live
    assert.doesNotMatch(log, /publickey|Accepted|Failed|userauth/i, log);
    // Control: a verified login on the same node does show in that log.
    assert.ok((await open(n)).ok);
    await new Promise((res) => setTimeout(res, 200));
    assert.match(n.sshdProc!.output().slice(logBefore), /Accepted publickey/);
  });

  it('refuses an unknown host key without a callback, and adds it with "always"', async () => {
    const file = path.join(dir, 'empty-known', 'known_hosts');
    const refused = await open(cluster.node('alpha'), { knownHostsFile: file });
    assert.ok(!refused.ok);
    assert.equal(refused.code, 'host_key_unknown');
    assert.match(refused.message, /--accept-new/);
    const accepted = await open(cluster.node('alpha'), { knownHostsFile: file, onUnknownHostKey: async () => 'always' });
    assert.ok(accepted.ok, !accepted.ok ? accepted.message : '');
    assert.equal(fs.readFileSync(file, 'utf8'), cluster.node('alpha').knownHostsLine() + '\n');
    assert.ok((await open(cluster.node('alpha'), { knownHostsFile: file })).ok);
  });

  it('does not count the time a person takes to decide on an unknown key against the connect timeout', async () => {
    const file = path.join(dir, 'slow-prompt', 'known_hosts');
    const slowYes = () => new Promise<'once'>((res) => setTimeout(() => res('once'), 3000));
    const r = await open(cluster.node('alpha'), { knownHostsFile: file, connectTimeoutMs: 2500, onUnknownHostKey: slowYes });
    assert.ok(r.ok, !r.ok ? r.message : '');
    assert.ok(!fs.existsSync(file), "'once' writes nothing");
  });

  it('refuses a host key marked @revoked', async () => {
    const n = cluster.node('alpha');
    const file = knownHostsWith('revoked', [n.knownHostsLine(), `@revoked ${n.knownHostsLine()}`]);
    const r = await open(n, { knownHostsFile: file });
    assert.ok(!r.ok);
    assert.equal(r.code, 'host_key_revoked');
  });

  it('fails authentication with a key the node does not know, naming user, key and ssh-copy-id', async () => {
    const stranger = path.join(dir, 'stranger');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger]);
    const n = cluster.node('alpha');
    const r = await open(n, {}, { sshKey: stranger });
    assert.ok(!r.ok);
    assert.equal(r.code, 'auth_failed');
    assert.ok(r.message.includes(`ssh-copy-id -i ${stranger} ${cluster.user}@${n.address} -p ${n.sshPort}`), r.message);
  });

  it('asks for the passphrase of an encrypted key; without one it says so', async () => {
    const locked = path.join(dir, 'locked');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'pass phrase', '-f', locked]);
    const n = cluster.node('alpha');
    fs.appendFileSync(path.join(n.dir, 'authorized_keys'), fs.readFileSync(locked + '.pub'));
    const asked: string[] = [];
    const ok = await open(n, { onPassphrase: async (k) => (asked.push(k), 'pass phrase') }, { sshKey: locked });
    assert.ok(ok.ok, !ok.ok ? ok.message : '');
    assert.deepEqual(asked, [locked]);
    const no = await open(n, {}, { sshKey: locked });
    assert.ok(!no.ok);
    assert.equal(no.code, 'auth_failed');
    assert.match(no.message, /encrypted and no passphrase was given/);
  });

  it('authenticates through ssh-agent (SSH_AUTH_SOCK) when the hosts file names no key', async () => {
    const sock = path.join(dir, 'agent.sock');
    const agent: Started = startProcess('ssh-agent', ['-D', '-a', sock]);
    try {
      for (let i = 0; i < 50 && !fs.existsSync(sock); i++) await new Promise((res) => setTimeout(res, 50));
      execFileSync('ssh-add', [cluster.clientKey], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
      const r = await open(cluster.node('alpha'), { env: { HOME: dir, SSH_AUTH_SOCK: sock } }, { sshKey: undefined });
      assert.ok(r.ok, !r.ok ? r.message : '');
    } finally {
      await agent.stop();
    }
  });

  describe('ProxyJump from an ssh config file', () => {
    const viaJump = async (jump: TestNode) => {
      const target = cluster.node('alpha');
      const config = path.join(dir, `ssh_config_${jump.name}`);
      fs.writeFileSync(config, `Host inner\n  HostName ${target.address}\n  Port ${target.sshPort}\n  ProxyJump ${cluster.user}@${jump.address}:${jump.sshPort}\n`);
      const spec = nodeSpecOf(cluster, target, { sshHost: 'inner', fields: { ssh_host: 'inner', ssh_key: cluster.clientKey } });
      const r = await openSsh(spec, options({ sshConfigFile: config }), never);
      if (r.ok) sessions.push(r.value);
      return r;
    };

    it('reaches the node through the jump host', async () => {
      const r = await viaJump(cluster.node('jump'));
      assert.ok(r.ok, !r.ok ? r.message : '');
      const out = await r.value.exec('echo through', { signal: never });
      assert.equal(out.ok && out.value.stdout, 'through\n');
    });

    it('really goes through it: a jump host that forbids forwarding fails, naming the jump host', async () => {
      const jump = cluster.node('nofwd');
      const r = await viaJump(jump);
      assert.ok(!r.ok);
      assert.ok(r.message.includes(`jump host ${jump.address}:${jump.sshPort}`), r.message);
    });
  });

  describe('bounded failures', () => {
    it('a closed port is refused at once', async () => {
      const port = await freePort(cluster.node('alpha').address);
      const t = Date.now();
      const r = await open(cluster.node('alpha'), {}, { sshPort: port });
      assert.ok(!r.ok);
      assert.equal(r.code, 'refused');
      assert.ok(Date.now() - t < 2000);
    });

    it('a port that accepts and never answers fails with handshake_timeout within its bound', async () => {
      const silent = await startSilentServer(cluster.node('alpha').address);
      try {
        const t = Date.now();
        const r = await open(cluster.node('alpha'), { connectTimeoutMs: 1000 }, { sshPort: silent.port });
        assert.ok(!r.ok);
        assert.equal(r.code, 'handshake_timeout');
        assert.ok(Date.now() - t < 3000, `took ${Date.now() - t} ms`);
      } finally {
        await silent.close();
      }
    });

    it('cancelling stops a hanging handshake within a second', async () => {
      const silent = await startSilentServer(cluster.node('alpha').address);
      try {
        const ac = new AbortController();
        const t = Date.now();
        setTimeout(() => ac.abort(), 200);
        const r = await openSsh(nodeSpecOf(cluster, cluster.node('alpha'), { sshPort: silent.port }), options(), ac.signal);
        assert.ok(!r.ok);
        assert.equal(r.code, 'cancelled');
        assert.ok(Date.now() - t < 1200, `took ${Date.now() - t} ms`);
      } finally {
        await silent.close();
      }
    });

    it('bounds a remote command with timeoutMs', async () => {
      const r = await open(cluster.node('alpha'));
      assert.ok(r.ok);
      const t = Date.now();
      const slow = await r.value.exec('sleep 20', { signal: never, timeoutMs: 300 });
      assert.ok(!slow.ok);
      assert.equal(slow.code, 'timeout');
      assert.ok(Date.now() - t < 3000);
    });
  });

  it('fetchHostKey reads the key like ssh-keyscan and sends no login', async () => {
    const n = cluster.node('guarded');
    const expected = execFileSync('ssh-keygen', ['-lf', path.join(n.dir, 'host_key.pub')]).toString().split(/\s+/)[1];
    const logBefore = n.sshdProc!.output().length;
    const r = await fetchHostKey(n.address, n.sshPort, 3000, never);
    assert.ok(r.ok, !r.ok ? r.message : '');
    assert.equal(r.value.fingerprint, expected);
    assert.equal(`[${n.address}]:${n.sshPort} ${r.value.keyType} ${r.value.keyBase64}`, n.knownHostsLine());
    await new Promise((res) => setTimeout(res, 200));
    assert.doesNotMatch(n.sshdProc!.output().slice(logBefore), /publickey|Accepted|userauth/i);
  });
});
