import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fanoutLine } from '../../../../src/cli/commands/syncFanout';
import { renderSyncResults } from '../../../../src/cli/commands/syncOutput';
import { runCli } from '../../../../src/cli/main';
import type { FanoutResult } from '../../../../src/core/fanout/results';
import { captureIo } from '../captureIo';

const base = { bytes: 10, sha256: 'a'.repeat(64), disabled: false, success: true };

describe('ringrift-sync sync --fanout', () => {
  it('the table shows SOURCE and WAVE, the pulls as attempts, failed pulls under Failures', () => {
    const results: FanoutResult[] = [
      { ...base, node: 'seed', transportUsed: 'p2p', attempts: [{ transport: 'p2p', result: 'ok', durationMs: 5 }], message: 'synced via p2p', source: 'local', wave: 1, route: 'seed' },
      { ...base, node: 'b', transportUsed: 'p2p', attempts: [], message: 'pulled from seed', source: 'seed', wave: 2, route: 'pull',
        pulls: [{ source: 'x', wave: 2, result: 'failed', code: 'pull_failed', error: 'p2p: b could not pull from x', durationMs: 3 }, { source: 'seed', wave: 2, result: 'ok', durationMs: 4 }] },
    ];
    const out = renderSyncResults(results, captureIo());
    const [header, seed, b] = out.split('\n');
    assert.match(header, /^NODE\s+RESULT\s+SOURCE\s+WAVE\s+VIA\s+ATTEMPTS/);
    assert.match(seed, /^seed\s+ok\s+local\s+1\s+p2p\s+p2p\s/);
    assert.match(b, /^b\s+ok\s+seed\s+2\s+p2p\s+pull←x✗ → pull←seed\s/);
    assert.match(out, /Failures:\n {2}b pull from x: p2p: b could not pull from x/);
  });

  it('a plain sync table has no SOURCE or WAVE column', () => {
    const out = renderSyncResults([{ ...base, node: 'a', transportUsed: 'p2p', attempts: [], message: 'ok' }], captureIo());
    assert.doesNotMatch(out.split('\n')[0], /SOURCE|WAVE/);
  });

  it('progress lines name the wave, the node and its source', () => {
    assert.equal(fanoutLine({ type: 'seed', node: 'a' }), 'wave 1: pushing to seed a from here');
    assert.equal(fanoutLine({ type: 'pull', node: 'b', source: 'a', wave: 2 }), 'wave 2: b pulling from a');
    assert.match(fanoutLine({ type: 'verified', node: 'b', source: 'a', wave: 2, durationMs: 1500 }), /^wave 2: b verified .* from a in 1\.5 s$/);
    assert.match(fanoutLine({ type: 'resourced', node: 'b', source: 'a', error: 'gone' }), /^b: the pull from a failed, asking another verified peer: gone$/);
    assert.equal(fanoutLine({ type: 'direct', node: 'c', reason: 'why' }), 'c: direct from here: why');
  });

  it('refuses --fanout with --force-transport, and more than 2 seeds, as usage errors (exit 2)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fanout-cli-'));
    const hosts = path.join(dir, 'distributed_hosts.yaml');
    fs.writeFileSync(hosts, 'hosts:\n  a:\n    ssh_host: 127.0.0.1\n    status: ready\n');
    const file = path.join(dir, 'f.bin');
    fs.writeFileSync(file, 'x');
    const common = ['sync', 'a', '--path', file, '--hosts', hosts, '--state-dir', path.join(dir, 'state'), '--fanout'];
    const forced = captureIo({ env: { HOME: dir } });
    assert.equal(await runCli([...common, '--force-transport', 'rsync'], forced), 2);
    assert.match(forced.err(), /--fanout .* does not go with --force-transport/);
    const seeds = captureIo({ env: { HOME: dir } });
    assert.equal(await runCli([...common, '--fanout-seeds', '3'], seeds), 2);
    assert.match(seeds.err(), /--fanout-seeds takes 1 or 2/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
