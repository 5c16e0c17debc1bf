import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { renderDoctorText } from '../../../../src/cli/commands/doctor';
import { runCli } from '../../../../src/cli/main';
import { classify, type DoctorReport } from '../../../../src/core/doctor';
import { fail, healthy, port } from '../../core/doctor/evidenceFixtures';
import { captureIo } from '../captureIo';

const FIXTURES = path.resolve(__dirname, '../../../fixtures/hosts');

/** `ringrift-sync doctor` without a cluster: usage errors, and the text it prints for a report. */
describe('ringrift-sync doctor (usage and text)', () => {
  it('a --path that does not exist is a usage error (exit 2), before any check runs', async () => {
    const io = captureIo({ cwd: FIXTURES });
    assert.equal(await runCli(['doctor', 'solo', '--path', 'no-such-file.bin', '--hosts', 'minimal.yaml'], io), 2);
    assert.match(io.err(), /--path no-such-file\.bin: no such file/);
  });

  it('an unknown node is a usage error with a suggestion', async () => {
    const io = captureIo({ cwd: FIXTURES, env: { HOME: '/nonexistent' } });
    assert.equal(await runCli(['doctor', 'sol', '--hosts', 'minimal.yaml', '--state-dir', '/nonexistent/state'], io), 2);
    assert.match(io.err(), /no node 'sol'.*did you mean 'solo'/);
  });

  it('text: per node, the cause with its evidence and the fix command on a line of its own', () => {
    const ev = port(fail(healthy(), 'p2p', 'refused'), 'p2p', 'refused');
    const report: DoctorReport = {
      nodes: [
        { node: 'gpu-7', causes: classify(ev), evidence: ev },
        { node: 'gpu-8', causes: [], evidence: healthy() },
        { node: 'old', causes: [], skipped: "status is 'retired'" },
      ],
    };
    const text = renderDoctorText(report, captureIo());
    const lines = text.split('\n');
    assert.equal(lines[0], 'gpu-7: 1 problem');
    assert.match(lines[1], /^ {2}p2p: agent_not_running: agent not running/);
    assert.match(lines[2], /^ {4}10\.0\.0\.7:8770 refuses the connection while the node answers \(SSH login works\)/);
    assert.match(lines[3], /^ {4}checked: p2p probe refused 50 ms; tcp \(p2p port\) 10\.0\.0\.7:8770 refused/);
    assert.ok(lines.includes(`      ${report.nodes[0].causes[0].fix.command}`), 'the fix alone on its line, ready to copy');
    assert.ok(lines.includes('gpu-8: ok (p2p, rsync, base64 answered; 100.0 GiB free)'));
    assert.ok(lines.includes("old: skipped: status is 'retired'"));
    assert.match(text, /3 node\(s\): 1 ok, 1 with problems, 1 skipped\n/);
  });

  it('text: an expected cause is shown under an ok node and not counted', () => {
    const ev = port(fail(healthy(), 'p2p', 'connect_timeout'), 'p2p', 'timeout');
    ev.target.natBlocked = true;
    const text = renderDoctorText({ nodes: [{ node: 'gpu-7', causes: classify(ev), evidence: ev }] }, captureIo());
    const lines = text.split('\n');
    assert.equal(lines[0], 'gpu-7: ok (rsync, base64 answered; 100.0 GiB free)');
    assert.match(lines[1], /^ {2}p2p: nat_blocked \(expected, not a problem\): /);
    assert.match(text, /1 node\(s\): 1 ok, 0 with problems\n$/);
  });
});
