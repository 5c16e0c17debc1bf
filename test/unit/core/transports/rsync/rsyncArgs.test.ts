import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  bwlimitKiBps, parseRsyncHelp, pushArgs, remoteSpec, rsyncRemotePath, rsyncRemoteShell, rsyncShellWord,
  sshOptionArgs, sshPathValue, sshTargetOf, treePushArgs, unescapeRsyncName, type RsyncFeatures,
} from '../../../../../src/core/transports/rsync/rsyncArgs';
import type { NodeSpec } from '../../../../../src/core/hosts/nodeSpec';

const RSYNC_35: RsyncFeatures = { version: '3.5.0', protectArgsFlag: '--secluded-args', mkpath: true, progress2: true };
const target = { user: 'ubuntu', host: '10.0.0.5', port: 2222, key: '/home/op/.ssh/id_cluster' };

function node(over: Partial<NodeSpec>): NodeSpec {
  return {
    name: 'gpu-1', address: '10.0.0.5', sshHost: '10.0.0.5', tailscaleIp: undefined, user: 'ubuntu', sshPort: 22, sshKey: undefined,
    p2pEnabled: true, p2pPort: 8770, httpPort: undefined, status: 'ready', ready: true, natBlocked: false, remoteBase: undefined,
    bandwidthLimitMbps: undefined, transports: ['rsync'], chainSource: 'default', fields: {},
    range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } }, ...over,
  };
}

