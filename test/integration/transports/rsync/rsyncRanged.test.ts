import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FakeSshd } from '../../harness/fakeSshd';
import { startFakeNode } from '../../harness/fakeNode';
import { missingRanges, rangeBytesFor } from '../../../../src/core/byteRanges';
import { fileCellHashes } from '../../../../src/core/transports/cellHashCache';
import type { NodeSpec } from '../../../../src/core/hosts/nodeSpec';
import { Base64Transport } from '../../../../src/core/transports/base64/base64';
import { RsyncTransport } from '../../../../src/core/transports/rsync/rsync';
import { commitLines, prefixLine, rangeLine } from '../../../../src/core/transports/sshRanges/rangedScripts';
import type { PushResult, PushSuccess, TransportOptions } from '../../../../src/core/transports/transport';
import { never, sha256, useRsyncCluster, writeRandomFile } from './rsyncSuite';
import { rangedFiles, settled, sidecarBytes, sidecarRanges } from '../sshRanges/nodeFiles';

const MiB = 1 << 20;

const landed = (r: PushResult): PushSuccess => {
  if (!r.ok) assert.fail(`${r.code}: ${r.message}`);
  return r;
};

/**
 * The rsync rung's ranges (a big file over several SSH connections, its bytes as they are) against
 * real OpenSSH nodes and the system rsync. `slowdd` finds a `dd` first on its PATH that waits 0.5 s
 * before each range's write (so a cancel lands mid-push); `nodd` has a PATH of links to every
 * /usr/bin tool but dd. Connection cuts come from the ssh2 fake (harness/fakeSshd.ts).
 */
