import { strict as assert } from 'node:assert';
import { classifyRsyncExit, telltaleLine, type ExitInfo, type FailureContext } from '../../../../../src/core/transports/rsync/rsyncErrors';

/** stderr as OpenSSH 9.2 and rsync 3.5 print it (captured on loopback nodes). */
const TRAILER = 'rsync: connection unexpectedly closed (0 bytes received so far) [sender]\nrsync error: unexplained error (code 255) at io.c(285) [sender=3.5.0]\n';
const CHANGED = `@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @
@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!
The fingerprint for the ED25519 key sent by the remote host is
SHA256:5xU/f2i5YuWA7uJizdvZYM/qqhd89f5xY0lR0yeLrxQ.
Add correct host key in /home/op/.ssh/known_hosts to get rid of this message.
Offending ED25519 key in /home/op/.ssh/known_hosts:17
  remove with:
  ssh-keygen -f "/home/op/.ssh/known_hosts" -R "[10.0.0.5]:2222"
Host key for [10.0.0.5]:2222 has changed and you have requested strict checking.
Host key verification failed.
${TRAILER}`;

const ctx: FailureContext = {
  node: 'gpu-5',
  target: { user: 'ubuntu', host: '10.0.0.5', port: 2222, key: '/home/op/.ssh/id_cluster' },
  knownHostsFile: '/home/op/.ssh/known_hosts',
  action: 'push',
  remotePath: '/data/models/a.bin',
  idleTimeoutS: 30,
};
const exit = (rc: number | null, stderr: string, extra: Partial<ExitInfo> = {}): ExitInfo => ({ rc, stderr, timedOut: false, aborted: false, ...extra });
const codeOf = (e: ExitInfo, c = ctx) => classifyRsyncExit(e, c).code;

