import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { HostsDiagnostic } from '../../../src/core/hosts';
import { displayPath, formatDiagnostic, loadHostsForCommand } from '../../../src/cli/loadHosts';
import { captureIo } from './captureIo';

const args = (values: Record<string, string | boolean> = {}) => ({ values, positionals: [] });

describe('cli/loadHosts', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-cli-hosts-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('formats a diagnostic as file:line:column: severity: message', () => {
    const d: HostsDiagnostic = { severity: 'error', code: 'x', path: [], message: 'boom', range: { start: { line: 3, column: 7 }, end: { line: 3, column: 9 } } };
    assert.equal(formatDiagnostic('config/distributed_hosts.yaml', d), 'config/distributed_hosts.yaml:3:7: error: boom');
  });

  it('shows a path inside the working directory relative to it, others as they are', () => {
    assert.equal(displayPath('/work/a/config/h.yaml', '/work/a'), 'config/h.yaml');
    assert.equal(displayPath('/etc/h.yaml', '/work/a'), '/etc/h.yaml');
  });

  it('finds the file in the working directory and prints its diagnostics to stderr', async () => {
    fs.mkdirSync(path.join(dir, 'config'));
    fs.writeFileSync(path.join(dir, 'config/distributed_hosts.yaml'), 'hosts:\n  a:\n    ssh_host: 127.0.0.1\n    ssh_port: abc\n');
    const io = captureIo({ cwd: dir });
    const r = await loadHostsForCommand('nodes', args(), io);
    assert.ok(r.ok);
    assert.equal(r.label, 'config/distributed_hosts.yaml');
    assert.equal(io.err(), "config/distributed_hosts.yaml:4:15: error: host 'a': ssh_port must be a whole number from 1 to 65535, got the text 'abc'\n");
    assert.equal(io.out(), '');
  });

  it("'errors' leaves warnings out and 'none' prints nothing", async () => {
    const file = path.join(dir, 'h.yaml');
    fs.writeFileSync(file, 'p2p_voters: [ghost]\nhosts:\n  a:\n    ssh_host: 127.0.0.1\n');
    const errorsOnly = captureIo({ cwd: dir });
    assert.ok((await loadHostsForCommand('test', args({ hosts: file }), errorsOnly, 'errors')).ok);
    assert.equal(errorsOnly.err(), '');
    const all = captureIo({ cwd: dir });
    await loadHostsForCommand('test', args({ hosts: file }), all, 'all');
    assert.match(all.err(), /^h\.yaml:1:14: warning: p2p_voters\[0\]: no host is named 'ghost'/);
    const none = captureIo({ cwd: dir });
    fs.writeFileSync(file, 'hosts:\n  a:\n    ssh_port: abc\n');
    assert.ok((await loadHostsForCommand('validate', args({ hosts: file }), none, 'none')).ok);
    assert.equal(none.err(), '');
  });

  it('no file anywhere: one line naming the places it looked, exit code 2', async () => {
    const io = captureIo({ cwd: dir });
    const r = await loadHostsForCommand('nodes', args(), io);
    assert.deepEqual(r, { ok: false, exitCode: 2 });
    assert.equal(io.err().split('\n').length, 2, 'one line');
    assert.match(io.err(), /^ringrift-sync nodes: no hosts file found: looked at .*distributed_hosts\.yaml/);
  });

  it('an unreadable file: one line with the path as the user gave it, exit code 2', async () => {
    const io = captureIo({ cwd: dir });
    const r = await loadHostsForCommand('validate', args({ hosts: 'missing.yaml' }), io);
    assert.deepEqual(r, { ok: false, exitCode: 2 });
    assert.equal(io.err(), "ringrift-sync validate: hosts file 'missing.yaml' does not exist (ENOENT): check the path; if something rewrites the file, try again\n");
  });
});
