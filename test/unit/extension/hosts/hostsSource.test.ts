import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findHostsFile, loadHostsState } from '../../../../src/extension/hosts/hostsSource';

const HOSTS = 'hosts:\n  gpu-1:\n    ssh_host: 127.0.0.2\n    status: ready\n';

describe('hostsSource', () => {
  let tmp: string;
  let folderA: string;
  let folderB: string;

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ringrift-hosts-source-'));
    folderA = path.join(tmp, 'a');
    folderB = path.join(tmp, 'b');
    fs.mkdirSync(path.join(folderA, 'config'), { recursive: true });
    fs.mkdirSync(path.join(folderB, 'ai-service/config'), { recursive: true });
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('takes the setting first; a relative one from the first folder', () => {
    assert.deepEqual(findHostsFile({ setting: '/etc/h.yaml', folders: [folderA], env: {} }), { ok: true, file: '/etc/h.yaml' });
    assert.deepEqual(findHostsFile({ setting: 'x/h.yaml', folders: [folderA, folderB], env: {} }), { ok: true, file: path.join(folderA, 'x/h.yaml') });
  });

  it('refuses a relative setting with no folder open, saying what to do', () => {
    const found = findHostsFile({ setting: 'h.yaml', folders: [], env: {} });
    assert.equal(found.ok, false);
    assert.match(!found.ok ? found.message : '', /use an absolute path or open a folder/);
  });

  it('looks in each folder in lookup order', () => {
    const inB = path.join(folderB, 'ai-service/config/distributed_hosts.yaml');
    fs.writeFileSync(inB, HOSTS);
    assert.deepEqual(findHostsFile({ setting: '', folders: [folderA, folderB], env: {} }), { ok: true, file: inB });
    const inA = path.join(folderA, 'config/distributed_hosts.yaml');
    fs.writeFileSync(inA, HOSTS);
    assert.deepEqual(findHostsFile({ setting: undefined, folders: [folderA, folderB], env: {} }), { ok: true, file: inA });
  });

  it('names the folders and the places it looked when nothing is found', () => {
    const found = findHostsFile({ setting: undefined, folders: [folderA], env: {} });
    assert.equal(found.ok, false);
    const message = !found.ok ? found.message : '';
    assert.ok(message.includes(folderA), message);
    assert.match(message, /config\/distributed_hosts\.yaml.*set ringriftSync\.hostsFile/);
  });

  it('honours $RINGRIFT_HOSTS_FILE, and says so when it names a missing file', () => {
    const fromEnv = path.join(tmp, 'elsewhere.yaml');
    fs.writeFileSync(fromEnv, HOSTS);
    assert.deepEqual(findHostsFile({ setting: undefined, folders: [folderA], env: { RINGRIFT_HOSTS_FILE: fromEnv } }), { ok: true, file: fromEnv });
    const missing = findHostsFile({ setting: undefined, folders: [folderA], env: { RINGRIFT_HOSTS_FILE: path.join(tmp, 'gone.yaml') } });
    assert.equal(missing.ok, false);
    assert.match(!missing.ok ? missing.message : '', /RINGRIFT_HOSTS_FILE.*gone\.yaml.*ringriftSync\.hostsFile/);
  });

  it('loads the file it finds into nodes', async () => {
    fs.writeFileSync(path.join(folderA, 'distributed_hosts.yaml'), HOSTS);
    const state = await loadHostsState({ setting: undefined, folders: [folderA], env: {} });
    assert.equal(state.kind, 'loaded');
    assert.deepEqual(state.kind === 'loaded' ? state.hosts.nodes.map((n) => n.name) : [], ['gpu-1']);
  });

  it('reports a configured file that is missing as unreadable, naming it', async () => {
    const missing = path.join(tmp, 'nope.yaml');
    const state = await loadHostsState({ setting: missing, folders: [folderA], env: {} });
    assert.equal(state.kind, 'unreadable');
    assert.ok(state.kind === 'unreadable' && state.message.includes(missing), JSON.stringify(state));
  });
});
