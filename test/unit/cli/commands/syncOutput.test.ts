import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { progressPainter, renderFiles, renderSyncResults } from '../../../../src/cli/commands/syncOutput';
import { runCli } from '../../../../src/cli/main';
import { RANGED_MIN_BYTES } from '../../../../src/core/byteRanges';
import { DEFAULT_ROUTER_SETTINGS, EventLog, StateStore, SyncRouter, type SyncResult } from '../../../../src/core/router';
import type { TreeSyncResult } from '../../../../src/core/tree/syncTree';
import { makeNode, scriptedSet, tempDir } from '../../helpers/scriptedTransports';
import { captureIo } from '../captureIo';

const result = (over: Partial<TreeSyncResult['files']>): TreeSyncResult => ({
  node: 'gpu-1', success: true, transportUsed: 'rsync', bytes: 5, sha256: 'ab'.repeat(32), disabled: false, attempts: [], message: 'synced via rsync',
  files: { total: 3, sent: 2, skipped: 1, refused: [], deleted: 0, ...over },
});

describe('cli/commands/syncOutput', () => {
  it('names each node\'s files: sent, already there, deleted, and every refused file with who took it', () => {
    const text = renderFiles([result({ deleted: 2, refused: [{ path: 'a b.txt', reason: 'extension_not_allowed', transport: 'p2p', sentBy: 'rsync' }, { path: 'x\\y', reason: 'name_unsupported', transport: 'p2p' }] })], captureIo());
    assert.match(text, /gpu-1: 3 files: 2 sent, 1 already there, 2 deleted/);
    assert.match(text, /p2p refused "a b\.txt" \(extension_not_allowed\): sent over rsync/);
    assert.match(text, /p2p refused "x\\\\y" \(name_unsupported\): not sent/);
  });

  it('paints nothing with --json', () => {
    const io = captureIo();
    const p = progressPainter(io, true);
    p.paint('n', 'n rsync 1/2 files 50%');
    p.clear();
    assert.equal(io.err(), '');
  });

  it('sync --delete with a file (not a directory) is a usage error, exit 2, before any node is touched', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-syncout-'));
    const f = path.join(dir, 'f');
    fs.writeFileSync(f, 'x');
    const io = captureIo({ cwd: dir, env: { HOME: dir } });
    assert.equal(await runCli(['sync', 'n', '--path', f, '--delete', '--hosts', path.join(dir, 'none.yaml')], io), 2);
    assert.match(io.err(), /--delete is for a directory/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a large file sent to rsync first: the table says so and why', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'model.pth');
    fs.writeFileSync(file, '');
    fs.truncateSync(file, RANGED_MIN_BYTES);
    const node = makeNode('gpu-1');
    const transports = scriptedSet();
    for (const [t, rate, streams] of [[transports.p2p, 612_500, 1], [transports.rsync, 5_150_000, 16]] as const) {
      t.push = async () => ({ ok: true, transport: t.kind, bytes: RANGED_MIN_BYTES, bytesSent: RANGED_MIN_BYTES, sha256: 'ab'.repeat(32), durationMs: 1, remotePath: 'f', streams, rateBytesPerS: rate });
    }
    const router = new SyncRouter({ nodes: [node], transports, store: new StateStore(dir, path.join(dir, 'h.yaml')), events: new EventLog(dir), settings: DEFAULT_ROUTER_SETTINGS });
    const sync = (forceTransport?: 'rsync'): Promise<SyncResult> => router.sync(node, { localPath: file, remotePath: 'models/model.pth' }, { signal: new AbortController().signal, forceTransport });
    await sync();
    await sync('rsync');
    const text = renderSyncResults([await sync()], captureIo());
    assert.match(text, /gpu-1\s+ok\s+rsync\s+rsync\s.*synced via rsync \(rsync went first: large file: rsync measured 41\.2 Mbit\/s over 16 streams \(\d{4}-\d\d-\d\d\) vs p2p 4\.9 Mbit\/s in one stream/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

