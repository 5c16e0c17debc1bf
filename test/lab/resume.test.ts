import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI_JS } from '../integration/harness/cluster';
import { startLab, type Lab } from './lab';
import { describeTries, labSync, landedSha as landedIn, randomFile, watchFinalPath, type SyncResult as Result } from './labCli';
import { parseProfile } from './profiles';

const MiB = 1 << 20;
const SIZE = 64 * MiB;

/**
 * Resume on progress, for real: a link that resets every flow after 16 MiB cuts each try of a
 * 64 MiB push, and each transport resumes from the node's partial until the file is whole and
 * verified, without the node being disabled; nothing but a partial is ever beside the final path.
 */
describe('network lab: resume on progress over a link that resets every flow after 16 MiB', function () {
  this.timeout(120000);
  let lab: Lab;
  let file: string;
  let sha: string;
  const log: string[] = [];

  before(async () => {
    lab = await startLab({ nodes: ['clean', 'resetting'], profile: { resetting: parseProfile('resets-16m') } });
    ({ file, sha } = randomFile(lab, 'big.bin', SIZE));
  });
  after(async () => {
    console.log(`      measured:\n        ${log.join('\n        ')}`);
    await lab?.stop();
  });

  const state = (node: string) => path.join(lab.dir, `state-${node}`);
  const finalPath = (node: string, name: string) => path.join(lab.node(node).root, name);

  const sync = (node: string, name: string, extra: string[] = [], env: Record<string, string> = {}) => labSync(lab, node, file, ['--remote', name, ...extra], env);

  const landedSha = (node: string, name: string) => landedIn(lab, node, name);

  /** One transport's 64 MiB: clean link for the comparison, then the resetting one, checked. */
  async function deliver(transport: string, extra: string[] = []): Promise<Result> {
    const name = `${transport}.bin`;
    const clean = await sync('clean', name, extra);
    assert.equal(clean.r.transportUsed, transport, clean.r.message);
    const stop = watchFinalPath(lab, 'resetting', name, SIZE);
    const { r, ms } = await sync('resetting', name, extra);
    assert.deepEqual(stop(), [], 'nothing but the whole file ever at the final path');
    log.push(`${transport}: 64 MiB clean ${(clean.ms / 1000).toFixed(1)} s, reset-after-16M ${(ms / 1000).toFixed(1)} s: ${describeTries(r)}`);
    assert.equal(r.success, true, r.message);
    assert.equal(r.transportUsed, transport, describeTries(r));
    assert.equal(r.disabled, false);
    assert.equal(landedSha('resetting', name), sha);
    const cut = r.attempts.filter((a) => a.transport === transport && a.result === 'failed');
    assert.ok(cut.length >= 3, `a 64 MiB file needs 3+ cut tries at 16 MiB a flow: ${describeTries(r)}`);
    for (const a of cut) assert.ok((a.bytesMoved ?? 0) > 0, `each cut try moved the partial: ${describeTries(r)}`);
    assert.equal(r.resumedTries, cut.length);
    return r;
  }

  // --streams 1: each try is one flow the link cuts at 16 MiB (ranges would each stay under it).
  it('p2p: the agent keeps each cut PUT and the next resumes from it; verified, node enabled', async () => {
    await deliver('p2p', ['--streams', '1']);
  });

  it('a sync stopped by its resume budget leaves only the partial beside the final path; the next sync resumes it', async () => {
    const name = 'budget.bin';
    // --streams 1: the single-stream partial is the one this checks (a ranged one has a sidecar beside it).
    const { r } = await sync('resetting', name, ['--streams', '1'], { RINGRIFT_SYNC_RESUME_BUDGET_SECONDS: '0.001' });
    assert.equal(r.success, false);
    assert.equal(r.disabled, false);
    assert.match(r.message, /resume budget ran out; the node stays enabled/);
    assert.ok(!fs.existsSync(finalPath('resetting', name)), 'nothing at the final path');
    const partial = fs.statSync(path.join(lab.node('resetting').root, `.${name}.ringrift-partial`)).size;
    assert.ok(partial >= r.attempts[0].partialBytes! && partial < SIZE, `partial ${partial}`);
    const again = await sync('resetting', name, ['--streams', '1']);
    assert.equal(again.r.success, true, again.r.message);
    assert.equal(landedSha('resetting', name), sha);
    log.push(`budget stop: ${(partial / MiB).toFixed(1)} MiB partial kept, next sync: ${describeTries(again.r)}`);
  });

  it('rsync (agent stopped): --partial-dir keeps each cut run and the next resumes; verified, node enabled', async () => {
    await lab.stopAgent('clean');
    await lab.stopAgent('resetting');
    const r = await deliver('rsync');
    // p2p is refused once, or skipped when a probe of it failed in the last minute (the router's rule).
    const p2p = r.attempts.filter((a) => a.transport === 'p2p').map((a) => a.result);
    assert.equal(p2p.length, 1, `p2p tried once: ${describeTries(r)}`);
    assert.ok(p2p[0] === 'failed' || p2p[0] === 'skipped', `p2p refused or skipped, then rsync: ${describeTries(r)}`);
  });

  it('rsync cancelled mid-try (SIGINT): only the partial exists, outside the final path; the node stays enabled', async () => {
    const name = 'cancel.bin';
    const partial = path.join(lab.node('resetting').root, '.ringrift-partial', name);
    const child = spawn(process.execPath, [CLI_JS, 'sync', 'resetting', '--path', file, '--remote', name, '--state-dir', state('resetting'), '--json'], {
      env: { ...process.env, ...lab.env() }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // Interrupt once the first cut has left a partial (mid-walk: measuring it, or the resumed try).
    const deadline = Date.now() + 30000;
    while (!fs.existsSync(partial) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    await exited;
    const r = (JSON.parse(stdout) as { results: Result[] }).results[0];
    assert.equal(r.success, false);
    assert.equal(r.disabled, false);
    assert.match(r.message, /^cancelled/);
    assert.ok(!fs.existsSync(finalPath('resetting', name)), 'nothing at the final path');
    assert.ok(fs.statSync(partial).size > 0);
    log.push(`rsync cancelled: ${(fs.statSync(partial).size / MiB).toFixed(1)} MiB partial kept after ${describeTries(r)}`);
  });

  // --streams 1: the single-stream push that appends to its partial (ranges over several SSH
  // connections would each stay under the 16 MiB a flow gets, as p2p's do).
  it('base64 (agent stopped, --force-transport base64 --streams 1): appends resume from the partial; verified, node enabled', async () => {
    await deliver('base64', ['--force-transport', 'base64', '--streams', '1']);
  });
});
