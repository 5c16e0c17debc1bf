import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { NodeSpec } from '../../../../../src/core/hosts/nodeSpec';
import { Base64Transport } from '../../../../../src/core/transports/base64/base64';
import { DEFAULT_TRANSPORT_OPTIONS } from '../../../../../src/core/transports/transport';
import { inOwnRound } from '../../../../../src/core/transports/probeRound';

/** What the base64 transport refuses before any connection (the address is loopback all the same). */
function node(over: Partial<NodeSpec> = {}): NodeSpec {
  return {
    name: 'gpu-9', address: '127.0.0.1', sshHost: '127.0.0.1', tailscaleIp: undefined, user: 'ubuntu', sshPort: 1, sshKey: undefined,
    p2pEnabled: false, p2pPort: 8770, httpPort: undefined, status: 'ready', ready: true, natBlocked: false, remoteBase: '/srv/ringrift',
    bandwidthLimitMbps: undefined, transports: ['base64'], chainSource: 'default', fields: {},
    range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } }, ...over,
  };
}

describe('core/transports/base64/base64 (no network)', () => {
  let dir: string;
  let local: string;
  let transport: Base64Transport;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-b64unit-'));
    local = path.join(dir, 'f.bin');
    fs.writeFileSync(local, 'x');
    transport = new Base64Transport({ ...DEFAULT_TRANSPORT_OPTIONS, connectTimeoutMs: 1, knownHostsFile: path.join(dir, 'kh'), env: { HOME: dir } });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const never = new AbortController().signal;

  it('refuses a remote path that climbs out of the base, naming node and transport', async () => {
    const r = await transport.push(node(), { localPath: local, remotePath: '../x' }, () => undefined, never);
    assert.ok(!r.ok);
    assert.equal(r.code, 'path_escapes_base');
    assert.equal(r.transport, 'base64');
    assert.match(r.message, /^node gpu-9: base64: /);
  });

  it('refuses an unreadable local file before connecting', async () => {
    const r = await transport.push(node(), { localPath: path.join(dir, 'missing'), remotePath: 'x' }, () => undefined, never);
    assert.ok(!r.ok);
    assert.equal(r.code, 'local_unreadable');
    assert.ok(r.message.includes(path.join(dir, 'missing')));
  });

  it('fails a node without ssh_host with a config error, not a crash', async () => {
    const r = await inOwnRound(never, (round) => transport.probe(node({ sshHost: undefined }), never, round));
    assert.equal(r.success, false);
    assert.equal(r.code, 'bad_config');
    assert.match(r.message, /no ssh_host/);
  });

  it('stops at once when already cancelled', async () => {
    const ac = new AbortController();
    ac.abort();
    const r = await transport.push(node(), { localPath: local, remotePath: 'x' }, () => undefined, ac.signal);
    assert.ok(!r.ok);
    assert.equal(r.code, 'cancelled');
  });
});
