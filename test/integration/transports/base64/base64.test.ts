import { strict as assert } from 'node:assert';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startCluster, type TestCluster, type TestNode } from '../../harness/cluster';
import type { FakeSshd } from '../../harness/fakeSshd';
import { startFakeNode } from '../../harness/fakeNode';
import { nodeSpecOf } from '../../harness/nodeSpecs';
import { freePort, startSilentServer } from '../../harness/processes';
import type { NodeSpec } from '../../../../src/core/hosts/nodeSpec';
import { Base64Transport, type Base64Failure } from '../../../../src/core/transports/base64/base64';
import { DEFAULT_TRANSPORT_OPTIONS, type PushResult, type TransportOptions } from '../../../../src/core/transports/transport';
import { inOwnRound } from '../../../../src/core/transports/probeRound';

const MiB = 1024 * 1024;
const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** Size of a partial once the node's `base64 -d` of the cut connection has stopped writing (bounded wait). */
async function settledSize(file: string): Promise<number> {
  let last = -1;
  for (let i = 0; i < 50; i++) {
    const size = fs.statSync(file).size;
    if (size === last) return size;
    last = size;
    await new Promise((res) => setTimeout(res, 200));
  }
  return last;
}

/**
 * The base64 transport against real OpenSSH nodes. Two nodes get a real shell environment fault
 * through sshd's `SetEnv PATH=...`: `tinydisk` finds a `df` first on its PATH that reports 24 KiB
 * free; `nobase64` has a PATH of links to every /usr/bin tool except base64. Connection drops come
 * from the ssh2 fake (harness/fakeSshd.ts), the one thing a real sshd will not do on cue.
 */