describe('rsyncArgs', () => {
  it('reads the protect-args flag and --mkpath from rsync --help of each generation', () => {
    assert.deepEqual(parseRsyncHelp('rsync  version 3.5.0  protocol version 32\n--mkpath  x\n--info=FLAGS\n--secluded-args, -s  x'), RSYNC_35);
    assert.deepEqual(parseRsyncHelp('rsync  version 3.2.7  protocol version 31\n--info=FLAGS\n--mkpath\n--protect-args, -s  no space-splitting'), {
      version: '3.2.7', protectArgsFlag: '--protect-args', mkpath: true, progress2: true,
    });
    assert.deepEqual(parseRsyncHelp('rsync  version 2.6.9  protocol version 29\n--partial'), {
      version: '2.6.9', protectArgsFlag: undefined, mkpath: false, progress2: false,
    });
  });

  it('builds the runbook ssh options with the key and every known_hosts file', () => {
    assert.deepEqual(sshOptionArgs({ target, connectTimeoutMs: 5000, knownHostsFiles: ['/k/known_hosts', '/tmp/once file'] }), [
      '-p', '2222', '-o', 'IdentityFile=/home/op/.ssh/id_cluster',
      '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5', '-o', 'StrictHostKeyChecking=yes',
      '-o', 'UserKnownHostsFile=/k/known_hosts "/tmp/once file"',
      '-o', 'ServerAliveInterval=5', '-o', 'ServerAliveCountMax=3',
      '-o', 'Ciphers=aes128-gcm@openssh.com,aes256-gcm@openssh.com,chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr',
    ]);
    const noKey = sshOptionArgs({ target: { ...target, key: undefined }, connectTimeoutMs: 1500, knownHostsFiles: ['/k'] });
    assert.ok(!noKey.some((a) => a.startsWith('IdentityFile')));
    assert.ok(noKey.includes('ConnectTimeout=2'), 'rounded up to whole seconds');
  });

  it('escapes what ssh would expand in file names: % tokens, quotes, blanks', () => {
    assert.equal(sshPathValue('/k/100%/kh'), '/k/100%%/kh');
    assert.equal(sshPathValue('/k/a "b"\\c'), '"/k/a \\"b\\"\\\\c"');
  });

  it('quotes -e words so the real rsync splits them back exactly', function () {
    // rsync runs the -e command as its remote shell: a script that prints its argv shows the split.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-rsh-'));
    try {
      const script = path.join(dir, "print args's");
      fs.writeFileSync(script, '#!/bin/sh\nfor a in "$@"; do printf "[%s]\\n" "$a" >&2; done\nexit 1\n', { mode: 0o755 });
      const words = ['-i', "/keys/it's a key", '-o', 'UserKnownHostsFile="/a b" /c', 'say "hi"', ''];
      const shell = [script, ...words].map(rsyncShellWord).join(' ');
      const r = spawnSync('rsync', ['-e', shell, path.join(dir, 'nothing'), 'u@h:dest'], { encoding: 'utf8' });
      const printed = [...r.stderr.matchAll(/^\[(.*)\]$/gm)].map((m) => m[1]);
      assert.deepEqual(printed.slice(0, words.length + 2), [...words, '-l', 'u']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('builds the push vector: partial dir, --timeout always, --bwlimit in KiB/s, protected args, progress', () => {
    const remoteShell = rsyncRemoteShell(['-p', '22']);
    assert.equal(remoteShell, 'ssh -p 22');
    const args = pushArgs({
      features: RSYNC_35, remoteShell, idleTimeoutS: 30, bandwidthLimitMbps: 100, mkpath: true, ignoreTimes: false,
      localPath: '/data/a.bin', spec: 'ubuntu@h:models/a.bin',
    });
    assert.deepEqual(args, [
      '-t', '--partial-dir=.ringrift-partial', '--timeout=30', '--bwlimit=12207', '--mkpath', '--secluded-args',
      '--info=progress2', '--stats', '-e', 'ssh -p 22', '/data/a.bin', 'ubuntu@h:models/a.bin',
    ]);
    const plain = pushArgs({
      features: { ...RSYNC_35, protectArgsFlag: '--protect-args', mkpath: false }, remoteShell, idleTimeoutS: 0,
      bandwidthLimitMbps: undefined, mkpath: true, ignoreTimes: true, localPath: '/a', spec: 'h:a',
    });
    assert.ok(plain.includes('--timeout=1'), 'never --timeout=0 (which means no timeout)');
    assert.ok(plain.includes('--protect-args') && plain.includes('--ignore-times'));
    assert.ok(!plain.some((a) => a.startsWith('--bwlimit') || a === '--mkpath'));
  });

  it('converts Mbit/s to rsync KiB/s, never below 1', () => {
    assert.equal(bwlimitKiBps(100), 12207);
    assert.equal(bwlimitKiBps(8.192), 1000);
    assert.equal(bwlimitKiBps(0.001), 1);
  });

  it("turns a leading '~/' into a login-relative path and brackets IPv6 hosts", () => {
    assert.equal(rsyncRemotePath('~/ringrift/data/a.bin'), 'ringrift/data/a.bin');
    assert.equal(rsyncRemotePath('~'), '.');
    assert.equal(rsyncRemotePath('/srv/~x'), '/srv/~x');
    assert.equal(remoteSpec({ ...target, host: 'fd7a::5' }, 'a b'), 'ubuntu@[fd7a::5]:a b');
  });

  it('refuses hosts and users that ssh would read as options', () => {
    assert.equal(typeof sshTargetOf(node({ sshHost: '-oProxyCommand=x' })), 'string');
    assert.equal(typeof sshTargetOf(node({ user: '-l' })), 'string');
    assert.match(String(sshTargetOf(node({ sshHost: undefined }))), /no ssh_host/);
    assert.deepEqual(sshTargetOf(node({ sshPort: 2200, sshKey: '/k' })), { user: 'ubuntu', host: '10.0.0.5', port: 2200, key: '/k' });
  });

  it('a tree goes in one run: exactly the names on stdin (NUL-separated, never through a shell), links followed, mtimes kept', () => {
    const args = treePushArgs({ features: RSYNC_35, remoteShell: 'ssh -p 22', idleTimeoutS: 30, bandwidthLimitMbps: undefined, localRoot: '/w/tree', spec: 'u@h:data/tree/' });
    assert.deepEqual(args, [
      '-t', '-L', '-8', '--from0', '--files-from=-', '--partial-dir=.ringrift-partial', '--timeout=30', '--secluded-args', '--info=progress2',
      '--stats', '--out-format=ringrift-sent:%n', '-e', 'ssh -p 22', '/w/tree/', 'u@h:data/tree/',
    ]);
    const old = treePushArgs({ features: { version: '2.6.9', protectArgsFlag: undefined, mkpath: false, progress2: false }, remoteShell: 'ssh', idleTimeoutS: 0, bandwidthLimitMbps: 8, localRoot: '/w/', spec: 's' });
    assert.ok(old.includes('--bwlimit=976') && !old.includes('--info=progress2') && old.includes('--timeout=1') && old.includes('/w/'));
  });

  it('reads back the names rsync escapes in its output (control characters as \\#ooo, bytes of UTF-8 too)', () => {
    assert.equal(unescapeRsyncName('new\\#012line'), 'new\nline');
    assert.equal(unescapeRsyncName('caf\\#303\\#251 \\#134#123'), 'café \\#123');
    assert.equal(unescapeRsyncName('plain \\ name'), 'plain \\ name');
  });
});
