import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { rememberRoundTrip } from '../../../../src/core/ssh/roundTrips';
import { fileCellHashes, forgetCellHashes } from '../../../../src/core/transports/cellHashCache';
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
    const end = hashesWhenFar(node, { localPath: big, remotePath: 'big.bin' }, 'auto', live());
    await tick(); // the file's stat
    rememberRoundTrip(node.name, 2); // a LAN node: one stream, no ranges
    assert.equal(await gridReadStarted(big), false);
    forgetCellHashes();
    rememberRoundTrip(node.name, 40);
    assert.equal(await gridReadStarted(big), true);
    end();
  });

  it('a node already known far starts it at once; nothing for a small file, --streams 1, or once the walk ended', async () => {
    const node = makeNode('early-known');
    rememberRoundTrip(node.name, 40);
    const ends = [hashesWhenFar(node, { localPath: big, remotePath: 'big.bin' }, 'auto', live())];
    await tick();
    assert.equal(await gridReadStarted(big), true);
    forgetCellHashes();
    ends.push(hashesWhenFar(node, { localPath: small, remotePath: 's.bin' }, 'auto', live()), hashesWhenFar(node, { localPath: big, remotePath: 'b' }, 1, live()));
    const ended = makeNode('early-ended');
    hashesWhenFar(ended, { localPath: big, remotePath: 'b' }, 'auto', live())();
    await tick();
    rememberRoundTrip(ended.name, 40);
    assert.equal(await gridReadStarted(small), false);
    assert.equal(await gridReadStarted(big), false);
    ends.forEach((end) => end());
  });
});
