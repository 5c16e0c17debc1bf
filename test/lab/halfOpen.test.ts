import { strict as assert } from 'node:assert';
import { startLab, type Lab } from './lab';
import { describeTries, labSync, landedSha, randomFile, type SyncResult } from './labCli';
import { parseProfile } from './profiles';

const MiB = 1 << 20;

/**
 * A link that cuts every flow after 16 MiB and tells only the client: the node's packets vanish
 * from then on, as behind a NAT or firewall that forgot the flow. The node's end of each cut try
 * stays open (its sshd, rsync receiver or agent request) with the bytes it got. Each transport
 * must still resume from those bytes, not be refused as busy or see no progress and escalate.
 */
describe('network lab: a half-open reset after 16 MiB (the node never hears of it)', function () {
  this.timeout(180000);
  let lab: Lab;
  let file: string;
  let sha: string;
  const log: string[] = [];

  before(async () => {
    lab = await startLab({ nodes: ['half'], profile: { half: parseProfile('half-open-16m') } });
    ({ file, sha } = randomFile(lab, 'half.bin', 48 * MiB));
  });
  after(async () => {
    console.log(`      measured:\n        ${log.join('\n        ')}`);
    await lab?.stop();
  });

  function assertResumed(r: SyncResult, transport: string): void {
    assert.equal(r.success, true, `${r.message}: ${describeTries(r)}`);
    assert.equal(r.transportUsed, transport, describeTries(r));
    assert.equal(r.disabled, false);
    const cut = r.attempts.filter((a) => a.result === 'failed');
    assert.ok(cut.length >= 2, `48 MiB needs 2+ cut tries at 16 MiB a flow: ${describeTries(r)}`);
    for (const a of cut) assert.ok((a.bytesMoved ?? 0) > 0, `each cut try moved the partial: ${describeTries(r)}`);
  }

  it('p2p (--streams 1): the agent cuts the request left open for the retry, keeping its bytes; verified', async () => {
    const { r, ms } = await labSync(lab, 'half', file, ['--remote', 'p2p.bin', '--streams', '1']);
    log.push(`p2p: ${describeTries(r)} in ${(ms / 1000).toFixed(1)} s`);
    assertResumed(r, 'p2p');
    assert.equal(landedSha(lab, 'half', 'p2p.bin'), sha);
  });

  it('p2p ranges (--streams 2): a range left open on the node is cut for its retry; verified', async () => {
    const { r, ms } = await labSync(lab, 'half', file, ['--remote', 'ranges.bin', '--streams', '2']);
    log.push(`p2p ranges: ${describeTries(r)} in ${(ms / 1000).toFixed(1)} s`);
    assert.equal(r.success, true, `${r.message}: ${describeTries(r)}`);
    assert.equal(r.transportUsed, 'p2p', describeTries(r));
    assert.equal(landedSha(lab, 'half', 'ranges.bin'), sha);
  });

  it('rsync (agent stopped): the receiver left on the cut connection is stopped and keeps its partial; verified', async () => {
    await lab.stopAgent('half');
    const { r, ms } = await labSync(lab, 'half', file, ['--remote', 'rsync.bin']);
    log.push(`rsync: ${describeTries(r)} in ${(ms / 1000).toFixed(1)} s`);
    const rsyncTries = { ...r, attempts: r.attempts.filter((a) => a.transport === 'rsync') };
    assertResumed(rsyncTries, 'rsync');
    const stopped = rsyncTries.attempts.filter((a) => /receiver sat on the cut connection and was stopped \(pid \d+/.test(a.error ?? ''));
    assert.ok(stopped.length >= 1, `a stuck receiver was named and stopped: ${r.attempts.map((a) => a.error).join(' | ')}`);
    assert.equal(landedSha(lab, 'half', 'rsync.bin'), sha);
  });
});
