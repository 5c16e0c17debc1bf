import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { nodeState, STATE_VERSION } from '../../../../src/core/router/routerState';
import { defaultStateDir, StateStore, stateFileName } from '../../../../src/core/router/stateStore';
import { tempDir } from '../../helpers/scriptedTransports';

const run = promisify(execFile);

describe('StateStore', () => {
  it('starts empty and survives a restart (a new store on the same dir reads what the last one wrote)', async () => {
    const dir = tempDir();
    const first = new StateStore(dir, '/x/distributed_hosts.yaml');
    assert.deepEqual(first.read().nodes, {});
    await first.update((s) => {
      nodeState(s, 'a').preferredTransport = 'rsync';
    });
    const second = new StateStore(dir, '/x/distributed_hosts.yaml');
    assert.equal(second.read().nodes.a.preferredTransport, 'rsync');
    assert.equal(second.read().version, STATE_VERSION);
  });

  it('keeps one file per hosts file, named after it', () => {
    assert.match(stateFileName('/a/distributed_hosts.yaml'), /^distributed_hosts-[0-9a-f]{10}\.json$/);
    assert.notEqual(stateFileName('/a/distributed_hosts.yaml'), stateFileName('/b/distributed_hosts.yaml'));
  });

  it('defaults to $XDG_STATE_HOME/ringrift-sync, else ~/.local/state/ringrift-sync', () => {
    assert.equal(defaultStateDir({ XDG_STATE_HOME: '/s' }), '/s/ringrift-sync');
    assert.equal(defaultStateDir({ HOME: '/home/u' }), '/home/u/.local/state/ringrift-sync');
  });

  for (const [what, content] of [
    ['a corrupt file', '{"version":1,"nodes":{'],
    ['a file of a foreign version', JSON.stringify({ version: 99, nodes: {}, escalations: [] })],
    ['a file that is not state at all', '[1,2,3]'],
  ] as const) {
    it(`sets ${what} aside with a warning and starts empty`, async () => {
      const dir = tempDir();
      const warnings: string[] = [];
      const store = new StateStore(dir, '/x/h.yaml', (w) => warnings.push(w));
      fs.writeFileSync(store.file, content);
      assert.deepEqual(store.read().nodes, {});
      assert.equal(warnings.length, 1);
      assert.match(warnings[0], /set aside as .*\.corrupt-/);
      const aside = fs.readdirSync(dir).filter((f) => f.includes('.corrupt-'));
      assert.equal(aside.length, 1);
      assert.equal(fs.readFileSync(path.join(dir, aside[0]), 'utf8'), content, 'the bad file is kept, not lost');
      await store.update((s) => void nodeState(s, 'a'));
      assert.ok(store.read().nodes.a);
    });
  }

  it("reads probe codes other versions wrote: 'aborted' as 'cancelled', an unknown one as 'unclassified', the message kept", () => {
    const dir = tempDir();
    const store = new StateStore(dir, '/x/h.yaml');
    const probe = (code: unknown) => ({ lastProbe: { time: 1, success: false, message: `said ${String(code)}`, latencyMs: 5, code } });
    const old = { consecutiveFailures: 0, failureTimes: [] };
    fs.writeFileSync(store.file, JSON.stringify({
      version: STATE_VERSION,
      escalations: [],
      nodes: {
        a: { enabled: true, failedTransports: [], history: [], transports: {
          p2p: { ...old, ...probe('refused') }, http: { ...old, ...probe('aborted') }, rsync: { ...old, ...probe('quantum_flux') }, base64: { ...old, ...probe(7) },
        } },
        b: { enabled: true, failedTransports: [], history: [], transports: { p2p: old } },
        // Shapes the loose version check lets through must not make reading throw.
        c: null,
        d: { transports: { p2p: null, http: { lastProbe: null } } },
      },
    }));
    const t = store.read().nodes.a.transports;
    assert.deepEqual([t.p2p?.lastProbe?.code, t.http?.lastProbe?.code, t.rsync?.lastProbe?.code, t.base64?.lastProbe?.code], ['refused', 'cancelled', 'unclassified', 'unclassified']);
    assert.equal(t.rsync?.lastProbe?.message, 'said quantum_flux');
  });

  it("reads a disable reason other versions wrote and this one does not know as 'unclassified'", () => {
    const dir = tempDir();
    const store = new StateStore(dir, '/x/h.yaml');
    const disabled = (reason: string) => ({ enabled: false, reason, failedTransports: ['p2p'], history: [], transports: {} });
    fs.writeFileSync(store.file, JSON.stringify({
      version: STATE_VERSION,
      escalations: [],
      nodes: { a: disabled('all_transports_exhausted'), b: disabled('cosmic_rays') },
    }));
    const nodes = store.read().nodes;
    assert.deepEqual([nodes.a.reason, nodes.b.reason], ['all_transports_exhausted', 'unclassified']);
  });

  it('loses no update when many writers in this process update at once', async () => {
    const dir = tempDir();
    const stores = Array.from({ length: 4 }, () => new StateStore(dir, '/x/h.yaml'));
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        stores[i % 4].update((s) => {
          s.escalations.push(i);
        }),
      ),
    );
    assert.equal(stores[0].read().escalations.length, 40);
  });

  it('loses no update when two processes (CLI and extension) write at once', async function () {
    this.timeout(30000);
    const dir = tempDir();
    const script = `
      const { StateStore } = require(${JSON.stringify(path.resolve(__dirname, '../../../../src/core/router/stateStore.ts'))});
      (async () => {
        const store = new StateStore(process.argv[1], '/x/h.yaml');
        for (let i = 0; i < 25; i++) await store.update((s) => { s.escalations.push(Number(process.argv[2]) * 1000 + i); });
      })();`;
    const tsx = ['--require', require.resolve('tsx/cjs'), '-e', script];
    await Promise.all([run(process.execPath, [...tsx, dir, '1']), run(process.execPath, [...tsx, dir, '2'])]);
    const all = new StateStore(dir, '/x/h.yaml').read().escalations;
    assert.equal(all.length, 50);
    assert.equal(new Set(all).size, 50);
  });

  it('takes over a lock left by a process that no longer exists', async () => {
    const dir = tempDir();
    const warnings: string[] = [];
    const store = new StateStore(dir, '/x/h.yaml', (w) => warnings.push(w));
    fs.writeFileSync(store.file + '.lock', `999999999 ${Date.now()}\n`);
    await store.update((s) => void nodeState(s, 'a'));
    assert.ok(store.read().nodes.a);
    assert.match(warnings.join('\n'), /stale lock/);
  });

  it('writes atomically: no temp file is left behind', async () => {
    const dir = tempDir();
    const store = new StateStore(dir, '/x/h.yaml');
    await store.update((s) => void nodeState(s, 'a'));
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp') || f.endsWith('.lock')), []);
  });
});
