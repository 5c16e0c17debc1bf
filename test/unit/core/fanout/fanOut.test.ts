import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultRemotePath, fanOut } from '../../../../src/core/fanout/fanOut';
import type { FanoutEvent } from '../../../../src/core/fanout/results';
import type { NodeSpec } from '../../../../src/core/hosts/nodeSpec';
import { EventLog } from '../../../../src/core/router/eventLog';
import { DEFAULT_ROUTER_SETTINGS } from '../../../../src/core/router/routerSettings';
import { StateStore } from '../../../../src/core/router/stateStore';
import { SyncRouter } from '../../../../src/core/router/syncRouter';
import { DEFAULT_TRANSPORT_OPTIONS } from '../../../../src/core/transports/transport';
import { makeNode, scriptedSet, tempDir } from '../../helpers/scriptedTransports';

/** fanOut's plan before anything connects: who goes direct, and why (no node here can be asked to pull). */
async function run(nodes: NodeSpec[], remotePath: string) {
  const dir = tempDir();
  const file = path.join(dir, 'f.bin');
  fs.writeFileSync(file, 'payload');
  const transports = scriptedSet();
  const router = new SyncRouter({ nodes, transports, store: new StateStore(dir, path.join(dir, 'hosts.yaml')), events: new EventLog(dir), settings: DEFAULT_ROUTER_SETTINGS });
  const events: FanoutEvent[] = [];
  const transportOptions = { ...DEFAULT_TRANSPORT_OPTIONS, knownHostsFile: '/dev/null', env: {} };
  const results = await fanOut(nodes, { localPath: file, remotePath }, { router, transportOptions }, (e) => events.push(e), new AbortController().signal);
  return { results, events, transports };
}

describe('fanOut plan', () => {
  it("a fan-out's default remote path is under data/, a plain sync's the file's name", () => {
    assert.equal(defaultRemotePath('/x/model.npz', true), 'data/model.npz');
    assert.equal(defaultRemotePath('/x/model.npz', false), 'model.npz');
  });

  it('a file outside data/ cannot be pulled: every node gets the direct chain, and the result says why', async () => {
    const { results } = await run([makeNode('a'), makeNode('b')], 'models/m.pth');
    assert.deepEqual(results.map((r) => [r.node, r.route, r.source, r.wave, r.success]), [['a', 'direct', 'local', 1, true], ['b', 'direct', 'local', 1, true]]);
    assert.match(results[0].message, /direct from this machine: a: 'models\/m.pth' is under models\/: \/sync\/pull fetches into the data directory only/);
  });

  it('a node nothing can ask to pull goes direct with the reason; a node the router refuses gets only the router\'s answer', async () => {
    const off = makeNode('off', { p2pEnabled: false, httpPort: undefined, transports: ['rsync', 'base64'] });
    const offline = makeNode('gone', { status: 'offline', ready: false });
    const { results, events, transports } = await run([off, offline], 'data/f.bin');
    assert.match(results[0].message, /synced via rsync \(direct from this machine: off: nothing can ask it to pull/);
    assert.equal(results[1].success, false);
    assert.match(results[1].message, /^not synced: status is 'offline'/);
    assert.deepEqual(events.filter((e) => e.type === 'direct').map((e) => e.node), ['off']);
    assert.deepEqual(transports.rsync.pushes, ['off']);
  });
});
