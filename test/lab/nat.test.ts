import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { startLab, type Lab } from './lab';
import { describeTries, labDoctor, labSync, landedSha, randomFile } from './labCli';
import { tryConnect } from './measure';
import { parseProfile } from './profiles';

const MiB = 1 << 20;

/**
 * NAT as vast.ai and RunPod do it: the node sits in a private subnet behind a masquerading router
 * that forwards one public port to its sshd and nothing to 8770. With `nat_blocked: true` (RingRift
 * relay mode) syncs go over the forwarded SSH as base64; without the flag, doctor still names NAT
 * (our SSH login landed through a forward) and the sync escalates to rsync over the same forward.
 */
describe('network lab: NAT with the SSH port forwarded (a provider SSH proxy)', function () {
  this.timeout(120000);
  let lab: Lab;
  let file: string;
  let sha: string;
  const log: string[] = [];

  before(async () => {
    lab = await startLab({
      nodes: ['relay', 'forwarded'],
      profile: { relay: parseProfile('nat=ssh'), forwarded: parseProfile('nat=ssh') },
      hostFields: { relay: { nat_blocked: true } },
    });
    ({ file, sha } = randomFile(lab, 'shard.bin', 8 * MiB));
  });
  after(async () => {
    console.log(`      measured: ${log.join('; ')}`);
    await lab?.stop();
  });

  const landed = (node: string, name: string) => landedSha(lab, node, name);
  const causes = (n: { causes: { transport: string; cause: string; expected?: boolean }[] }) => n.causes.map((c) => [c.transport, c.cause, c.expected ?? false]);

  it("reaches the node only through the router's forward: its own address gets nothing, SSH lands on :22", async () => {
    assert.equal((await tryConnect(lab.node('relay').address, 22, 1500)).result, 'timeout');
    const pub = lab.publicSsh('relay');
    const seen = execFileSync('ssh', [...lab.sshOptions(), '-p', String(pub.port), `${lab.state.user}@${pub.host}`, 'echo $SSH_CONNECTION'], { encoding: 'utf8' });
    assert.match(seen, new RegExp(` ${lab.node('relay').address.replace(/\./g, '\\.')} 22\\n$`), seen);
  });

  it('nat_blocked node: doctor finds p2p refused at the proxy address, as relay mode expects; SSH works', async () => {
    const { node } = await labDoctor(lab, 'relay');
    assert.deepEqual(causes(node), [['p2p', 'nat_blocked', true]], JSON.stringify(node.causes, null, 1));
    assert.match(node.causes[0].evidence.summary, /relay is marked nat_blocked and 10\.203\.0\.2:8770 refuses the connection, as expected: relay mode skips p2p/);
  });

  it('nat_blocked node: sync skips p2p and rsync and lands the file over the forwarded SSH as base64, verified', async () => {
    const { r, ms } = await labSync(lab, 'relay', file, ['--remote', 'relay.bin']);
    log.push(`relay mode, 8 MiB: ${describeTries(r)} in ${(ms / 1000).toFixed(1)} s`);
    assert.equal(r.success, true, r.message);
    assert.equal(r.transportUsed, 'base64');
    assert.deepEqual(r.attempts.map((a) => `${a.transport}:${a.result}`), ['p2p:skipped', 'rsync:skipped', 'base64:ok'], describeTries(r));
    assert.equal(landed('relay', 'relay.bin'), sha);
  });

  it('no flag: doctor says nat_blocked (our SSH login landed through a forward, the agent listens), not port_blocked', async () => {
    const { node } = await labDoctor(lab, 'forwarded');
    assert.deepEqual(causes(node), [['p2p', 'nat_blocked', false]], JSON.stringify(node.causes, null, 1));
    const c = node.causes[0];
    assert.match(c.evidence.summary, /10\.203\.0\.2:8770 refuses, while our SSH login to 10\.203\.0\.2:22\d\d landed on the node at 10\.203\.\d+\.2:22 \(a port forward\)/);
    assert.match(c.fix.title, /set p2p_public_port to it, or mark forwarded nat_blocked: true/);
  });

  it('no flag: sync finds p2p refused and lands the file over rsync through the forward, verified, node enabled', async () => {
    const { r } = await labSync(lab, 'forwarded', file, ['--remote', 'forwarded.bin']);
    log.push(`no flag, 8 MiB: ${describeTries(r)}`);
    assert.equal(r.success, true, r.message);
    assert.equal(r.transportUsed, 'rsync');
    assert.equal(r.disabled, false);
    assert.deepEqual(r.attempts.map((a) => `${a.transport}:${a.result}`), ['p2p:failed', 'rsync:ok'], describeTries(r));
    assert.equal(r.attempts[0].code, 'refused', 'a failed try names its cause as a code');
    assert.equal(landed('forwarded', 'forwarded.bin'), sha);
  });
});
