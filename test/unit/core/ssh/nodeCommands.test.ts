import { strict as assert } from 'node:assert';
import { parseDfPk } from '../../../../src/core/ssh/nodeCommands';

describe('parseDfPk', () => {
  it('reads Linux df -Pk', () => {
    const out = 'Filesystem     1024-blocks      Used Available Capacity Mounted on\n/dev/nvme0n1p1   1021679576 652811004 368852188      64% /\n';
    assert.deepEqual(parseDfPk(out), { filesystem: '/dev/nvme0n1p1', mountedOn: '/', totalBytes: 1021679576 * 1024, freeBytes: 368852188 * 1024, usedPercent: 64 });
  });

  it('reads macOS df -Pk, with spaces in the filesystem and the mount point', () => {
    const out = 'Filesystem   1024-blocks      Used Available Capacity  Mounted on\nmap auto_home          0         0         0   100%    /System/Volumes/Data/home\n//op@nas/My Share 9766 100 9666 2% /Volumes/My Share\n';
    assert.deepEqual(parseDfPk(out), { filesystem: '//op@nas/My Share', mountedOn: '/Volumes/My Share', totalBytes: 9766 * 1024, freeBytes: 9666 * 1024, usedPercent: 2 });
  });

  it('says it cannot read anything else', () => {
    assert.equal(parseDfPk(''), undefined);
    assert.equal(parseDfPk('df: .: No such file or directory\n'), undefined);
    assert.equal(parseDfPk('Filesystem x\nfoo bar baz\n'), undefined);
  });
});
