import { strict as assert } from 'node:assert';
import { RsyncOutputReader, parseProgressLine, parseStats } from '../../../../../src/core/transports/rsync/rsyncProgress';

/** Output captured from rsync 3.5.0 `--info=progress2 --stats` (LC_ALL=C). */
const PROGRESS_RUN =
  '\r         32,768   0%    0.00kB/s    0:00:00  \r      3,309,568  16%    2.93MB/s    0:00:05  ' +
  '\r    268,435,456 100%  267.47MB/s    0:00:00 (xfr#1, to-chk=0/1)\n';
const STATS_BLOCK = `
Number of files: 1 (reg: 1)
Number of created files: 0
Number of regular files transferred: 1
Total file size: 20,000,000 bytes
Total transferred file size: 20,000,000 bytes
Literal data: 8,531,624 bytes
Matched data: 11,468,376 bytes
Total bytes sent: 8,601,071

sent 8,601,071 bytes  received 35 bytes  179,000,737.33 bytes/sec
total size is 20,000,000  speedup is 2.33
`;

describe('rsyncProgress', () => {
  it('reads bytes done from progress2 lines, with , or . separators', () => {
    assert.equal(parseProgressLine('      3,309,568  16%    2.93MB/s    0:00:05  '), 3309568);
    assert.equal(parseProgressLine('    268.435.456 100%  267,47MB/s    0:00:00 (xfr#1, to-chk=0/1)'), 268435456);
    assert.equal(parseProgressLine('Literal data: 8,531,624 bytes'), undefined);
    assert.equal(parseProgressLine('sending incremental file list'), undefined);
  });

  it('reports every progress line even when chunks split lines anywhere', () => {
    const seen: number[] = [];
    const reader = new RsyncOutputReader((b) => seen.push(b));
    const text = PROGRESS_RUN + STATS_BLOCK;
    for (let i = 0; i < text.length; i += 7) reader.push(text.slice(i, i + 7));
    const lines = reader.end();
    assert.deepEqual(seen, [32768, 3309568, 268435456]);
    assert.ok(lines.includes('Literal data: 8,531,624 bytes'));
  });

  it('reads what was sent from --stats: a resume sends only the literal data', () => {
    const reader = new RsyncOutputReader(() => undefined);
    reader.push(STATS_BLOCK);
    assert.deepEqual(parseStats(reader.end()), { filesTransferred: 1, literalBytes: 8531624, matchedBytes: 11468376 });
  });

  it('has no stats when rsync stopped before printing them', () => {
    assert.equal(parseStats(['rsync: connection unexpectedly closed (0 bytes received so far) [sender]']), undefined);
  });
});
