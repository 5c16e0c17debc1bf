import { strict as assert } from 'node:assert';
import { orchestratorTarget } from '../../../../../../src/core/transports/http/orchestrator/paths';

describe('orchestrator/paths: remote path to upload path', () => {
  const base = '/root/ringrift/ai-service';

  it('maps data/ and models/ paths, relative or under ringrift_path', () => {
    assert.deepEqual(orchestratorTarget('data/a/b.npz', base), { ok: true, value: { dir: 'data', rel: 'a/b.npz', uploadPath: 'data/a/b.npz' } });
    assert.deepEqual(orchestratorTarget('models/m.pth', base), { ok: true, value: { dir: 'models', rel: 'm.pth', uploadPath: 'models/m.pth' } });
    assert.deepEqual(orchestratorTarget(`${base}/data/x/y.db`, `${base}/`), { ok: true, value: { dir: 'data', rel: 'x/y.db', uploadPath: 'data/x/y.db' } });
    assert.deepEqual(orchestratorTarget('./data//c.npz', base), { ok: true, value: { dir: 'data', rel: 'c.npz', uploadPath: 'data/c.npz' } });
  });

  it('refuses what the upload cannot place as outside_prefixes', () => {
    for (const p of ['f.npz', 'datasets/f.npz', 'data/', 'data', '/etc/data/f.npz', `${base}/logs/f.npz`, `${base}-other/data/f.npz`]) {
      const r = orchestratorTarget(p, base);
      assert.equal(r.ok ? 'ok' : r.code, 'outside_prefixes', p);
    }
    const noBase = orchestratorTarget('/abs/data/f.npz', undefined);
    assert.equal(noBase.ok ? 'ok' : noBase.code, 'outside_prefixes');
  });

  it("refuses any '..', even inside a name (the orchestrator deletes it)", () => {
    for (const p of ['data/../x.npz', 'data/a..b.npz', `${base}/data/../data/x.npz`]) {
      const r = orchestratorTarget(p, base);
      assert.equal(r.ok ? 'ok' : r.code, 'path_traversal', p);
    }
  });
});
