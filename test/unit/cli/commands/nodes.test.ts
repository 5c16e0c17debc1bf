import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../../../src/cli/main';
import { captureIo } from '../captureIo';

const REPO = path.resolve(__dirname, '../../../..');
const FIXTURES = path.join(REPO, 'test/fixtures/hosts');
const REAL = path.resolve(REPO, 'test/fixtures/realworld/ringrift-hosts-2026-01-01.yaml');

describe('ringrift-sync nodes', () => {
  it('--json: every node with name, address, status, transports and fields; exit 0', async () => {
    const io = captureIo({ env: { HOME: '/home/op' } });
    assert.equal(await runCli(['nodes', '--json', '--hosts', REAL], io), 0);
    const { nodes } = JSON.parse(io.out());
    assert.equal(nodes.length, 42);
    const lambda = nodes.find((n: { name: string }) => n.name === 'lambda-gh200-1');
    assert.deepEqual(
      { name: lambda.name, address: lambda.address, status: lambda.status, transports: lambda.transports, natBlocked: lambda.natBlocked, user: lambda.user, sshPort: lambda.sshPort, line: lambda.line },
      { name: 'lambda-gh200-1', address: '127.0.1.4', status: 'ready', transports: ['p2p', 'rsync', 'base64'], natBlocked: true, user: 'ubuntu', sshPort: 22, line: 164 },
    );
    assert.equal(lambda.fields.gpu, 'GH200 (96 GB)');
    assert.equal(lambda.fields.force_relay_mode, true);
    assert.equal(lambda.sshKey, '/home/op/.ssh/id_cluster', '~ is the HOME the command runs with');
    assert.equal(io.err(), '');
  });

  it("--json: RingRift's fields are added keys, with defaults when absent", async () => {
    const io = captureIo({ env: { HOME: '/home/op' } });
    await runCli(['nodes', '--json', '--hosts', REAL], io);
    const by = Object.fromEntries(JSON.parse(io.out()).nodes.map((n: { name: string }) => [n.name, n]));
    const pick = (name: string) => [by[name].forceRelayMode, by[name].skipSyncReceive, by[name].isEphemeral, by[name].dataServerPort];
    assert.deepEqual(pick('lambda-gh200-11'), [true, false, false, 8766]);
    assert.deepEqual(pick('local-mac'), [false, true, false, 8766]);
    assert.deepEqual(pick('vast-29129529'), [true, false, true, 8766]);
    assert.equal(by['vast-29129529'].natBlocked, false, 'natBlocked stays what the file says');
  });

  it('the table notes relay mode, skip_sync_receive and ephemeral nodes, and does not count skip_sync_receive as ready to sync', async () => {
    const io = captureIo({ env: { HOME: '/home/op' } });
    await runCli(['nodes', '--hosts', REAL], io);
    const row = (name: string) => io.out().split('\n').find((l) => l.startsWith(`${name} `)) ?? '';
    assert.match(row('lambda-gh200-1'), /nat_blocked: p2p, rsync skipped$/);
    assert.match(row('local-mac'), /skip_sync_receive: never synced$/);
    assert.match(row('vast-29129529'), /force_relay_mode: p2p, rsync skipped, ephemeral$/);
    assert.match(io.out(), /^42 nodes, 31 ready to sync /m, '32 have status ready; local-mac receives no syncs');
  });

  it('--json: absent values are null, so every key is always present', async () => {
    const io = captureIo({ cwd: FIXTURES });
    await runCli(['nodes', '--json', '--hosts', 'minimal.yaml'], io);
    const [solo] = JSON.parse(io.out()).nodes;
    assert.deepEqual([solo.httpPort, solo.sshKey, solo.bandwidthLimitMbps], [null, null, null]);
    assert.equal(solo.remoteBase, '~/ringrift/ai-service', "RingRift's default when ringrift_path is absent");
    assert.deepEqual(solo.fields, { ssh_host: '127.0.0.1' });
  });

  it('the table: one aligned row per node and a summary', async () => {
    const io = captureIo({ cwd: FIXTURES });
    assert.equal(await runCli(['nodes', '--hosts', 'own-chain.yaml'], io), 0);
    const lines = io.out().trimEnd().split('\n');
    assert.match(lines[0], /^NAME\s+STATUS\s+ADDRESS\s+SSH\s+TRANSPORTS\s+MBIT\/S\s+NOTES$/);
    assert.equal(lines.length, 4);
    assert.match(lines[1], /^runbook\s+ready\s+127\.0\.0\.2\s+ubuntu@127\.0\.0\.2:22\s+p2p > rsync > base64\s+-\s+own chain$/);
    const col = lines[0].indexOf('ADDRESS');
    assert.equal(lines[2].indexOf('127.0.0.3'), col, 'columns line up');
    assert.equal(lines[3], '2 nodes, 2 ready to sync (own-chain.yaml)');
  });

  it('a file with errors: diagnostics on stderr, nodes still listed, exit 1', async () => {
    const io = captureIo({ cwd: FIXTURES });
    assert.equal(await runCli(['nodes', '--hosts', 'wrong-types.yaml'], io), 1);
    assert.match(io.err(), /^wrong-types\.yaml:5:15: error: host 'port-text': ssh_port must be/);
    assert.match(io.out(), /port-text\s+ready, but has errors: not synced/);
    assert.match(io.out(), /typo-status\s+redy \(unknown: not synced\)/);
  });

  it('no hosts file: one line, exit 2', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-nodes-'));
    try {
      const io = captureIo({ cwd: empty });
      assert.equal(await runCli(['nodes'], io), 2);
      assert.equal(io.out(), '');
      assert.equal(io.err().trimEnd().split('\n').length, 1);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('finds the file through $RINGRIFT_HOSTS_FILE', async () => {
    const io = captureIo({ cwd: FIXTURES, env: { RINGRIFT_HOSTS_FILE: 'minimal.yaml' } });
    assert.equal(await runCli(['nodes', '--json'], io), 0);
    assert.deepEqual(JSON.parse(io.out()).nodes.map((n: { name: string }) => n.name), ['solo']);
  });
});