describe('integration: base64 transport (real sshd)', function () {
  this.timeout(60000);
  let cluster: TestCluster;
  let work: string;
  let shadowDir: string;
  let noBase64Dir: string;
  const never = new AbortController().signal;

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-b64-'));
    shadowDir = path.join(work, 'shadow-bin');
    fs.mkdirSync(shadowDir);
    fs.writeFileSync(path.join(shadowDir, 'df'), '#!/bin/sh\necho "Filesystem 1024-blocks Used Available Capacity Mounted on"\necho "tinyfs 1024 1000 24 98% /"\n', { mode: 0o755 });
    noBase64Dir = path.join(work, 'no-base64-bin');
    fs.mkdirSync(noBase64Dir);
    for (const tool of fs.readdirSync('/usr/bin')) if (tool !== 'base64') fs.symlinkSync(path.join('/usr/bin', tool), path.join(noBase64Dir, tool));
    cluster = await startCluster([
      { name: 'data', agent: false },
      { name: 'tinydisk', agent: false, sshdConfig: [`SetEnv PATH=${shadowDir}:/usr/bin:/bin`] },
      { name: 'nobase64', agent: false, sshdConfig: [`SetEnv PATH=${noBase64Dir}`] },
      { name: 'jump', agent: false },
    ]);
  });
  after(async () => {
    await cluster?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  // Generous bounds where a test is not about them: a busy 2-core machine can take seconds to log in.
  const options = (over: Partial<TransportOptions> = {}): TransportOptions => ({
    ...DEFAULT_TRANSPORT_OPTIONS, connectTimeoutMs: 20000, probeTimeoutMs: 25000,
    knownHostsFile: cluster.knownHostsFile, env: { HOME: work, USER: cluster.user }, ...over,
  });
  const spec = (n: TestNode, over: Partial<NodeSpec> = {}) => nodeSpecOf(cluster, n, over);
  const localFile = (name: string, bytes: number | Buffer) => {
    const file = path.join(work, name);
    fs.writeFileSync(file, typeof bytes === 'number' ? randomBytes(bytes) : bytes);
    return file;
  };
  const push = (t: Base64Transport, node: NodeSpec, localPath: string, remotePath: string, signal = never, progress: number[] = []) =>
    t.push(node, { localPath, remotePath }, (done) => progress.push(done), signal);
  const expectFail = (r: PushResult, code: Base64Failure) => {
    assert.ok(!r.ok, `expected ${code}, got success`);
    assert.equal(r.code, code, r.message);
    assert.equal(r.transport, 'base64');
    return r.message;
  };
  const partialOf = (n: TestNode, rel: string) => n.file(path.join(path.dirname(rel), `.${path.basename(rel)}.ringrift-partial`));

  it('probes a node: shell, base64 and sha256 tool, with latency', async () => {
    const r = await inOwnRound(never, (round) => new Base64Transport(options()).probe(spec(cluster.node('data')), never, round));
    assert.ok(r.success, r.message);
    assert.equal(r.transport, 'base64');
    assert.ok(r.latencyMs > 0 && r.latencyMs < 25000);
    assert.match(r.message, /node data: base64 over SSH ok \(sha256sum\)/);
  });

  // --streams 1 wherever a test is about the single-stream push (base64Ranged.test.ts has the ranged one).
  it('pushes a 50 MiB file in one stream whose sha256 on the node matches, with progress and no partial left', async () => {
    const n = cluster.node('data');
    const file = localFile('big.bin', 50 * MiB);
    const progress: number[] = [];
    const r = await push(new Base64Transport(options({ streams: 1 })), spec(n), file, 'models/big.bin', never, progress);
    assert.ok(r.ok, !r.ok ? r.message : '');
    assert.deepEqual([r.bytes, r.bytesSent, r.sha256, r.remotePath], [50 * MiB, 50 * MiB, sha256(file), path.join(n.root, 'models/big.bin')]);
    assert.equal(r.streams, undefined, 'the single-stream push, not ranges');
    assert.equal(sha256(n.file('models/big.bin')), r.sha256);
    assert.ok(!fs.existsSync(partialOf(n, 'models/big.bin')));
    assert.equal(progress[progress.length - 1], 50 * MiB);
    assert.ok(progress.every((v, i) => i === 0 || v >= progress[i - 1]), 'progress never goes back');
  });

  it('splits a file into chunk-sized execs (1 MiB here) and verifies the whole on the node', async () => {
    const n = cluster.node('data');
    const file = localFile('chunked.bin', 3 * MiB + 1);
    const r = await push(new Base64Transport(options({ base64ChunkBytes: MiB })), spec(n), file, 'chunked.bin');
    assert.ok(r.ok, !r.ok ? r.message : '');
    assert.equal(sha256(n.file('chunked.bin')), sha256(file));
  });

  it('lands hostile remote names under exactly that name, and nothing in them runs', async () => {
    const n = cluster.node('data');
    const marks = path.join(work, 'marks');
    const names = ['with space.bin', "quote'd.bin", `$(touch ${marks}-subst)`, `\`touch ${marks}-tick\``, `semi;touch ${marks}-semi`, '-rf', 'dollar$HOME'];
    const file = localFile('small.bin', 1000);
    const t = new Base64Transport(options());
    for (const name of names) {
      const r = await push(t, spec(n), file, `odd/${name}`);
      assert.ok(r.ok, !r.ok ? r.message : '');
      assert.equal(sha256(n.file(`odd/${name}`)), sha256(file), name);
    }
    for (const m of ['subst', 'tick', 'semi']) assert.ok(!fs.existsSync(`${marks}-${m}`), `marker ${m} must not exist`);
    assert.ok(!fs.existsSync(path.join(work, '-rf')));
  });

  it('refuses ../ before connecting; takes an absolute path; pushes an empty file', async () => {
    const n = cluster.node('data');
    const t = new Base64Transport(options());
    expectFail(await push(t, spec(n), localFile('x.bin', 10), '../x'), 'path_escapes_base');
    assert.ok(!fs.existsSync(path.join(path.dirname(n.root), 'x')));
    const abs = path.join(n.root, 'abs', 'a.bin');
    assert.ok((await push(t, spec(n), localFile('a.bin', 10), abs)).ok);
    assert.equal(fs.statSync(abs).size, 10);
    const empty = await push(t, spec(n), localFile('empty.bin', 0), 'empty.bin');
    assert.ok(empty.ok && empty.bytes === 0 && fs.statSync(n.file('empty.bin')).size === 0);
  });

  describe('host keys', () => {
    it('refuses a changed host key: no file and no partial appear, the old file is intact', async () => {
      const n = cluster.node('data');
      const kh = path.join(work, 'kh-changed');
      fs.writeFileSync(kh, cluster.node('jump').knownHostsLine().replace(/^\S+/, `[${n.address}]:${n.sshPort}`) + '\n');
      fs.writeFileSync(n.file('keep.bin'), 'old contents');
      const r = await push(new Base64Transport(options({ knownHostsFile: kh })), spec(n), localFile('new.bin', 5000), 'keep.bin');
      assert.match(expectFail(r, 'host_key_changed'), /remove line 1 of/);
      assert.equal(fs.readFileSync(n.file('keep.bin'), 'utf8'), 'old contents');
      assert.ok(!fs.existsSync(partialOf(n, 'keep.bin')));
    });

    it('refuses an unknown key without a callback; with "always" adds it and pushes', async () => {
      const n = cluster.node('data');
      const kh = path.join(work, 'kh-unknown');
      const file = localFile('u.bin', 3000);
      expectFail(await push(new Base64Transport(options({ knownHostsFile: kh })), spec(n), file, 'unknown.bin'), 'host_key_unknown');
      assert.ok(!fs.existsSync(n.file('unknown.bin')));
      const r = await push(new Base64Transport(options({ knownHostsFile: kh, onUnknownHostKey: async () => 'always' })), spec(n), file, 'unknown.bin');
      assert.ok(r.ok, !r.ok ? r.message : '');
      assert.equal(fs.readFileSync(kh, 'utf8'), n.knownHostsLine() + '\n');
    });
  });

  describe('refused before writing', () => {
    it('not enough free space (df on the node says 24 KiB): disk_full with figures, old file intact', async () => {
      const n = cluster.node('tinydisk');
      fs.writeFileSync(n.file('model.bin'), 'old model');
      const msg = expectFail(await push(new Base64Transport(options()), spec(n), localFile('m.bin', 100_000), 'model.bin'), 'disk_full');
      assert.ok(msg.includes('needs 100000 bytes') && msg.includes(`has ${24 * 1024} free`), msg);
      assert.equal(fs.readFileSync(n.file('model.bin'), 'utf8'), 'old model');
      assert.ok(!fs.existsSync(partialOf(n, 'model.bin')));
    });

    it('no base64 on the node: remote_tool_missing naming it, in the probe and the push', async () => {
      const n = cluster.node('nobase64');
      const t = new Base64Transport(options());
      const probe = await inOwnRound(never, (round) => t.probe(spec(n), never, round));
      assert.equal(probe.success, false);
      assert.equal(probe.code, 'remote_tool_missing');
      assert.match(probe.message, /'base64'/);
      assert.match(expectFail(await push(t, spec(n), localFile('t.bin', 100), 'tool.bin'), 'remote_tool_missing'), /'base64'/);
      assert.ok(!fs.existsSync(n.file('tool.bin')) && !fs.existsSync(partialOf(n, 'tool.bin')));
    });
  });

  describe('interrupted pushes resume', () => {
    let fake: FakeSshd;
    let fakeRoot: string;
    let fakeNode: NodeSpec;
    let fakeOpts: TransportOptions;
    before(async () => {
      let kh: string;
      ({ fake, root: fakeRoot, node: fakeNode, knownHostsFile: kh } = await startFakeNode(cluster, cluster.node('data'), work));
      fakeOpts = options({ knownHostsFile: kh, base64ChunkBytes: 1 * MiB, streams: 1 });
    });
    after(async () => fake?.close());

    it('a connection dropped mid-transfer fails as disconnected, keeps the old file; the next push resumes', async () => {
      const file = localFile('resume.bin', 8 * MiB);
      fs.writeFileSync(path.join(fakeRoot, 'r.bin'), 'previous');
      fake.dropAfterBytes = Math.floor(3.5 * MiB); // of base64 text: about 2.6 MiB of the file
      const first = await push(new Base64Transport(fakeOpts), fakeNode, file, 'r.bin');
      assert.match(expectFail(first, 'disconnected'), /resume/);
      assert.equal(fs.readFileSync(path.join(fakeRoot, 'r.bin'), 'utf8'), 'previous');
      const partialSize = await settledSize(path.join(fakeRoot, '.r.bin.ringrift-partial'));
      assert.ok(partialSize > 0 && partialSize < 8 * MiB, `partial ${partialSize}`);
      fake.dropAfterBytes = undefined;
      const second = await push(new Base64Transport(fakeOpts), fakeNode, file, 'r.bin');
      assert.ok(second.ok, !second.ok ? second.message : '');
      assert.equal(second.bytesSent, 8 * MiB - partialSize);
      assert.equal(sha256(path.join(fakeRoot, 'r.bin')), sha256(file));
    });

    it('a push in one exec (hashed on the node as written) cut mid-transfer keeps a partial; the next push resumes from it', async () => {
      const file = localFile('whole-cut.bin', 8 * MiB);
      const oneChunk = { ...fakeOpts, base64ChunkBytes: 64 * MiB };
      fake.dropAfterBytes = Math.floor(3.5 * MiB);
      const first = await push(new Base64Transport(oneChunk), fakeNode, file, 'w.bin');
      assert.match(expectFail(first, 'disconnected'), /resume/);
      const partialSize = await settledSize(path.join(fakeRoot, '.w.bin.ringrift-partial'));
      assert.ok(partialSize > 0 && partialSize < 8 * MiB, `partial ${partialSize}`);
      fake.dropAfterBytes = undefined;
      const second = await push(new Base64Transport(oneChunk), fakeNode, file, 'w.bin');
      assert.ok(second.ok, !second.ok ? second.message : '');
      assert.equal(second.bytesSent, 8 * MiB - partialSize);
      assert.equal(sha256(path.join(fakeRoot, 'w.bin')), sha256(file));
    });

    it('a later chunk whose base64 is gone fails as remote_error; the old file stays, the partial is kept', async () => {
      fs.writeFileSync(path.join(fakeRoot, 'v.bin'), 'kept');
      fake.failCommands = /^sh -c 'read -r flag mode/; // chunks after the first (which rides on the prepare exec)
      try {
        const r = await push(new Base64Transport(fakeOpts), fakeNode, localFile('v.bin', 3 * MiB), 'v.bin');
        assert.match(expectFail(r, 'remote_error'), /exit 127.*command not found/);
      } finally {
        fake.failCommands = undefined;
      }
      assert.equal(fs.readFileSync(path.join(fakeRoot, 'v.bin'), 'utf8'), 'kept');
      assert.equal(fs.statSync(path.join(fakeRoot, '.v.bin.ringrift-partial')).size, MiB - 1); // one aligned chunk
    });
  });

  it('cancelling mid-push stops within a second, leaves a partial, and the next push resumes', async () => {
    const n = cluster.node('data');
    const file = localFile('abort.bin', 24 * MiB);
    const ac = new AbortController();
    let abortedAt = 0;
    const t = new Base64Transport(options({ base64ChunkBytes: 2 * MiB, streams: 1 }));
    const r = await t.push(spec(n), { localPath: file, remotePath: 'abort.bin' }, (done) => {
      if (done > 4 * MiB && !abortedAt) (abortedAt = Date.now()), ac.abort();
    }, ac.signal);
    expectFail(r, 'cancelled');
    assert.ok(Date.now() - abortedAt < 1000, `stopped ${Date.now() - abortedAt} ms after the abort`);
    const partial = await settledSize(partialOf(n, 'abort.bin'));
    assert.ok(partial > 0 && partial < 24 * MiB);
    const again = await push(t, spec(n), file, 'abort.bin');
    assert.ok(again.ok && again.bytesSent < 24 * MiB, !again.ok ? again.message : `sent ${again.bytesSent}`);
    assert.equal(sha256(n.file('abort.bin')), sha256(file));
  });

  it('a stale partial that is not a prefix of the file, or is longer, is detected and the push starts over', async () => {
    const n = cluster.node('data');
    const file = localFile('stale.bin', 200_000);
    const t = new Base64Transport(options());
    for (const stale of [randomBytes(5000), randomBytes(300_000)]) {
      fs.writeFileSync(partialOf(n, 'stale.bin'), stale);
      const r = await push(t, spec(n), file, 'stale.bin');
      assert.ok(r.ok, !r.ok ? r.message : '');
      assert.equal(r.bytesSent, 200_000);
      assert.equal(sha256(n.file('stale.bin')), sha256(file));
    }
  });

  it('pushes through a ProxyJump host named in an ssh config file', async () => {
    const target = cluster.node('data');
    const jump = cluster.node('jump');
    const config = path.join(work, 'ssh_config');
    fs.writeFileSync(config, `Host data-behind-jump\n  HostName ${target.address}\n  Port ${target.sshPort}\n  ProxyJump ${cluster.user}@${jump.address}:${jump.sshPort}\n`);
    const node = spec(target, { sshHost: 'data-behind-jump', fields: { ssh_host: 'data-behind-jump', ssh_key: cluster.clientKey } });
    const file = localFile('jumped.bin', 300_000);
    const r = await push(new Base64Transport(options({ sshConfigFile: config })), node, file, 'jumped.bin');
    assert.ok(r.ok, !r.ok ? r.message : '');
    assert.equal(sha256(target.file('jumped.bin')), sha256(file));
  });

  describe('probe failures are bounded', () => {
    it('a closed port: refused', async () => {
      const port = await freePort(cluster.node('data').address);
      const r = await inOwnRound(never, (round) => new Base64Transport(options()).probe(spec(cluster.node('data'), { sshPort: port }), never, round));
      assert.equal(r.success, false);
      assert.equal(r.code, 'refused');
      assert.ok(r.latencyMs < 2000);
    });

    it('a port that accepts and never answers: handshake_timeout within the probe bound', async () => {
      const silent = await startSilentServer(cluster.node('data').address);
      try {
        const opts = options({ connectTimeoutMs: 1000, probeTimeoutMs: 2000 });
        const r = await inOwnRound(never, (round) => new Base64Transport(opts).probe(spec(cluster.node('data'), { sshPort: silent.port }), never, round));
        assert.equal(r.success, false);
        assert.equal(r.code, 'handshake_timeout');
        assert.ok(r.latencyMs < opts.probeTimeoutMs + 500, `took ${r.latencyMs} ms`);
      } finally {
        await silent.close();
      }
    });
  });
});
