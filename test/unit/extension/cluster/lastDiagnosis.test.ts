import { strict as assert } from 'node:assert';
import { DiagnosisMemory, diagnosedProbe, diagnosisSummary, transportCause } from '../../../../src/extension/cluster/lastDiagnosis';
import { nodeView, type TransportView } from '../../../../src/extension/cluster/nodeView';
import { agentDown, allGood, offline } from '../doctor/doctorFixtures';
import { makeNode } from '../tree/nodeFixture';
import { NOW, StateBuilder } from '../tree/stateFixture';

const failing = (kind: TransportView['kind']): TransportView => ({ kind, health: 'failed', preferred: false, failures: 0, error: 'refused' });

describe('lastDiagnosis: the doctor report kept per node', () => {
  it('keeps the last report of each node; a skipped node keeps its earlier one', () => {
    const memory = new DiagnosisMemory();
    memory.record(agentDown(), 1);
    memory.record({ node: 'gpu-7', causes: [], skipped: "status is 'maintenance'" }, 2);
    assert.equal(memory.get('gpu-7')?.at, 1);
    memory.record(allGood(), 3);
    assert.deepEqual(memory.get('gpu-7')?.report.causes, []);
    assert.equal(memory.get('gpu-8'), undefined);
  });

  it("names a failing transport's own cause, else the node-wide one; nothing for a working or undiagnosed one", () => {
    const d = { at: NOW, report: agentDown() };
    assert.equal(transportCause(d, failing('p2p'))?.cause, 'agent_not_running');
    assert.equal(transportCause(d, failing('rsync')), undefined, 'rsync answered in the diagnosis: no cause to give');
    assert.equal(transportCause(d, { ...failing('p2p'), health: 'ok' }), undefined, 'works now: the cause is history');
    assert.equal(transportCause(undefined, failing('p2p')), undefined);
    const disk = { at: NOW, report: { ...allGood(), causes: [{ ...agentDown().causes[0], transport: 'all' as const, cause: 'disk_full' as const }] } };
    assert.equal(transportCause(disk, failing('rsync'))?.cause, 'disk_full');
  });

  it('summarises the causes for the node tooltip, merged like the report', () => {
    assert.equal(diagnosisSummary({ at: NOW, report: offline() }), 'node_offline (p2p, rsync, base64)');
    assert.equal(diagnosisSummary({ at: NOW, report: allGood() }), 'no problem found');
  });

  it("gives nodeView the diagnosis's probes when they are newer than the router's", () => {
    const node = makeNode({ name: 'gpu-7', transports: ['p2p', 'rsync', 'base64'] });
    const d = { at: NOW, report: agentDown() };
    assert.deepEqual(diagnosedProbe(d, 'p2p'), { time: NOW, success: false, message: 'p2p failed (refused)', latencyMs: 50, code: 'refused' });
    const untested = nodeView(node, new StateBuilder().state, NOW, undefined, d);
    assert.deepEqual(untested.transports.map((t) => t.health), ['failed', 'ok', 'ok']);
    assert.equal(untested.health, 'degraded');
    // A test after the diagnosis wins: p2p works again.
    const later = new StateBuilder().probe('gpu-7', 'p2p', true, { ago: -1000 }).state;
    assert.equal(nodeView(node, later, NOW, undefined, d).transports[0].health, 'ok');
  });
});
