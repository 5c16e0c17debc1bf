import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { NodeSpec } from '../../../../../src/core/hosts/nodeSpec';
import { RsyncTransport } from '../../../../../src/core/transports/rsync/rsync';
import { DEFAULT_TRANSPORT_OPTIONS, type TransportOptions } from '../../../../../src/core/transports/transport';
import { inOwnRound } from '../../../../../src/core/transports/probeRound';

/** What the transport decides before it runs anything: these never reach the network. */

const never = () => new AbortController().signal;
// Every case below fails before connecting; should one ever connect, it reaches only loopback.
const node = (over: Partial<NodeSpec> = {}): NodeSpec => ({
  name: 'gpu-1', address: '127.0.0.1', sshHost: '127.0.0.1', tailscaleIp: undefined, user: 'ubuntu', sshPort: 9, sshKey: undefined,
  p2pEnabled: true, p2pPort: 8770, httpPort: undefined, status: 'ready', ready: true, natBlocked: false, remoteBase: '/data',
  bandwidthLimitMbps: undefined, transports: ['rsync'], chainSource: 'default', fields: {},
  range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } }, ...over,
});

describe('RsyncTransport (before connecting)', () => {
  let dir: string;
  let local: string;
  let opts: TransportOptions;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-rsync-unit-'));
    local = path.join(dir, 'a.bin');
    fs.writeFileSync(local, 'a');
    opts = { ...DEFAULT_TRANSPORT_OPTIONS, knownHostsFile: path.join(dir, 'known_hosts'), env: process.env };
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const push = async (t: RsyncTransport, n: NodeSpec, localPath: string, remotePath: string) => {
    let progressCalls = 0;
    const r = await t.push(n, { localPath, remotePath }, () => progressCalls++, never());
    assert.equal(progressCalls, 0, 'nothing was sent');
    return r;
  };

  it("refuses a remote path that climbs out of ringrift_path, naming the node", async () => {
    const r = await push(new RsyncTransport(opts), node(), local, 'models/../../etc/passwd');
    assert.ok(!r.ok);
    assert.equal(r.code, 'path_escapes_base');
    assert.equal(r.transport, 'rsync');
    assert.match(r.message, /^gpu-1: .*'\.\.'/);
  });

  it('says which local file is missing or not a file', async () => {
    const missing = await push(new RsyncTransport(opts), node(), path.join(dir, 'nope.bin'), 'a.bin');
    assert.ok(!missing.ok && missing.code === 'local_file_missing' && missing.message.includes('nope.bin does not exist'));
    const isDir = await push(new RsyncTransport(opts), node(), dir, 'a.bin');
    assert.ok(!isDir.ok && isDir.code === 'local_file_missing' && isDir.message.includes('not a regular file'));
  });

  it('needs an ssh_host', async () => {
    const t = new RsyncTransport(opts);
    const p = await inOwnRound(never(), (round) => t.probe(node({ sshHost: undefined }), never(), round));
    assert.equal(p.success, false);
    assert.equal(p.code, 'bad_config');
    assert.match(p.message, /gpu-1 has no ssh_host/);
  });

  it('says how to install rsync when this machine has none', async () => {
    const t = new RsyncTransport({ ...opts, env: { ...process.env, PATH: path.join(dir, 'empty-bin') } });
    const p = await inOwnRound(never(), (round) => t.probe(node(), never(), round));
    assert.equal(p.code, 'local_tool_missing');
    assert.match(p.message, /install rsync/);
    const r = await push(t, node(), local, 'a.bin');
    assert.ok(!r.ok && r.code === 'local_tool_missing');
  });
});
