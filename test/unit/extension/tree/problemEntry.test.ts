import { strict as assert } from 'node:assert';
import type { HostsDiagnostic } from '../../../../src/core/hosts';
import { diagnosticProblem, problemEntry } from '../../../../src/extension/tree/problemEntry';

const DIAGNOSTIC: HostsDiagnostic = {
  severity: 'error',
  code: 'port_range',
  message: "host 'gpu-1': ssh_port 70000 is not a port (1-65535)",
  path: ['hosts', 'gpu-1', 'ssh_port'],
  range: { start: { line: 4, column: 15 }, end: { line: 4, column: 20 } },
};

describe('problemEntry', () => {
  it('turns a diagnostic into a row that opens file:line:column', () => {
    const entry = problemEntry(diagnosticProblem(DIAGNOSTIC, '/c/distributed_hosts.yaml'), 0);
    assert.equal(entry.label, DIAGNOSTIC.message);
    assert.equal(entry.description, 'distributed_hosts.yaml:4:15');
    assert.equal(entry.tooltip, "/c/distributed\\_hosts.yaml:4:15: host 'gpu-1': ssh\\_port 70000 is not a port (1-65535)");
    assert.deepEqual(entry.location, { file: '/c/distributed_hosts.yaml', line: 4, column: 15 });
    assert.equal(entry.onClick, 'openLocation');
    assert.deepEqual(entry.icon, { id: 'error', color: 'errorForeground' });
  });

  it('has no place to open when the problem is that there is no file', () => {
    const entry = problemEntry({ label: 'No hosts file found', message: 'set ringriftSync.hostsFile', severity: 'error' }, 0);
    assert.equal(entry.description, undefined);
    assert.equal(entry.onClick, undefined);
  });

  it('keeps ids apart for rows with the same text', () => {
    const p = { label: 'same', message: 'm', severity: 'warning' as const };
    assert.notEqual(problemEntry(p, 0).id, problemEntry(p, 1).id);
  });
});