describe('rsync transport: ranges over several SSH connections (real sshd)', function () {
  this.timeout(60000);
  const s = useRsyncCluster((work) => {
    const slow = path.join(work, 'slow-bin');
    fs.mkdirSync(slow);
    const realDd = ['/usr/bin/dd', '/bin/dd'].find((f) => fs.existsSync(f));
    fs.writeFileSync(path.join(slow, 'dd'), `#!/bin/sh\ncase " $* " in *" conv=notrunc "*) sleep 0.5 ;; esac\nexec ${realDd} "$@"\n`, { mode: 0o755 });
    const noDd = path.join(work, 'no-dd-bin');
    fs.mkdirSync(noDd);
    for (const tool of fs.readdirSync('/usr/bin')) if (tool !== 'dd') fs.symlinkSync(path.join('/usr/bin', tool), path.join(noDd, tool));
    return [
      { name: 'slowdd', agent: false, sshdConfig: [`SetEnv PATH=${slow}:/usr/bin:/bin`] },
      { name: 'nodd', agent: false, sshdConfig: [`SetEnv PATH=${noDd}`] },
    ];
  });
  const options = (over: Partial<TransportOptions> = {}): TransportOptions => ({ ...s.opts, connectTimeoutMs: 20000, streams: 3, ...over });
  const push = (opts: TransportOptions, node: NodeSpec, local: string, remote: string, signal = never(), progress: (done: number) => void = () => undefined) =>
    new RsyncTransport(opts).push(node, { localPath: local, remotePath: remote }, progress, signal);
  const localFile = (name: string, bytes: number) => {
    const file = path.join(s.work, name);
    writeRandomFile(file, bytes);
    return file;
  };

  it('a new file goes as ranges: transport rsync, several streams, verified, nothing left beside it; pushed again, rsync skips it', async () => {
    const file = localFile('new.bin', 24 * MiB);
    const r = landed(await push(options(), s.spec(s.alpha), file, 'ranged/new.bin'));
    assert.equal(r.transport, 'rsync');
    assert.ok(r.streams! >= 2 && r.streams! <= 3, `streams ${r.streams}`);
    assert.deepEqual([r.bytes, r.bytesSent, r.sha256], [24 * MiB, 24 * MiB, sha256(file)]);
    assert.ok(r.rateBytesPerS! > 0);
    assert.equal(sha256(s.alpha.file('ranged/new.bin')), sha256(file));
    assert.deepEqual(fs.readdirSync(s.alpha.file('ranged')), ['new.bin']);
    const again = landed(await push(options(), s.spec(s.alpha), file, 'ranged/new.bin'));
    assert.ok(again.skipped && again.bytesSent === 0, "it kept the local mtime: rsync's quick check skips it, the sha256 verifies it");
  });

  it('an older version at the target goes through rsync, whose delta transfer sends only what changed', async () => {
    const file = localFile('older.bin', 24 * MiB);
    const onNode = s.alpha.file('older.bin');
    const old = fs.readFileSync(file);
    randomBytes(MiB).copy(old, 10 * MiB); // one MiB differs
    fs.writeFileSync(onNode, old);
    const r = landed(await push(options(), s.spec(s.alpha), file, 'older.bin'));
    assert.equal(r.streams, undefined, 'one stream: rsync');
    assert.ok(r.bytesSent < 4 * MiB, `sent ${r.bytesSent} bytes`);
    assert.equal(sha256(onNode), sha256(file));
  });

  it("its hashes already read (a far node's probe starts them): one command looks and starts; an older version still goes through rsync, nothing made beside it", async () => {
    const warm = async (file: string) => {
      const r = await fileCellHashes(file, fs.statSync(file), rangeBytesFor(fs.statSync(file).size), never()).result;
      assert.ok(r.ok);
    };
    const file = localFile('warm-older.bin', 24 * MiB);
    const onNode = s.alpha.file('warm/older.bin');
    fs.mkdirSync(path.dirname(onNode), { recursive: true });
    const old = fs.readFileSync(file);
    randomBytes(MiB).copy(old, 10 * MiB);
    fs.writeFileSync(onNode, old);
    await warm(file);
    const r = landed(await push(options(), s.spec(s.alpha), file, 'warm/older.bin'));
    assert.equal(r.streams, undefined, 'one stream: rsync');
    assert.ok(r.bytesSent < 4 * MiB, `sent ${r.bytesSent} bytes`);
    assert.deepEqual(fs.readdirSync(path.dirname(onNode)), ['older.bin'], 'no ranged partial was started beside it');
    const fresh = localFile('warm-new.bin', 24 * MiB);
    await warm(fresh);
    const n = landed(await push(options(), s.spec(s.alpha), fresh, 'warm/new.bin'));
    assert.ok(n.streams! >= 2, `streams ${n.streams}`);
    assert.equal(sha256(s.alpha.file('warm/new.bin')), sha256(fresh));
    assert.deepEqual(fs.readdirSync(path.dirname(onNode)).sort(), ['new.bin', 'older.bin']);
  });

  it('a node without dd: plain rsync lands the file', async () => {
    const n = s.cluster.node('nodd');
    const file = localFile('nodd.bin', 12 * MiB);
    const r = landed(await push(options(), s.spec(n), file, 'nodd.bin'));
    assert.equal(r.streams, undefined);
    assert.equal(sha256(n.file('nodd.bin')), sha256(file));
    assert.deepEqual(fs.readdirSync(n.root), ['nodd.bin']);
  });

  it('cancelled mid-push: stops within a second, completed ranges stay recorded, the next push sends only the rest', async () => {
    const n = s.cluster.node('slowdd');
    const file = localFile('cancel.bin', 40 * MiB);
    const ac = new AbortController();
    let abortedAt = 0;
    // Two streams of 2 MiB ranges, up to two in flight each (one written, awaiting its answer, the
    // next being written): more than 16 MiB on the node means at least one range landed.
    const r = await push(options({ streams: 2 }), s.spec(n), file, 'cancel.bin', ac.signal, (done) => {
      if (done > 16 * MiB && !abortedAt) (abortedAt = Date.now()), ac.abort();
    });
    assert.ok(!r.ok && r.code === 'cancelled', r.ok ? 'it landed' : r.message);
    assert.equal(r.transport, 'rsync');
    assert.ok(Date.now() - abortedAt < 1000, `stopped ${Date.now() - abortedAt} ms after the abort`);
    const { partial, sidecar } = rangedFiles(n.file('cancel.bin'));
    const kept = await settled(() => sidecarBytes(sidecar));
    assert.ok(kept >= 4 * MiB && kept < 40 * MiB, `kept ${kept}`);
    assert.equal(fs.statSync(partial).size, 40 * MiB);
    assert.ok(!fs.existsSync(n.file('cancel.bin')));
    const again = landed(await push(options({ streams: 2 }), s.spec(n), file, 'cancel.bin'));
    assert.equal(again.bytesSent, 40 * MiB - kept);
    assert.equal(sha256(n.file('cancel.bin')), sha256(file));
    assert.ok(!fs.existsSync(sidecar) && !fs.existsSync(partial));
  });

  it('resumes the ranges a base64 ranged try verified, an older version at the target until the whole file is checked', async () => {
    const n = s.cluster.node('slowdd');
    const file = localFile('handover.bin', 24 * MiB);
    const onNode = n.file('handover.bin');
    fs.writeFileSync(onNode, 'older version');
    const ac = new AbortController();
    // Past 16 MiB a range landed (see the cancel above).
    const cut = await new Base64Transport(options({ streams: 2 })).push(s.spec(n), { localPath: file, remotePath: 'handover.bin' }, (done) => {
      if (done > 16 * MiB) ac.abort();
    }, ac.signal);
    assert.ok(!cut.ok && cut.code === 'cancelled', cut.ok ? 'it landed' : cut.message);
    const { partial, sidecar } = rangedFiles(onNode);
    const kept = await settled(() => sidecarBytes(sidecar));
    assert.ok(kept >= 4 * MiB && kept < 24 * MiB, `kept ${kept}`);
    const sizes = new Set<number>();
    const r = landed(await push(options(), s.spec(n), file, 'handover.bin', never(), () => sizes.add(fs.statSync(onNode).size)));
    assert.ok(r.streams! >= 1, 'ranges, not rsync');
    assert.equal(r.bytesSent, 24 * MiB - kept, 'only the missing ranges');
    assert.ok([...sizes].every((size) => size === 'older version'.length || size === 24 * MiB), `target sizes seen: ${[...sizes].join(', ')}`);
    assert.equal(sha256(onNode), sha256(file));
    assert.ok(!fs.existsSync(sidecar) && !fs.existsSync(partial));
  });

  describe('connections cut mid-range', () => {
    let fake: FakeSshd;
    let fakeRoot: string;
    let fakeNode: NodeSpec;
    let fakeOpts: TransportOptions;
    before(async () => {
      let kh: string;
      ({ fake, root: fakeRoot, node: fakeNode, knownHostsFile: kh } = await startFakeNode(s.cluster, s.alpha, s.work));
      fakeOpts = options({ knownHostsFile: kh, streams: 2 });
    });
    after(async () => fake?.close());

    it('a try whose connections drop fails with the landed ranges as progress; the retry sends only the missing ranges', async () => {
      const file = localFile('cut.bin', 24 * MiB);
      // Of bytes per connection: its first two 2 MiB ranges land, the third is cut.
      fake.dropAfterBytes = 6 * MiB;
      const first = await push(fakeOpts, fakeNode, file, 'cut.bin');
      assert.ok(!first.ok, 'the first try fails');
      assert.equal(first.code, 'disconnected', first.message);
      assert.match(first.message, /^node flaky: .*\(rsync ranges to .*cut\.bin, bytes .*completed ranges stay/);
      assert.ok(!fs.existsSync(path.join(fakeRoot, 'cut.bin')));
      const { sidecar } = rangedFiles(path.join(fakeRoot, 'cut.bin'));
      const kept = sidecarBytes(sidecar);
      assert.ok(kept >= 4 * MiB && kept < 24 * MiB, `kept ${kept}`);
      assert.deepEqual(first.partial, { before: 0, after: kept }, 'the landed ranges count as progress');
      // Each range the retry sends goes after its range line.
      const grid = rangeBytesFor(24 * MiB);
      const lines = missingRanges(sidecarRanges(sidecar), 24 * MiB, grid).reduce((n, r) => n + rangeLine(r, '0'.repeat(64)).length, 0);
      fake.dropAfterBytes = undefined;
      // The fake counts what its side has read: let the cut try's last bytes through first.
      const sentBefore = await settled(() => fake.stdinBytes);
      const second = landed(await push(fakeOpts, fakeNode, file, 'cut.bin'));
      assert.equal(second.bytesSent, 24 * MiB - kept);
      // Only the missing ranges crossed the wire, as they are (and their lines), and the finish's
      // lines: the verified prefix's ends (at most one per range) and the commit.
      const wire = fake.stdinBytes - sentBefore;
      const finish = [commitLines('0'.repeat(64)).length, commitLines('0'.repeat(64)).length + ((24 * MiB) / grid) * prefixLine(24 * MiB).length];
      assert.ok(wire >= 24 * MiB - kept + lines + finish[0] && wire <= 24 * MiB - kept + lines + finish[1], `sent ${wire} bytes, ${wire - (24 * MiB - kept + lines)} beyond the ranges and their lines`);
      assert.equal(sha256(path.join(fakeRoot, 'cut.bin')), sha256(file));
    });
  });
});
