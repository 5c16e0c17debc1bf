import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { listenScript, parseListen, splitLocal } from '../../../../src/core/doctor/listenCheck';
import { wantsAgentListen } from '../../../../src/core/doctor/facts';
import { fail, healthy, sshFails } from './evidenceFixtures';

/** "Does the agent listen on the node?": the remote script's tool fallbacks and the parser of what they print. */

const SS = `State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
LISTEN 0      128          0.0.0.0:22        0.0.0.0:*
LISTEN 0      511        127.0.0.1:8771      0.0.0.0:*
LISTEN 0      128             [::]:22           [::]:*
`;

describe('doctor: is the agent listening on the node', () => {
  it('reads ss -ltn: every address, ours, loopback only, another address, nothing', () => {
    const at = (local: string) => parseListen(`@tool ss\n${SS}LISTEN 0 511 ${local}:8770 0.0.0.0:*\n`, 8770, ['10.0.0.7']);
    assert.deepEqual([at('0.0.0.0').state, at('0.0.0.0').addresses], ['listening', ['0.0.0.0']]);
    assert.equal(at('[::]').state, 'listening');
    assert.equal(at('*').state, 'listening');
    assert.equal(at('10.0.0.7%eth0').state, 'listening');
    assert.equal(at('[::ffff:10.0.0.7]').state, 'listening');
    assert.equal(at('127.0.0.1').state, 'loopback_only');
    const other = at('172.31.0.9');
    assert.equal(other.state, 'other_address');
    assert.match(other.detail, /^ss -ltn: listening on 172\.31\.0\.9:8770 only$/);
    const none = parseListen(`@tool ss\n${SS}`, 8770, ['10.0.0.7']);
    assert.deepEqual([none.state, none.detail], ['not_listening', 'ss -ltn: nothing listens on port 8770']);
  });

  it("reads where our SSH login landed on the node (SSH_CONNECTION), when the shell says", () => {
    const ev = parseListen(`@ssh 10.203.0.1 41234 10.203.5.2 22\n@tool ss\n${SS}LISTEN 0 511 0.0.0.0:8770 0.0.0.0:*\n`, 8770, []);
    assert.deepEqual([ev.state, ev.sshLanded], ['listening', { host: '10.203.5.2', port: 22 }]);
    const unsaid = parseListen(`@ssh \n@tool ss\n${SS}`, 8770, []);
    assert.deepEqual([unsaid.state, unsaid.sshLanded], ['not_listening', undefined]);
  });

  it('reads Linux and BSD netstat', () => {
    const linux = parseListen('@tool netstat\ntcp        0      0 0.0.0.0:8770            0.0.0.0:*               LISTEN\ntcp6       0      0 :::22                   :::*                    LISTEN\n', 8770, []);
    assert.deepEqual([linux.tool, linux.state], ['netstat', 'listening']);
    const mac = parseListen('@tool netstat\ntcp4       0      0  *.8770                 *.*                    LISTEN\ntcp4       0      0  127.0.0.1.631          *.*                    LISTEN\n', 8770, []);
    assert.deepEqual([mac.state, mac.addresses], ['listening', ['*']]);
    assert.deepEqual(splitLocal('::1.8770'), { host: '::1', port: 8770 });
    assert.equal(parseListen('@tool netstat\nunix  2      [ ACC ]     STREAM     LISTENING     23456    /run/x.sock\n', 8770, []).state, 'not_listening');
  });

  it('reads the connect fallbacks, and says when no tool answered', () => {
    assert.equal(parseListen('@tool bash\n@connected\n', 8770, []).state, 'listening');
    assert.equal(parseListen('@tool bash\n@refused\n', 8770, []).state, 'not_listening');
    assert.equal(parseListen('@tool curl\n@curl 7\n', 8770, []).state, 'not_listening');
    assert.equal(parseListen('@tool curl\n@curl 52\n', 8770, []).state, 'listening');
    assert.deepEqual([parseListen('@tool none\n', 8770, []).state, parseListen('@tool none\n', 8770, []).tool], ['unknown', 'none']);
    assert.match(parseListen('Welcome to gpu-7!\n', 8770, []).detail, /unexpected output: Welcome/);
  });

  it('the script falls back from ss to netstat to bash to curl, whichever the node has', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'listen-tools-'));
    const tool = (name: string, body: string) => fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    for (const t of ['head', 'grep']) fs.symlinkSync(execFileSync('sh', ['-c', `command -v ${t}`], { encoding: 'utf8' }).trim(), path.join(dir, t));
    const run = () => execFileSync('/bin/sh', ['-c', listenScript(8770)], { encoding: 'utf8', env: { PATH: dir, SSH_CONNECTION: '10.0.0.1 5000 10.0.0.7 22' } }).replace(/^@ssh 10\.0\.0\.1 5000 10\.0\.0\.7 22\n/, '');
    try {
      assert.equal(run(), '@tool none\n');
      tool('curl', 'exit 7');
      assert.equal(run(), '@tool curl\n@curl 7\n');
      tool('bash', 'exit 1');
      assert.equal(run(), '@tool bash\n@refused\n');
      tool('netstat', "echo 'tcp 0 0 0.0.0.0:8770 0.0.0.0:* LISTEN'; echo 'tcp 0 0 10.0.0.7:5555 10.0.0.9:40000 ESTABLISHED'");
      assert.equal(run(), '@tool netstat\ntcp 0 0 0.0.0.0:8770 0.0.0.0:* LISTEN\n');
      tool('ss', 'exit 1');
      assert.match(run(), /^@tool netstat\n/, 'an ss that fails (no /proc/net) falls through');
      tool('ss', `printf '%s' '${SS}'`);
      assert.equal(parseListen(run(), 8770, []).tool, 'ss');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('asks only when an agent port refused or timed out, SSH login works, and the node is not in relay mode', () => {
    assert.equal(wantsAgentListen(fail(healthy(), 'p2p', 'refused')), true);
    assert.equal(wantsAgentListen(fail(healthy(), 'p2p', 'connect_timeout')), true);
    assert.equal(wantsAgentListen(fail(healthy(), 'p2p', 'no_answer')), false, 'TCP accepted: the agent is there');
    assert.equal(wantsAgentListen(sshFails(fail(healthy(), 'p2p', 'refused'), 'auth_failed')), false, 'no SSH login to ask with');
    const relay = fail(healthy(), 'p2p', 'connect_timeout');
    relay.target.natBlocked = true;
    assert.equal(wantsAgentListen(relay), false);
    const proxied = fail(healthy(), 'p2p', 'refused');
    proxied.target.natBlocked = true;
    assert.equal(wantsAgentListen(proxied), true, "a relay node's refusal: is SSH a port forward?");
    assert.equal(wantsAgentListen(healthy()), false);
  });
});
