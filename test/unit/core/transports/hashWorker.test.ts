import { strict as assert } from 'node:assert';
import { sha256InWorker } from '../../../../src/core/transports/hashWorker';
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
});
