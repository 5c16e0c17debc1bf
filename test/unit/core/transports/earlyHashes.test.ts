import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { rememberRoundTrip } from '../../../../src/core/transports/roundTrips';
import { fileCellHashes, fileKey, forgetCellHashes, recallSha } from '../../../../src/core/transports/cellHashCache';
import { hashesWhenFar } from '../../../../src/core/transports/earlyHashes';
import { makeNode } from '../../helpers/scriptedTransports';

const MiB = 1 << 20;
const live = () => new AbortController().signal;
const tick = () => new Promise((r) => setTimeout(r, 20));

describe('core/transports/earlyHashes: a big file is hashed from the moment the node proves far', () => {
  let dir: string;
  let big: string;
  let small: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'earlyhash-'));
    big = path.join(dir, 'big.bin');
    small = path.join(dir, 'small.bin');
    fs.writeFileSync(big, randomBytes(8 * MiB));
    fs.writeFileSync(small, randomBytes(MiB));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => forgetCellHashes());

  /** Whether a read of the file on a grid was started: the whole sha256 alone then comes with its cells. */
  const gridReadStarted = async (file: string) => {
    const r = await fileCellHashes(file, fs.statSync(file), 0, live()).result;
    return r.ok && r.value.cells.length > 0;
  };

  it('starts the read on the ranges grid at a far round trip (a connect of the probe login), not at a near one', async () => {
    const node = makeNode('early-far');
    const end = hashesWhenFar(node, { localPath: big, remotePath: 'big.bin' }, 'auto', live(), 'ssh', 'ranges');
    await tick(); // the file's stat
    rememberRoundTrip(node.name, 2); // a LAN node: one stream, no ranges
    assert.equal(await gridReadStarted(big), false);
    forgetCellHashes();
    rememberRoundTrip(node.name, 40);
    assert.equal(await gridReadStarted(big), true);
    end();
  });

  it("an agent rung's far connect starts the whole file's sha256 alone; a round trip over another path does not", async () => {
    const node = makeNode('early-agent');
    const end = hashesWhenFar(node, { localPath: big, remotePath: 'big.bin' }, 'auto', live(), 'p2p', 'whole');
    await tick();
    rememberRoundTrip(node.name, 40, 'ssh'); // the SSH login's path: not the p2p rung's
    await tick();
    assert.equal(recallSha(fileKey(fs.statSync(big))), undefined);
    rememberRoundTrip(node.name, 40, 'p2p');
    for (let i = 0; i < 100 && !recallSha(fileKey(fs.statSync(big))); i++) await tick();
    assert.match(recallSha(fileKey(fs.statSync(big))) ?? '', /^[0-9a-f]{64}$/, 'read, and kept for the push');
    assert.equal(await gridReadStarted(big), false, 'no cells: the whole sha256 alone');
    end();
  });

  it('a node already known far starts it at once; nothing for a small file, --streams 1, or once the walk ended', async () => {
    const node = makeNode('early-known');
    rememberRoundTrip(node.name, 40);
    const ends = [hashesWhenFar(node, { localPath: big, remotePath: 'big.bin' }, 'auto', live(), 'ssh', 'ranges')];
    await tick();
    assert.equal(await gridReadStarted(big), true);
    forgetCellHashes();
    ends.push(hashesWhenFar(node, { localPath: small, remotePath: 's.bin' }, 'auto', live(), 'ssh', 'ranges'), hashesWhenFar(node, { localPath: big, remotePath: 'b' }, 1, live(), 'ssh', 'ranges'));
    const ended = makeNode('early-ended');
    hashesWhenFar(ended, { localPath: big, remotePath: 'b' }, 'auto', live(), 'ssh', 'ranges')();
    await tick();
    rememberRoundTrip(ended.name, 40);
    assert.equal(await gridReadStarted(small), false);
    assert.equal(await gridReadStarted(big), false);
    ends.forEach((end) => end());
  });
});
