import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveClusterToken } from '../../../../../../src/core/transports/http/orchestrator/token';

describe('orchestrator/token: the cluster token as RingRift looks it up', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-token-'));
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('--token-file, then RINGRIFT_CLUSTER_AUTH_TOKEN, then its _FILE, then RINGRIFT_AGENT_TOKEN; each trimmed', () => {
    const flag = file('flag', ' from-flag \n');
    const envFile = file('env', '\tfrom-file\n');
    const all = { RINGRIFT_CLUSTER_AUTH_TOKEN: ' from-env ', RINGRIFT_CLUSTER_AUTH_TOKEN_FILE: envFile, RINGRIFT_AGENT_TOKEN: 'agent' };
    assert.deepEqual(resolveClusterToken(all, flag), { ok: true, value: { token: 'from-flag', source: '--token-file' } });
    assert.deepEqual(resolveClusterToken(all), { ok: true, value: { token: 'from-env', source: 'RINGRIFT_CLUSTER_AUTH_TOKEN' } });
    assert.deepEqual(resolveClusterToken({ ...all, RINGRIFT_CLUSTER_AUTH_TOKEN: '  ' }), { ok: true, value: { token: 'from-file', source: 'RINGRIFT_CLUSTER_AUTH_TOKEN_FILE' } });
    assert.deepEqual(resolveClusterToken({ RINGRIFT_AGENT_TOKEN: 'agent' }), { ok: true, value: { token: 'agent', source: 'RINGRIFT_AGENT_TOKEN' } });
    assert.deepEqual(resolveClusterToken({}), { ok: true, value: {} });
  });

  it('an unreadable token file is an error naming the file, never the token', () => {
    const r = resolveClusterToken({}, path.join(dir, 'missing'));
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.message, /cannot read the cluster token file .*missing \(--token-file\)/);
  });
});
