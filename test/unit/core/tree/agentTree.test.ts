import { strict as assert } from 'node:assert';
import type { NodeSpec } from '../../../../src/core/hosts/nodeSpec';
import { pushTreeAgent } from '../../../../src/core/tree/agentTree';
import { FilesHasher } from '../../../../src/core/tree/filesHasher';
import type { TreeFile } from '../../../../src/core/tree/localTree';
import { TreeRun } from '../../../../src/core/tree/treeRun';
import { DEFAULT_TRANSPORT_OPTIONS, type PushJob, type PushResult, type Transport } from '../../../../src/core/transports/transport';
import { nodeSpec } from '../../helpers/nodeSpec';

const file = (rel: string, size = 3): TreeFile => ({ rel, abs: `/nonexistent/${rel}`, size, mtimeMs: 0 });

/** A p2p transport answering per file name: `*.txt` do not fit, `same*` are already there, `boom*` fail. */
function perFile(): Transport & { kind: 'p2p'; jobs: PushJob[] } {
  const jobs: PushJob[] = [];
  return {
    kind: 'p2p',
    jobs,
    probe: async () => ({ transport: 'p2p', success: true, message: 'ok', latencyMs: 1 }),
    async push(_node: NodeSpec, job: PushJob): Promise<PushResult> {
      jobs.push(job);
      const name = job.remotePath.split('/').pop()!;
      if (name.endsWith('.txt')) return { ok: false, transport: 'p2p', code: 'extension_not_allowed', limit: 'extension_not_allowed', message: 'no .txt', durationMs: 1 };
      if (name.startsWith('boom')) return { ok: false, transport: 'p2p', code: 'connection_reset', message: 'p2p: reset', durationMs: 1 };
      const skipped = name.startsWith('same');
      return { ok: true, transport: 'p2p', bytes: 3, bytesSent: skipped ? 0 : 3, sha256: 'ab'.repeat(32), durationMs: 1, remotePath: job.remotePath, ...(skipped ? { skipped } : {}) };
    },
  };
}

function runOf(files: TreeFile[], del = false): TreeRun {
  const tree = { root: '/l', files, dirs: [], totalBytes: files.reduce((n, f) => n + f.size, 0) };
  return new TreeRun('gpu-1', { tree, remoteDir: 'data/t', delete: del, hashes: new FilesHasher() }, () => undefined);
}

const ctx = { opts: { ...DEFAULT_TRANSPORT_OPTIONS, knownHostsFile: '/kh', env: {} }, signal: new AbortController().signal };

describe('core/tree/agentTree', () => {
  it('pushes each file under the remote directory, asking the server to skip equal ones', async () => {
    const t = perFile();
    const run = runOf([file('a b.npy'), file('same.json')]);
    const r = await pushTreeAgent(t, nodeSpec(), run, ctx);
    assert.ok(r.ok && !r.skipped);
    assert.deepEqual(t.jobs.map((j) => [j.remotePath, j.skipWhenSame]).sort(), [['data/t/a b.npy', true], ['data/t/same.json', true]]);
    assert.deepEqual(run.report, { total: 2, sent: 1, skipped: 1, refused: [], deleted: 0 });
  });

  it('leaves the files the server refuses to the next rung, named, without counting a failure', async () => {
    const run = runOf([file('a.npy'), file('notes.txt')]);
    const r = await pushTreeAgent(perFile(), nodeSpec(), run, ctx);
    assert.ok(!r.ok && r.limit === 'extension_not_allowed' && /notes\.txt/.test(r.message) && /node gpu-1: p2p/.test(r.message));
    assert.deepEqual(run.pendingFiles().map((f) => f.rel), ['notes.txt']);
    run.landed('notes.txt', 'rsync', true, 3);
    assert.deepEqual(run.report.refused, [{ path: 'notes.txt', reason: 'extension_not_allowed', transport: 'p2p', sentBy: 'rsync' }]);
  });

  it('a name with a backslash never goes over HTTP (its path rules would split it): left to SSH, named', async () => {
    const t = perFile();
    const run = runOf([file('a\\b.npy')]);
    const r = await pushTreeAgent(t, nodeSpec(), run, ctx);
    assert.ok(!r.ok && r.limit === 'name_unsupported');
    assert.deepEqual(t.jobs, []);
    assert.deepEqual(run.report.refused, [{ path: 'a\\b.npy', reason: 'name_unsupported', transport: 'p2p' }]);
  });

  it('a failed file fails the rung, naming it; the files that landed stay landed', async () => {
    const run = runOf([file('a.npy'), file('boom.npy'), file('c.npy')]);
    const r = await pushTreeAgent(perFile(), nodeSpec(), run, ctx);
    assert.ok(!r.ok && r.code === 'connection_reset' && /"boom\.npy"/.test(r.message));
    assert.ok(!run.pendingFiles().some((f) => f.rel === 'a.npy'));
    assert.ok(run.pendingFiles().some((f) => f.rel === 'boom.npy'));
  });

  it('--delete is left to an SSH rung: the files land, then a limit, not a failure', async () => {
    const run = runOf([file('a.npy')], true);
    const r = await pushTreeAgent(perFile(), nodeSpec(), run, ctx);
    assert.ok(!r.ok && r.limit === 'delete_needs_ssh');
    assert.deepEqual(run.pendingFiles(), []);
  });

  it('refuses an absolute remote directory over HTTP', async () => {
    const run = new TreeRun('gpu-1', { tree: { root: '/l', files: [file('a')], dirs: [], totalBytes: 3 }, remoteDir: '/srv/x', delete: false, hashes: new FilesHasher() }, () => undefined);
    const r = await pushTreeAgent(perFile(), nodeSpec(), run, ctx);
    assert.ok(!r.ok && r.code === 'absolute_path_over_http');
  });
});