describe('rsyncErrors', () => {
  it('names the known_hosts file:line to remove when the host key changed', () => {
    const r = classifyRsyncExit(exit(255, CHANGED), ctx);
    assert.equal(r.code, 'host_key_changed');
    assert.deepEqual(r.offending, { file: '/home/op/.ssh/known_hosts', line: 17 });
    assert.match(r.message, /\/home\/op\/\.ssh\/known_hosts:17/);
    assert.match(r.message, /ssh-keygen -f "\/home\/op\/\.ssh\/known_hosts" -R "\[10\.0\.0\.5\]:2222"/);
    assert.match(r.message, /SHA256:5xU\/f2i5/);
  });

  it('tells unknown keys, refused keys, refused and silent ports, DNS and routing apart', () => {
    assert.equal(codeOf(exit(255, `No ED25519 host key is known for [10.0.0.5]:2222 and you have requested strict checking.\nHost key verification failed.\n${TRAILER}`)), 'host_key_unknown');
    const auth = classifyRsyncExit(exit(255, `ubuntu@10.0.0.5: Permission denied (publickey).\n${TRAILER}`), ctx);
    assert.equal(auth.code, 'auth_failed');
    assert.ok(auth.message.includes("ssh-copy-id -i /home/op/.ssh/id_cluster -p 2222 ubuntu@10.0.0.5"), auth.message);
    assert.equal(codeOf(exit(255, `ssh: connect to host 10.0.0.5 port 2222: Connection refused\n${TRAILER}`)), 'refused');
    // TCP accepted and sshd silent vs no answer to the SYN at all: different faults, different words.
    const banner = classifyRsyncExit(exit(255, `Connection timed out during banner exchange\nConnection to 10.0.0.5 port 2222 timed out\n${TRAILER}`), ctx);
    assert.equal(banner.code, 'handshake_timeout');
    assert.match(banner.message, /accepted the TCP connection but sshd sent no banner/);
    const syn = classifyRsyncExit(exit(255, `ssh: connect to host 10.0.0.5 port 2222: Connection timed out\n${TRAILER}`), ctx);
    assert.equal(syn.code, 'connect_timeout');
    assert.match(syn.message, /no answer to connect to 10\.0\.0\.5:2222.*NAT/);
    assert.doesNotMatch(syn.message, /hung/);
    assert.equal(codeOf(exit(255, `ssh: connect to host 10.0.0.5 port 2222: Operation timed out\n${TRAILER}`)), 'connect_timeout');
    assert.equal(codeOf(exit(255, `ssh: Could not resolve hostname gpu-5.example: Name or service not known\n${TRAILER}`)), 'dns');
    assert.equal(codeOf(exit(255, `ssh: connect to host 10.0.0.5 port 2222: No route to host\n${TRAILER}`)), 'unreachable');
  });

  it('reports rsync missing on the node (rc 127 or the shell saying so)', () => {
    const r = classifyRsyncExit(exit(127, 'sh: 1: rsync: not found\nrsync: connection unexpectedly closed (0 bytes received so far) [sender]\nrsync error: remote command not found (code 127) at io.c(285) [sender=3.5.0]\n'), ctx);
    assert.equal(r.code, 'remote_tool_missing');
    assert.match(r.message, /install it there/);
    assert.equal(codeOf(exit(12, 'bash: line 1: rsync: command not found\n')), 'remote_tool_missing');
  });

  it('maps disk full, permissions, stalls, partial transfers and dropped connections to what to do', () => {
    const full = classifyRsyncExit(exit(11, 'rsync: [receiver] write failed on "/data/models/a.bin": No space left on device (28)\nrsync error: error in file IO (code 11) at receiver.c(380) [receiver=3.5.0]\n'), ctx);
    assert.equal(full.code, 'disk_full');
    assert.match(full.message, /gpu-5 ran out of disk space writing \/data\/models\/a.bin/);
    assert.equal(codeOf(exit(23, 'rsync: [receiver] mkstemp "/data/.a.bin.XYZ" failed: Permission denied (13)\n')), 'remote_permission_denied');
    const stalled = classifyRsyncExit(exit(30, '[sender] io timeout after 30 seconds -- exiting\nrsync error: timeout in data send/receive (code 30)\n'), ctx);
    assert.equal(stalled.code, 'timeout');
    assert.match(stalled.message, /no data for 30 s.*partial/);
    assert.equal(codeOf(exit(23, 'rsync: [sender] read errors mapping "/a.bin": Input/output error (5)\n')), 'partial_transfer');
    const lost = classifyRsyncExit(exit(255, 'Connection to 10.0.0.5 closed by remote host.\n' + TRAILER), ctx);
    assert.equal(lost.code, 'connection_lost');
    assert.match(lost.message, /closed by remote host/);
  });

  it('knows an old node rsync without --mkpath (the caller falls back to mkdir)', () => {
    assert.equal(codeOf(exit(12, 'rsync: --mkpath: unknown option\nrsync error: syntax or usage error (code 1) at main.c(1886) [client=3.2.2]\n' + TRAILER)), 'remote_rsync_no_mkpath');
  });

  it('puts our own outcomes first: cancelled, deadline, rsync not installed here', () => {
    assert.equal(codeOf(exit(null, 'Killed by signal 15.\n', { aborted: true })), 'cancelled');
    const dead = classifyRsyncExit(exit(null, '', { timedOut: true }), { ...ctx, action: 'probe', deadlineMs: 8000 });
    assert.equal(dead.code, 'timeout');
    assert.match(dead.message, /within 8 s/);
    // ssh gave no reason before our deadline: a silent address is as likely as a hung sshd.
    assert.doesNotMatch(dead.message, /sshd accepts/);
    assert.match(dead.message, /nothing answers the connect .* or sshd accepted and stays silent/);
    assert.equal(codeOf(exit(null, '', { spawnError: 'spawn rsync ENOENT' })), 'local_tool_missing');
  });

  it("picks ssh's or rsync's own words over the generic trailer", () => {
    assert.equal(telltaleLine(`Connection closed by 10.0.0.5 port 2222\n${TRAILER}`), 'Connection closed by 10.0.0.5 port 2222');
    assert.equal(telltaleLine(TRAILER), 'rsync: connection unexpectedly closed (0 bytes received so far) [sender]');
  });
});
