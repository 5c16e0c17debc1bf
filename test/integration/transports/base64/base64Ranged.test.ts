import { strict as assert } from 'node:assert';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startCluster, type TestCluster, type TestNode } from '../../harness/cluster';
import type { FakeSshd } from '../../harness/fakeSshd';
import { startFakeNode } from '../../harness/fakeNode';
import { nodeSpecOf } from '../../harness/nodeSpecs';
import type { NodeSpec } from '../../../../src/core/hosts/nodeSpec';
import { Base64Transport } from '../../../../src/core/transports/base64/base64';
import { DEFAULT_TRANSPORT_OPTIONS, type PushResult, type PushSuccess, type TransportOptions } from '../../../../src/core/transports/transport';
import { rangedFiles, settled, sidecarBytes } from '../sshRanges/nodeFiles';

const MiB = 1 << 20;
const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/**
 * The base64 rung's ranged push (a file of 8 MiB or more over several SSH connections) against
 * real OpenSSH nodes. `slowdd` runs our commands with a `dd` first on its PATH that waits before
 * each range's write (6 s for the file's first range, so later ones land before it) and logs the
 * writes as they end. Connection cuts come from the ssh2 fake (harness/fakeSshd.ts).
 */
describe('integration: base64 ranges over several SSH connections (real sshd)', function () {
  this.timeout(60000);
  let cluster: TestCluster;
  let work: string;
  let ddLog: string;
  const never = new AbortController().signal;

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-b64r-'));
    const shadow = path.join(work, 'slow-bin');
    fs.mkdirSync(shadow);
    ddLog = path.join(work, 'dd.log');
    const realDd = ['/usr/bin/dd', '/bin/dd'].find((f) => fs.existsSync(f));
    fs.writeFileSync(path.join(shadow, 'dd'), [
      '#!/bin/sh',
      'case " $* " in *" conv=notrunc "*) case " $* " in *" seek=0 "*) sleep 6 ;; *) sleep 0.3 ;; esac ;; esac',
      `${realDd} "$@"; s=$?`,
      `case " $* " in *" conv=notrunc "*) printf '%s\\n' "$*" >> '${ddLog}' ;; esac`,
      'exit $s',
      '',
    ].join('\n'), { mode: 0o755 });
    cluster = await startCluster([
      { name: 'data', agent: false },
      { name: 'slowdd', agent: false, sshdConfig: [`SetEnv PATH=${shadow}:/usr/bin:/bin`] },
    ]);
  });
  after(async () => {
    await cluster?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  const options = (over: Partial<TransportOptions> = {}): TransportOptions => ({
    ...DEFAULT_TRANSPORT_OPTIONS, connectTimeoutMs: 20000, probeTimeoutMs: 25000,
    knownHostsFile: cluster.knownHostsFile, env: { HOME: work, USER: cluster.user }, ...over,
  });
  const spec = (n: TestNode, over: Partial<NodeSpec> = {}) => nodeSpecOf(cluster, n, over);
  const localFile = (name: string, bytes: number) => {
    const file = path.join(work, name);
    fs.writeFileSync(file, randomBytes(bytes));
    return file;
  };
  const push = (opts: TransportOptions, node: NodeSpec, localPath: string, remotePath: string, signal = never, progress: number[] = []) =>
    new Base64Transport(opts).push(node, { localPath, remotePath }, (done) => progress.push(done), signal);
  const landed = (r: PushResult): PushSuccess => {
    if (!r.ok) assert.fail(`${r.code}: ${r.message}`);
    return r;
  };

  it('24 MiB over 4 streams lands verified, with progress to the end, the streams and rate reported, nothing left beside it', async () => {
    const n = cluster.node('data');
    const file = localFile('r24.bin', 24 * MiB);
    const progress: number[] = [];
    const r = landed(await push(options({ streams: 4 }), spec(n), file, 'models/r24.bin', never, progress));
    assert.equal(sha256(n.file('models/r24.bin')), sha256(file));
    assert.deepEqual([r.bytes, r.bytesSent, r.sha256], [24 * MiB, 24 * MiB, sha256(file)]);
    assert.ok(r.streams! >= 2 && r.streams! <= 4, `streams ${r.streams}`);
    assert.ok(r.rateBytesPerS! > 0);
    assert.equal(progress[progress.length - 1], 24 * MiB);
    assert.deepEqual(fs.readdirSync(n.file('models')), ['r24.bin']);
  });

  it('ranges land out of order (the first one last) and the file is whole', async () => {
    const n = cluster.node('slowdd');
    const file = localFile('ooo.bin', 16 * MiB + 3);
    fs.rmSync(ddLog, { force: true });
    const r = landed(await push(options({ streams: 4 }), spec(n), file, 'ooo.bin'));
    assert.equal(sha256(n.file('ooo.bin')), sha256(file));
    const seeks = fs.readFileSync(ddLog, 'utf8').trim().split('\n').map((l) => Number(/ seek=(\d+)/.exec(l)?.[1]));
    assert.deepEqual([...seeks].sort((a, b) => a - b), [0, 2, 4, 6, 8, 10, 12, 14, 16], 'one write per 2 MiB range, in MiB');
    assert.notEqual(seeks[0], 0, `the first range did not land first: ${seeks.join(', ')}`);
    assert.equal(seeks[seeks.length - 1], 0, `the first range landed last: ${seeks.join(', ')}`);
    assert.equal(r.bytesSent, 16 * MiB + 3);
  });

  it('cancelled mid-push: stops within a second, completed ranges stay recorded on the node, the next push sends only the rest', async () => {
    const n = cluster.node('slowdd');
    const file = localFile('cancel.bin', 40 * MiB);
    const ac = new AbortController();
    let abortedAt = 0;
    // Two streams of 2 MiB ranges, up to two in flight each (one written, awaiting its answer, the
    // next being written): more than 16 MiB on the node means at least one range landed.
    const r = await new Base64Transport(options({ streams: 2 })).push(spec(n), { localPath: file, remotePath: 'cancel.bin' }, (done) => {
      if (done > 16 * MiB && !abortedAt) (abortedAt = Date.now()), ac.abort();
    }, ac.signal);
    assert.ok(!r.ok && r.code === 'cancelled', r.ok ? 'it landed' : r.message);
    assert.ok(Date.now() - abortedAt < 1000, `stopped ${Date.now() - abortedAt} ms after the abort`);
    const { partial, sidecar } = rangedFiles(n.file('cancel.bin'));
    const kept = await settled(() => sidecarBytes(sidecar));
    assert.ok(kept >= 4 * MiB && kept < 40 * MiB, `kept ${kept}`);
    assert.equal(fs.statSync(partial).size, 40 * MiB);
    assert.ok(!fs.existsSync(n.file('cancel.bin')));
    const again = landed(await push(options({ streams: 2 }), spec(n), file, 'cancel.bin'));
    assert.equal(again.bytesSent, 40 * MiB - kept);
    assert.equal(sha256(n.file('cancel.bin')), sha256(file));
    assert.ok(!fs.existsSync(sidecar) && !fs.existsSync(partial));
  });

  it('lands a hostile remote name under exactly that name, and nothing in it runs', async () => {
    const n = cluster.node('data');
    const marks = path.join(work, 'marks');
    const name = `$(touch ${marks}-subst) \`touch ${marks}-tick\`; it's\nnew line.bin`;
    const file = localFile('hostile.bin', 9 * MiB);
    // 4 streams asked for, a 9 MiB file: five 2 MiB ranges.
    const r = landed(await push(options({ streams: 4 }), spec(n), file, `odd dir/${name}`));
    assert.ok(r.streams! >= 1 && r.streams! <= 4, `streams ${r.streams}`);
    const single = landed(await push(options(), spec(n), file, 'auto.bin'));
    assert.equal(single.streams, undefined, "'auto' keeps base64 to one stream (ranges only when asked for by number)");
    const target = n.file(`odd dir/${name}`);
    assert.equal(sha256(target), sha256(file));
    // The markers' absolute paths make directories of the name's first part: the file is alone in the last one.
    assert.deepEqual(fs.readdirSync(path.dirname(target)), [path.basename(target)]);
    for (const m of ['subst', 'tick']) assert.ok(!fs.existsSync(`${marks}-${m}`), `marker ${m} must not exist`);
  });

  describe('connections cut mid-range', () => {
    let fake: FakeSshd;
    let fakeRoot: string;
    let fakeNode: NodeSpec;
    let fakeOpts: TransportOptions;
    before(async () => {
      let kh: string;
      ({ fake, root: fakeRoot, node: fakeNode, knownHostsFile: kh } = await startFakeNode(cluster, cluster.node('data'), work));
      fakeOpts = options({ knownHostsFile: kh, streams: 2 });
    });
    after(async () => fake?.close());

    it('a try whose connections drop fails as disconnected with the landed ranges as progress; the retry sends only the missing ranges', async () => {
      const file = localFile('cut.bin', 24 * MiB);
      fs.writeFileSync(path.join(fakeRoot, 'cut.bin'), 'previous');
      // Of base64 text per connection: its first two 2 MiB ranges (5.3 MiB of text) land, the third is cut.
      fake.dropAfterBytes = 6 * MiB;
      const first = await push(fakeOpts, fakeNode, file, 'cut.bin');
      assert.ok(!first.ok, 'the first try fails');
      assert.equal(first.code, 'disconnected', first.message);
      assert.match(first.message, /completed ranges stay/);
      assert.equal(fs.readFileSync(path.join(fakeRoot, 'cut.bin'), 'utf8'), 'previous');
      const { sidecar } = rangedFiles(path.join(fakeRoot, 'cut.bin'));
      const kept = sidecarBytes(sidecar);
      assert.ok(kept >= 4 * MiB && kept < 24 * MiB, `kept ${kept}`);
      assert.deepEqual(first.partial, { before: 0, after: kept }, 'the landed ranges count as progress');
      fake.dropAfterBytes = undefined;
      // The fake counts what its side has read: let the cut try's last bytes through first.
      const sentBefore = await settled(() => fake.stdinBytes);
      const second = landed(await push(fakeOpts, fakeNode, file, 'cut.bin'));
      assert.equal(second.bytesSent, 24 * MiB - kept);
      // Only the missing ranges crossed the wire: their base64 (4/3) and a newline each.
      const text = fake.stdinBytes - sentBefore;
      assert.ok(text < ((24 * MiB - kept) * 4) / 3 + 4096, `sent ${text} bytes of text`);
      assert.equal(sha256(path.join(fakeRoot, 'cut.bin')), sha256(file));
    });
  });
});
