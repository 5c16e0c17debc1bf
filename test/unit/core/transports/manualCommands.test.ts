import { strict as assert } from 'node:assert';
import { manualCommands, manualCommandsText } from '../../../../src/core/transports/manualCommands';
import { makeNode } from '../../extension/tree/nodeFixture';

describe('manualCommands (the runbook lines for one node)', () => {
  it('gives curl, ssh, rsync and base64 lines with the node\'s real address, port, user and key', () => {
    const node = makeNode({ name: 'gpu-9', address: '100.64.0.9', sshHost: '203.0.113.9', user: 'root', sshPort: 2222, sshKey: '/home/op/.ssh/id_cluster', p2pPort: 8770, httpPort: 18770, remoteBase: '~/ringrift/ai-service' });
    const lines = manualCommands(node).map((c) => c.command);
    assert.deepEqual(lines, [
      'curl -sS --max-time 5 http://100.64.0.9:8770/health',
      'curl -sS --max-time 5 http://203.0.113.9:18770/health',
      "ssh -i /home/op/.ssh/id_cluster -p 2222 -o ConnectTimeout=5 root@203.0.113.9 'echo ok; df -h .'",
      "rsync -av --partial --progress -e 'ssh -i /home/op/.ssh/id_cluster -p 2222 -o ConnectTimeout=5' FILE root@203.0.113.9:'~/ringrift/ai-service/FILE'",
      `base64 < FILE | ssh -i /home/op/.ssh/id_cluster -p 2222 -o ConnectTimeout=5 root@203.0.113.9 'base64 -d > "$HOME"/'\\''ringrift/ai-service/FILE'\\'''`,
    ]);
  });

  it('quotes what the shell would misread, and leaves out what the node has not got', () => {
    const node = makeNode({ sshHost: 'h', sshKey: "/keys/it's key", sshPort: 22, transports: ['rsync'], remoteBase: undefined });
    const lines = manualCommands(node).map((c) => c.command);
    assert.equal(lines.length, 2, 'ssh and rsync only');
    assert.ok(lines[0].startsWith(`ssh -i '/keys/it'\\''s key' -o ConnectTimeout=5 ubuntu@h `), lines[0]);
    assert.equal(manualCommands(makeNode({ sshHost: undefined, transports: ['p2p'] })).length, 1);
  });

  it('makes a paste-ready script: a comment, then each command', () => {
    const text = manualCommandsText(makeNode({ name: 'n' }));
    assert.match(text, /^# n: the runbook's manual checks \(replace FILE with the file to push\)\n# p2p: p2p agent on /);
    assert.ok(text.endsWith('\n'));
  });
});
