import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { cellHashesInWorker, sha256InWorker } from '../../../../src/core/transports/hashWorker';
import { bytesOf, sha256 } from '../../agent/agentFixture';
import { never, tempFile } from './http/agentFixtures';

describe('sha256InWorker', () => {
  it('hashes the first `size` bytes of a file on a worker thread', async () => {
    const body = bytesOf(3 << 20);
    const t = tempFile(body);
    try {
      assert.deepEqual(await sha256InWorker(t.file, body.length, never()), { ok: true, value: sha256(body) });
      assert.deepEqual(await sha256InWorker(t.file, 0, never()), { ok: true, value: sha256('') });
    } finally {
      t.cleanup();
    }
  });

  it('local_read_failed for a missing file or one shorter than announced', async () => {
    const missing = await sha256InWorker('/nonexistent/x.bin', 10, never());
    assert.ok(!missing.ok);
    assert.equal(missing.code, 'local_read_failed');
    assert.match(missing.message, /\/nonexistent\/x\.bin/);
    const t = tempFile(bytesOf(100));
    try {
      const short = await sha256InWorker(t.file, 200, never());
      assert.ok(!short.ok);
      assert.match(short.message, /changed size/);
    } finally {
      t.cleanup();
    }
  });

  it('cancelled at once by the signal', async () => {
    const t = tempFile(bytesOf(8 << 20));
    try {
      const ac = new AbortController();
      const pending = sha256InWorker(t.file, 8 << 20, ac.signal);
      ac.abort();
      const r = await pending;
      assert.ok(!r.ok);
      assert.equal(r.code, 'cancelled');
    } finally {
      t.cleanup();
    }
  });

  it('with cells: the whole hash and each cell\'s, the last one short, in one pass', async () => {
    const cell = 3 << 20; // not a multiple of the worker's 1 MiB buffer: reads must stop at cell ends
    const body = randomBytes(2 * cell + 12345); // random: cells of a periodic pattern would all hash alike
    const t = tempFile(body);
    try {
      const r = await cellHashesInWorker(t.file, body.length, cell, never());
      assert.ok(r.ok, !r.ok ? r.message : '');
      assert.equal(r.value.sha256, sha256(body));
      const expected = [0, 1, 2].map((k) => sha256(body.subarray(k * cell, Math.min(body.length, (k + 1) * cell))));
      assert.deepEqual(r.value.cells, expected);
      const even = await cellHashesInWorker(t.file, 2 * cell, cell, never());
      assert.deepEqual(even.ok && even.value.cells, expected.slice(0, 1).concat(sha256(body.subarray(cell, 2 * cell))));
    } finally {
      t.cleanup();
    }
  });
});
