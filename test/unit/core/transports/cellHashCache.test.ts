import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { fail, ok, type Result } from '../../../../src/core/result';
import { fileCellHashes, forgetCellHashes, sharedCellHashes } from '../../../../src/core/transports/cellHashCache';
import type { CellHashes, LocalHashFailure } from '../../../../src/core/transports/hashWorker';

type Hashed = Result<CellHashes, LocalHashFailure>;

/** A read we finish by hand; records how many were started and which were stopped. */
function reads() {
  const started: Array<{ signal: AbortSignal; finish: (r: Hashed) => void }> = [];
  const start = (signal: AbortSignal) =>
    new Promise<Hashed>((resolve) => {
      started.push({ signal, finish: resolve });
      signal.addEventListener('abort', () => resolve(fail('cancelled', 'stopped')), { once: true });
    });
  return { started, start };
}

const HASHES: CellHashes = { sha256: 'a'.repeat(64), cells: ['b'.repeat(64)] };
const live = () => new AbortController().signal;

describe('core/transports/cellHashCache: one read of a file for every push that needs its cells', () => {
  beforeEach(() => forgetCellHashes());

  it('pushes that start together share one read; a later push gets the result without reading', async () => {
    const r = reads();
    const a = sharedCellHashes('f:1', r.start, live());
    const b = sharedCellHashes('f:1', r.start, live());
    assert.equal(r.started.length, 1);
    r.started[0].finish(ok(HASHES));
    assert.deepEqual([await a.result, await b.result], [ok(HASHES), ok(HASHES)]);
    const c = sharedCellHashes('f:1', r.start, live());
    assert.deepEqual(await c.result, ok(HASHES));
    assert.equal(r.started.length, 1, 'no second read');
    sharedCellHashes('f:2', r.start, live());
    assert.equal(r.started.length, 2, 'another file (or grid) is another read');
  });

  it('a push cancelled while it waits gets `cancelled`; the read goes on for the others', async () => {
    const r = reads();
    const cancel = new AbortController();
    const a = sharedCellHashes('f:1', r.start, cancel.signal);
    const b = sharedCellHashes('f:1', r.start, live());
    cancel.abort();
    assert.equal((await a.result).ok, false);
    assert.equal(r.started[0].signal.aborted, false, 'still read for the other push');
    r.started[0].finish(ok(HASHES));
    assert.deepEqual(await b.result, ok(HASHES));
  });

  it('when every waiting push drops it, the read stops and is forgotten: the next push reads afresh', async () => {
    const r = reads();
    const a = sharedCellHashes('f:1', r.start, live());
    const b = sharedCellHashes('f:1', r.start, live());
    a.drop();
    assert.equal(r.started[0].signal.aborted, false);
    b.drop();
    assert.equal(r.started[0].signal.aborted, true);
    sharedCellHashes('f:1', r.start, live());
    assert.equal(r.started.length, 2);
  });

  it('a failed read is forgotten: the next push tries again', async () => {
    const r = reads();
    const a = sharedCellHashes('f:1', r.start, live());
    r.started[0].finish(fail('local_read_failed', 'EIO'));
    assert.equal((await a.result).ok, false);
    sharedCellHashes('f:1', r.start, live());
    assert.equal(r.started.length, 2);
  });

  it('reads a real file on a worker, keyed by its identity: a rewrite (new mtime) is read again', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellhash-'));
    try {
      const file = path.join(dir, 'f.bin');
      const bytes = randomBytes(3 << 20);
      fs.writeFileSync(file, bytes);
      const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
      const first = await fileCellHashes(file, fs.statSync(file), 1 << 20, live()).result;
      assert.deepEqual(first, ok({ sha256: sha(bytes), cells: [0, 1, 2].map((i) => sha(bytes.subarray(i << 20, (i + 1) << 20))) }));
      bytes[0] ^= 1;
      fs.writeFileSync(file, bytes);
      fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
      const again = await fileCellHashes(file, fs.statSync(file), 1 << 20, live()).result;
      assert.ok(again.ok && again.value.sha256 === sha(bytes), 'the changed file, not the remembered hashes');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
