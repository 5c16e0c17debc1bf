import { strict as assert } from 'node:assert';
import { causeForTransport, classify, groupCauses, renderReportMarkdown, reportExitCode, type DoctorReport, type NodeReport } from '../../../../src/core/doctor';
import { parseStatus } from '../../../../src/core/doctor/agentStatus';
import { fail, healthy, port, sshFails } from './evidenceFixtures';

/** The report model the surfaces share: exit code, tooltip lookup, grouping, Markdown. */

function offlineNode(): NodeReport {
  const ev = port(port(sshFails(fail(healthy(), 'p2p', 'refused'), 'refused'), 'p2p', 'refused'), 'ssh', 'refused');
  return { node: 'gpu-7', causes: classify(ev), evidence: ev };
}

function diskNode(): NodeReport {
  const ev = Object.assign(healthy(), { disk: { source: 'agent' as const, freeBytes: 5 } });
  ev.target = { ...ev.target, node: 'gpu-8' };
  return { node: 'gpu-8', causes: classify(ev), evidence: ev };
}

describe('doctor report model', () => {
  it('exit code: 0 when no node has a cause (skipped nodes included), 1 otherwise', () => {
    const ok: DoctorReport = { nodes: [{ node: 'a', causes: [], evidence: healthy() }, { node: 'b', causes: [], skipped: "status is 'retired'" }] };
    assert.equal(reportExitCode(ok), 0);
    assert.equal(reportExitCode({ nodes: [...ok.nodes, offlineNode()] }), 1);
  });

  it('an expected cause (p2p of a nat_blocked node) is shown but is not a problem', () => {
    const ev = port(fail(healthy(), 'p2p', 'connect_timeout'), 'p2p', 'timeout');
    ev.target.natBlocked = true;
    const n: NodeReport = { node: 'gpu-7', causes: classify(ev), evidence: ev };
    assert.deepEqual(n.causes.map((c) => [c.cause, c.expected]), [['nat_blocked', true]]);
    assert.equal(reportExitCode({ nodes: [n] }), 0);
    assert.equal(causeForTransport(n, 'p2p')?.cause, 'nat_blocked', 'the tooltip still explains p2p');
    const md = renderReportMarkdown({ nodes: [n] });
    assert.match(md, /no problems/);
    assert.match(md, /^### p2p: `nat_blocked` \(expected, not a problem\)$/m);
  });

  it('tooltip lookup: the transport\'s own cause, else a node-wide one, else none', () => {
    const off = offlineNode();
    assert.equal(causeForTransport(off, 'rsync')?.cause, 'node_offline');
    assert.equal(causeForTransport(diskNode(), 'p2p')?.cause, 'disk_full');
    assert.equal(causeForTransport({ node: 'a', causes: [] }, 'p2p'), undefined);
  });

  it('groups the same cause and fix across transports', () => {
    const groups = groupCauses(offlineNode().causes);
    assert.deepEqual(groups.map((g) => [g.transports, g.cause.cause]), [[['p2p', 'rsync', 'base64'], 'node_offline']]);
  });

  it('Markdown: a heading per node, one section per cause group, the fix in a fenced block', () => {
    const md = renderReportMarkdown({ nodes: [offlineNode(), diskNode(), { node: 'old', causes: [], skipped: "status is 'retired'" }, { node: 'fine', causes: [], evidence: healthy() }] });
    assert.match(md, /^# ringrift-sync doctor: 4 node\(s\), 2 with problems$/m);
    assert.match(md, /^### p2p, rsync, base64: `node_offline`$/m);
    const fix = offlineNode().causes[0].fix.command;
    assert.ok(md.includes('```sh\n' + fix + '\n```'), 'fix command verbatim in a sh block');
    assert.match(md, /^- ssh banner 10\.0\.0\.7:22: \*\*refused\*\* \(4 ms\) `10\.0\.0\.7:22: refused`$/m);
    assert.match(md, /^Could also be: the machine is up but sshd and the agent are stopped/m);
    assert.match(md, /^## old\n\nSkipped: status is 'retired'\.$/m);
    assert.match(md, /^## fine\n\nNo problem found: p2p, rsync, base64 answered; 100\.0 GiB free\.$/m);
  });

  it('Markdown keeps a detail holding backticks inside its code span', () => {
    const n = offlineNode();
    n.causes[0].evidence.tried[0].detail = 'said `no`';
    assert.ok(renderReportMarkdown({ nodes: [n] }).includes('`` said `no` ``'));
  });

  it("reads the agent's /status disk, and says why when it cannot", () => {
    assert.deepEqual(parseStatus('{"root":"/srv/r","disk":{"freeBytes":10,"totalBytes":20}}', 'p2p'), { source: 'agent', freeBytes: 10, totalBytes: 20, path: '/srv/r' });
    assert.match(parseStatus('{"node":"x"}', 'p2p').error ?? '', /no disk\.freeBytes/);
    assert.match(parseStatus('<html>', 'http').error ?? '', /not JSON/);
  });
});
