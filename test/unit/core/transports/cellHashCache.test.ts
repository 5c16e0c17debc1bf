import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { fail, ok, type Result } from '../../../../src/core/result';
import { fileCellHashes, fileKey, forgetCellHashes, forgetSha, localSha256, recallSha, rememberSha, sharedCellHashes } from '../../../../src/core/transports/cellHashCache';
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
      const st = fs.statSync(file);
      const onGrid = fileCellHashes(file, st, 1 << 20, live());
      const whole = await fileCellHashes(file, st, 0, live()).result;
      const again = await onGrid.result;
      assert.ok(again.ok && again.value.sha256 === sha(bytes), 'the changed file, not the remembered hashes');
      assert.deepEqual(whole, again, 'the whole sha256 alone joins the read on a grid (its cells came with it)');
      assert.equal(recallSha(fileKey(st)), sha(bytes), 'recalled from the read on a grid');
      forgetSha(fileKey(st));
      assert.equal(recallSha(fileKey(st)), undefined, 'forgotten on every grid');
      assert.equal(await localSha256(file, live()).then((r) => r.ok && r.value), sha(bytes));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a sha256 remembered from a send is what the next push of the file gets, without a read; forgetSha drops it', async () => {
    const r = reads();
    rememberSha('f', HASHES.sha256);
    assert.equal(recallSha('f'), HASHES.sha256);
    assert.deepEqual(await sharedCellHashes('f:0', r.start, live()).result, ok({ sha256: HASHES.sha256, cells: [] }));
    assert.equal(r.started.length, 0);
    forgetSha('f');
    assert.equal(recallSha('f'), undefined);
    sharedCellHashes('f:0', r.start, live());
    assert.equal(r.started.length, 1);
    assert.equal(recallSha('f'), undefined, 'unknown while the read is in flight');
    r.started[0].finish(ok(HASHES));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(recallSha('f'), HASHES.sha256, 'a finished read is remembered too');
  });

  it('localSha256: remembers a local hash per file version and recomputes after a change', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellhash-'));
    try {
      const f = path.join(dir, 'local.bin');
      fs.writeFileSync(f, 'one');
      const first = await localSha256(f, live());
      assert.ok(first.ok && first.value === createHash('sha256').update('one').digest('hex'));
      fs.writeFileSync(f, 'two');
      fs.utimesSync(f, new Date(), new Date(Date.now() + 5000));
      const second = await localSha256(f, live());
      assert.ok(second.ok && second.value === createHash('sha256').update('two').digest('hex'));
      const gone = await localSha256(path.join(dir, 'missing'), live());
      assert.ok(!gone.ok && gone.message.includes('missing'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
